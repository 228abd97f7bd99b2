import { type HubClient, parseRepoId } from "@hfkit/http";
import * as z from "@hfkit/http/zod";
import { discussionPath, type PullRequestEvent, toEvent } from "./pull-request.js";
import type { RefsOperationOptions } from "./types.js";
import { WireEvent } from "./wire/discussion.js";

export interface ClosePullRequestOptions extends RefsOperationOptions {
  num: number;
  /** Posted as a comment with the status change. */
  comment?: string;
}

const WireNewStatus = z.object({ newStatus: WireEvent }).loose();

/**
 * Closes a pull request without merging it. Its `refs/pr/N` ref stays readable.
 *
 * @example
 * await closePullRequest(hub, { repo: "acme/bert", num: 3, comment: "Superseded by #4" });
 */
export async function closePullRequest(
  client: HubClient,
  options: ClosePullRequestOptions,
): Promise<PullRequestEvent> {
  const repo = parseRepoId(options.repo);
  const { data } = await client.request({
    method: "POST",
    path: `${discussionPath(repo, options.num)}/status`,
    body: { json: { status: "closed", comment: options.comment } },
    schema: WireNewStatus,
    signal: options.signal,
    operation: "closePullRequest",
  });
  return toEvent(data.newStatus);
}
