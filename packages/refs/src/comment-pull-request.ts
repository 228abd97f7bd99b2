import { type HubClient, InvalidInputError, parseRepoId } from "@hfkit/http";
import * as z from "@hfkit/http/zod";
import { discussionPath, type PullRequestEvent, toEvent } from "./pull-request.js";
import type { RefsOperationOptions } from "./types.js";
import { WireEvent } from "./wire/discussion.js";

export interface CommentPullRequestOptions extends RefsOperationOptions {
  num: number;
  /** Markdown. */
  comment: string;
}

const WireNewMessage = z.object({ newMessage: WireEvent }).loose();

/**
 * Adds a comment to a pull request (or a discussion).
 *
 * @example
 * await commentPullRequest(hub, { repo: "acme/bert", num: 3, comment: "Looks good!" });
 */
export async function commentPullRequest(
  client: HubClient,
  options: CommentPullRequestOptions,
): Promise<PullRequestEvent> {
  const repo = parseRepoId(options.repo);
  if (typeof options.comment !== "string" || options.comment.trim() === "") {
    throw new InvalidInputError("comment: write something to post.", { field: "comment" });
  }
  const { data } = await client.request({
    method: "POST",
    path: `${discussionPath(repo, options.num)}/comment`,
    body: { json: { comment: options.comment } },
    schema: WireNewMessage,
    signal: options.signal,
    operation: "commentPullRequest",
  });
  return toEvent(data.newMessage);
}
