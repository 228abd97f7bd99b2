import * as z from "@hfkit/http/zod";

// `GET /api/{type}/{repo}/refs[?include_prs=1]` (hub-protocol §8.1).
export const WireRef = z.object({ name: z.string(), ref: z.string(), targetCommit: z.string() }).loose();

export const WireRefs = z
  .object({
    branches: z.array(WireRef).nullish(),
    tags: z.array(WireRef).nullish(),
    converts: z.array(WireRef).nullish(),
    pullRequests: z.array(WireRef).nullish(),
  })
  .loose();
