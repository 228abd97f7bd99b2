import * as z from "@hfkit/http/zod";

// `POST /api/repos/create` answers `{id, name, url}`; its 409 carries `{error, url}` (hub-protocol §3.1).
export const WireCreateRepo = z
  .object({ url: z.string().nullish(), id: z.string().nullish(), name: z.string().nullish() })
  .loose();
