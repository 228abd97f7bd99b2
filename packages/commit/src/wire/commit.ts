import * as z from "@hfkit/http/zod";

// `POST /api/{type}/{repo}/commit/{rev}` answer (hub-protocol.md 6.3).
export const WireCommitResponse = z.object({
  commitOid: z.string(),
  commitUrl: z.string(),
  pullRequestUrl: z.string().nullish(),
  hookOutput: z.string().nullish(),
});

export type WireCommitResponse = z.infer<typeof WireCommitResponse>;
