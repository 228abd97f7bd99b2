import * as z from "@hfkit/http/zod";

// One item of `GET /api/{type}/{repo}/commits/{rev}` (hub-protocol §8.4).
export const WireCommit = z
  .object({
    id: z.string(),
    title: z.string().nullish(),
    message: z.string().nullish(),
    authors: z.array(z.object({ user: z.string(), avatar: z.string().nullish() }).loose()).nullish(),
    date: z.string(),
    formatted: z.object({ title: z.string().nullish(), message: z.string().nullish() }).loose().nullish(),
  })
  .loose();
