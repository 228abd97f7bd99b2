import { type HubClient, parseRepoId } from "@hfkit/http";
import * as z from "@hfkit/http/zod";
import { discussionPath } from "./pull-request.js";
import type { RefsOperationOptions } from "./types.js";

export interface MergePullRequestOptions extends RefsOperationOptions {
  num: number;
  /** Posted as a comment before merging. */
  comment?: string;
}

export interface MergePullRequestResult {
  /** The merge commit on the base branch, when the Hub reports it. */
  mergeCommitId?: string;
}

const WireMerge = z.object({ mergeCommitId: z.string().nullish() }).loose().nullable();

/**
 * Merges a pull request into its base branch. A conflict is a `ConflictError`.
 *
 * @example
 * await mergePullRequest(hub, { repo: "acme/bert", num: 3, comment: "Thanks!" });
 */
export async function mergePullRequest(
  client: HubClient,
  options: MergePullRequestOptions,
): Promise<MergePullRequestResult> {
  const repo = parseRepoId(options.repo);
  const { data } = await client.request({
    method: "POST",
    path: `${discussionPath(repo, options.num)}/merge`,
    body: { json: { comment: options.comment } },
    schema: WireMerge,
    signal: options.signal,
    operation: "mergePullRequest",
  });
  return data?.mergeCommitId ? { mergeCommitId: data.mergeCommitId } : {};
}
