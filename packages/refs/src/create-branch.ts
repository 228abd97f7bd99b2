import {
  ConflictError,
  checkRevision,
  encodeRevision,
  type HubClient,
  InvalidInputError,
  parseRepoId,
  repoApiPath,
} from "@hfkit/http";
import { checkRefName } from "./revision.js";
import type { RefsOperationOptions } from "./types.js";

export interface CreateBranchOptions extends RefsOperationOptions {
  branch: string;
  /** Branch, tag or commit to start from. Default: the default branch. */
  revision?: string;
  /** Start with no commits at all (e.g. to push an unrelated history). */
  empty?: boolean;
  /** Move an existing branch of that name instead of failing. */
  overwrite?: boolean;
  /** Succeed, changing nothing, when the branch exists already. */
  existOk?: boolean;
}

export interface CreateBranchResult {
  /** False when `existOk` found the branch already there. */
  created: boolean;
}

/**
 * Creates a branch from a revision (default: the default branch), or an empty one.
 *
 * @example
 * await createBranch(hub, { repo: "datasets/acme/reviews", branch: "v2-draft", revision: "v1.0" });
 */
export async function createBranch(
  client: HubClient,
  options: CreateBranchOptions,
): Promise<CreateBranchResult> {
  const repo = parseRepoId(options.repo);
  checkRefName(options.branch, "branch");
  // The starting point travels in the body, where encodeRevision does not see it.
  if (options.revision !== undefined) checkRevision(options.revision);
  if (options.empty && options.revision !== undefined) {
    throw new InvalidInputError("revision: an empty branch starts from nothing; drop revision or empty.", {
      field: "revision",
    });
  }
  try {
    await client.request({
      method: "POST",
      path: `${repoApiPath(repo)}/branch/${encodeRevision(options.branch)}`,
      body: {
        json: {
          startingPoint: options.revision,
          emptyBranch: options.empty || undefined,
          overwrite: options.overwrite || undefined,
        },
      },
      responseType: "none",
      signal: options.signal,
      operation: "createBranch",
    });
    return { created: true };
  } catch (error) {
    if (options.existOk && ConflictError.isInstance(error)) return { created: false };
    throw error;
  }
}
