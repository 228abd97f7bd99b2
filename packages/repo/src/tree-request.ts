import { encodePathInRepo, encodeRevision, type JsonRequest, parseRepoId, repoApiPath } from "@hfkit/http";
import type { RepoOperationOptions } from "./types.js";
import { type WireTreeEntry, WireTreePage } from "./wire/tree-entry.js";

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
 * The first page's request of a tree listing; throws on bad input. The Node build's: the web
 * build's list-files.browser.ts writes it out, as the call would take the page over its budget.
 */
export function treeRequest(options: ListFilesOptions): JsonRequest<WireTreeEntry[]> {
  const repo = parseRepoId(options.repo);
  const folder = options.path?.replace(/^\/+|\/+$/g, "");
  return {
    path: `${repoApiPath(repo)}/tree/${encodeRevision(options.revision ?? "main")}${folder ? `/${encodePathInRepo(folder)}` : ""}`,
    query: { recursive: options.recursive ?? false, expand: options.expand ?? false },
    schema: WireTreePage,
    signal: options.signal,
    operation: "listFiles",
  };
}
