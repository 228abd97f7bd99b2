import { type HubClient, pageItems } from "@hfkit/http";
import { toRepoEntry } from "./entries.js";
import { type ListFilesOptions, treeRequest } from "./tree-request.js";
import type { RepoEntry } from "./types.js";

export type { ListFilesOptions };

/**
 * Lists the files and folders of a repo at a revision, page by page as you iterate. While you
 * use one page (1,000 entries on the Hub), the next is already being fetched; leaving the loop
 * aborts that request.
 *
 * @example
 * for await (const entry of listFiles(hub, { repo: "datasets/acme/reviews", recursive: true })) {
 *   if (entry.type === "file") console.log(entry.path, entry.size);
 * }
 */
export function listFiles(
  client: HubClient,
  options: ListFilesOptions,
): AsyncGenerator<RepoEntry, void, unknown> {
  let request: ReturnType<typeof treeRequest>;
  try {
    request = treeRequest(options);
  } catch (error) {
    // Bad input is still thrown by the first `next()`, before any request, as from a generator.
    // biome-ignore lint/correctness/useYield: a list that fails when first asked for an entry.
    return (async function* () {
      throw error;
    })();
  }
  // The next page is fetched while this one is used (the Hub's time for it overlaps ours), and
  // entries are mapped as they are handed out, with no async generator of ours per entry: both
  // measured on a 20,000-entry listing (tooling/bench `listing`). The web build keeps the plain
  // generator (list-files.browser.ts).
  return pageItems(client.pages(request, { prefetch: true }), toRepoEntry);
}
