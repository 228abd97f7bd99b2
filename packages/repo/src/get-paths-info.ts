import { encodeRevision, type HubClient, InvalidInputError, parseRepoId, repoApiPath } from "@hfkit/http";
import { toRepoEntry } from "./entries.js";
import type { RepoEntry, RepoOperationOptions } from "./types.js";
import { WireTreePage } from "./wire/tree-entry.js";

export interface GetPathsInfoOptions extends RepoOperationOptions {
  /** Files or folders to look up. Missing paths are left out of the result. */
  paths: readonly string[];
  /** Branch, tag or commit. Default `main`. */
  revision?: string;
  /** Add `lastCommit` and `securityStatus`. Default false. */
  expand?: boolean;
}

// The Hub answers 413 above roughly 1000 paths per call; Python sends 500 at a time.
const PATHS_PER_REQUEST = 500;

/**
 * Looks up several paths at once. Paths that do not exist are silently omitted, as on the Hub.
 *
 * @example
 * const [config] = await getPathsInfo(hub, { repo: "acme/bert", paths: ["config.json"] });
 */
export async function getPathsInfo(client: HubClient, options: GetPathsInfoOptions): Promise<RepoEntry[]> {
  const repo = parseRepoId(options.repo);
  if (!Array.isArray(options.paths) || options.paths.some((p) => typeof p !== "string" || p === "")) {
    throw new InvalidInputError("paths: pass an array of non-empty paths inside the repo.", {
      field: "paths",
    });
  }
  const out: RepoEntry[] = [];
  for (let i = 0; i < options.paths.length; i += PATHS_PER_REQUEST) {
    const { data } = await client.request({
      method: "POST",
      path: `${repoApiPath(repo)}/paths-info/${encodeRevision(options.revision ?? "main")}`,
      body: {
        json: { paths: options.paths.slice(i, i + PATHS_PER_REQUEST), expand: options.expand ?? false },
      },
      schema: WireTreePage,
      idempotent: true, // a read, sent as POST only because the list can be long
      signal: options.signal,
      operation: "getPathsInfo",
    });
    for (const wire of data) {
      const entry = toRepoEntry(wire);
      if (entry) out.push(entry);
    }
  }
  return out;
}
