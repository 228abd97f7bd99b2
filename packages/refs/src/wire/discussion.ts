import * as z from "@hfkit/http/zod";

// Discussions and pull requests (hub-protocol §9; huggingface_hub community.py).
export const WireEvent = z
  .object({
    id: z.string(),
    type: z.string(),
    createdAt: z.string(),
    author: z.object({ name: z.string() }).loose().nullish(),
    data: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

export const WireDiscussion = z
  .object({
    num: z.number(),
    title: z.string(),
    status: z.string(),
    isPullRequest: z.boolean(),
    createdAt: z.string(),
    author: z.object({ name: z.string() }).loose().nullish(),
    numComments: z.number().nullish(),
    pinned: z.boolean().nullish(),
  })
  .loose();

export const WireDiscussionPage = z
  .object({ discussions: z.array(WireDiscussion), count: z.number(), start: z.number() })
  .loose();

export const WireDiscussionDetails = WireDiscussion.extend({
  events: z.array(WireEvent).nullish(),
  changes: z.object({ base: z.string().nullish(), mergeCommitId: z.string().nullish() }).loose().nullish(),
  filesWithConflicts: z.array(z.string()).nullish(),
  diff: z.string().nullish(),
});

export const WireCreatedDiscussion = z
  .object({ num: z.number(), url: z.string().nullish(), pullRequest: z.boolean().nullish() })
  .loose();

export type WireDiscussion = z.infer<typeof WireDiscussion>;
export type WireEvent = z.infer<typeof WireEvent>;
