import {
  ConflictError,
  checkRevision,
  encodeRevision,
  type HubClient,
  parseRepoId,
  repoApiPath,
} from "@hfkit/http";
import { checkRefName } from "./revision.js";
import type { RefsOperationOptions } from "./types.js";

export interface CreateTagOptions extends RefsOperationOptions {
  tag: string;
  /** Branch, tag or commit to tag. Default `main`. */
  revision?: string;
  /** Annotation stored with the tag. */
  message?: string;
  /** Succeed, changing nothing, when the tag exists already. */
  existOk?: boolean;
}

export interface CreateTagResult {
  /** False when `existOk` found the tag already there. */
  created: boolean;
}

/**
 * Tags a revision, optionally with a message.
 *
 * @example
 * await createTag(hub, { repo: "acme/bert", tag: "v1.0", message: "First release" });
 */
export async function createTag(client: HubClient, options: CreateTagOptions): Promise<CreateTagResult> {
  const repo = parseRepoId(options.repo);
  checkRefName(options.tag, "tag");
  const revision = checkRevision(options.revision);
  try {
    await client.request({
      method: "POST",
      // The path names the revision being tagged; the tag's name travels in the body (hub-protocol §8.3).
      path: `${repoApiPath(repo)}/tag/${encodeRevision(revision)}`,
      body: { json: { tag: options.tag, message: options.message } },
      responseType: "none",
      signal: options.signal,
      operation: "createTag",
    });
    return { created: true };
  } catch (error) {
    if (options.existOk && ConflictError.isInstance(error)) return { created: false };
    throw error;
  }
}
