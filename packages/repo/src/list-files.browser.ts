import { encodePathInRepo, encodeRevision, type HubClient, parseRepoId, repoApiPath } from "@hfkit/http";
import { toRepoEntry } from "./entries.js";
import type { ListFilesOptions } from "./tree-request.js";
import type { RepoEntry } from "./types.js";
import { WireTreePage } from "./wire/tree-entry.js";

export type { ListFilesOptions };

/**
 * The web build's `listFiles` (list-files.ts): an async generator over the pages, one at a
 * time, with the request of tree-request.ts written out. The Node build's page fetched ahead
 * and hand-made iterator, or even the call to `treeRequest`, would take the budget page of
 * ADR 0017 over its size (it had 16 bytes to spare).
 */
export async function* listFiles(client: HubClient, options: ListFilesOptions): AsyncGenerator<RepoEntry> {
  const repo = parseRepoId(options.repo);
  const folder = options.path?.replace(/^\/+|\/+$/g, "");
  const path = `${repoApiPath(repo)}/tree/${encodeRevision(options.revision ?? "main")}${folder ? `/${encodePathInRepo(folder)}` : ""}`;
  const entries = client.paginate({
    path,
    query: { recursive: options.recursive ?? false, expand: options.expand ?? false },
    schema: WireTreePage,
    signal: options.signal,
    operation: "listFiles",
  });
  for await (const wire of entries) {
    const entry = toRepoEntry(wire);
    if (entry) yield entry;
  }
}
