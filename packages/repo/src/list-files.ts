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
 * Lists the files and folders of a repo at a revision, page by page as you iterate (the next
 * page is fetched while the current one is handed out).
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
  // The next page is asked for as soon as one arrives, while its entries are handed out: the
  // server makes page n+1 while the caller (and the parse) works through page n. A caller who
  // stops early has that one request cancelled.
  const stop = new AbortController();
  const forward = () => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) forward();
  options.signal?.addEventListener("abort", forward, { once: true });
  const pages = client
    .pages({
      path,
      query: { recursive: options.recursive ?? false, expand: options.expand ?? false },
      schema: z.array(WireTreeEntry),
      signal: stop.signal,
      operation: "listFiles",
    })
    [Symbol.asyncIterator]();
  let finished = false;
  try {
    let next = pages.next();
    for (;;) {
      const page = await next;
      finished = page.done === true;
      if (finished) return;
      next = pages.next();
      next.catch(() => {}); // awaited on the next turn, or dropped (and cancelled) on an early stop
      for (const wire of page.value.data) {
        const entry = toRepoEntry(wire);
        if (entry) yield entry;
      }
    }
  } finally {
    options.signal?.removeEventListener("abort", forward);
    if (!finished) stop.abort();
  }
}
