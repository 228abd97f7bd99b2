import { encodePathInRepo, encodeRevision, type HubClient, parseRepoId, repoApiPath } from "@hfkit/http";
import * as z from "zod";
import { toRepoEntry } from "./entries.js";
import type { RepoEntry, RepoOperationOptions } from "./types.js";
import { WireTreeEntry } from "./wire/tree-entry.js";

export interface ListFilesOptions extends RepoOperationOptions {
  /** Branch, tag or commit. Default `main`. */
  revision?: string;
  /** A folder inside the repo to list instead of the root. */
  path?: string;
  /** List the whole subtree instead of one level. Default false. */
  recursive?: boolean;
  /** Add `lastCommit` and `securityStatus` (slower on the Hub). Default false. */
  expand?: boolean;
}

/**
 * Lists the files and folders of a repo at a revision, page by page as you iterate.
 *
 * @example
 * for await (const entry of listFiles(hub, { repo: "datasets/acme/reviews", recursive: true })) {
 *   if (entry.type === "file") console.log(entry.path, entry.size);
 * }
 */
export async function* listFiles(client: HubClient, options: ListFilesOptions): AsyncGenerator<RepoEntry> {
  const repo = parseRepoId(options.repo);
  const folder = options.path?.replace(/^\/+|\/+$/g, "");
  const path = `${repoApiPath(repo)}/tree/${encodeRevision(options.revision ?? "main")}${folder ? `/${encodePathInRepo(folder)}` : ""}`;
  const entries = client.paginate({
    path,
    query: { recursive: options.recursive ?? false, expand: options.expand ?? false },
    schema: z.array(WireTreeEntry),
    signal: options.signal,
    operation: "listFiles",
  });
  for await (const wire of entries) {
    const entry = toRepoEntry(wire);
    if (entry) yield entry;
  }
}
