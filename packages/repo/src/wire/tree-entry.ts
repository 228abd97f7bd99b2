import * as z from "@hfkit/http/zod";

// One entry of `GET /api/{type}/{repo}/tree/{rev}` and `POST …/paths-info/{rev}` (hub-protocol §4.1).
// Lenient: unknown keys pass, optional fields may be absent on older servers.
export const WireLastCommit = z.object({ id: z.string(), title: z.string(), date: z.string() });

export const WireTreeEntry = z.object({
  type: z.string(),
  oid: z.string(),
  size: z.number().optional(),
  path: z.string(),
  lfs: z.object({ oid: z.string(), size: z.number(), pointerSize: z.number().optional() }).optional(),
  xetHash: z.string().optional(),
  lastCommit: WireLastCommit.optional().nullable(),
  securityFileStatus: z.object({ status: z.string() }).loose().optional().nullable(),
});

export type WireTreeEntry = z.infer<typeof WireTreeEntry>;
