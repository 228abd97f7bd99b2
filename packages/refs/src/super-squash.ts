import { encodeRevision, type HubClient, parseRepoId, repoApiPath } from "@hfkit/http";
import * as z from "@hfkit/http/zod";
import { checkRefName } from "./revision.js";
import type { RefsOperationOptions } from "./types.js";

export interface SuperSquashOptions extends RefsOperationOptions {
  /** Branch to squash. Default `main`. */
  branch?: string;
  /** Message of the single commit left. Default: the Hub's. */
  message?: string;
}

export interface SuperSquashResult {
  /** The one commit the branch now holds. */
  commitId: string;
}

const WireSquash = z.object({ commitId: z.string() }).loose();

/**
 * Replaces a branch's whole history with one commit holding its current files. Irreversible:
 * LFS files only reachable from the old history are eventually deleted, which frees storage.
 *
 * @example
 * const { commitId } = await superSquash(hub, { repo: "datasets/acme/logs", message: "Squash history" });
 */
export async function superSquash(
  client: HubClient,
  options: SuperSquashOptions,
): Promise<SuperSquashResult> {
  const repo = parseRepoId(options.repo);
  const branch = options.branch ?? "main";
  checkRefName(branch, "branch");
  const { data } = await client.request({
    method: "POST",
    path: `${repoApiPath(repo)}/super-squash/${encodeRevision(branch)}`,
    body: { json: { message: options.message } },
    schema: WireSquash,
    signal: options.signal,
    operation: "superSquash",
  });
  return { commitId: data.commitId };
}
