import {
  checkRevision,
  encodeRevision,
  type HubClient,
  InvalidResponseError,
  parseRepoId,
  repoApiPath,
} from "@hfkit/http";
import * as z from "@hfkit/http/zod";
import type { RefsOperationOptions } from "./types.js";

export interface CountCommitsOptions extends RefsOperationOptions {
  /** Branch, tag or commit. Default `main`. */
  revision?: string;
}

/**
 * How many commits a revision's history holds, in one small request.
 *
 * @example
 * const n = await countCommits(hub, { repo: "acme/bert" });
 */
export async function countCommits(client: HubClient, options: CountCommitsOptions): Promise<number> {
  const repo = parseRepoId(options.repo);
  // One commit per page; the total is in X-Total-Count (as the JS client's countCommits reads it).
  for await (const page of client.pages({
    path: `${repoApiPath(repo)}/commits/${encodeRevision(checkRevision(options.revision))}`,
    query: { limit: 1 },
    // Only the header is read; the page itself may hold anything.
    schema: z.array(z.unknown()),
    signal: options.signal,
    operation: "countCommits",
  })) {
    const total = Number(page.headers.get("x-total-count"));
    if (page.headers.has("x-total-count") && Number.isInteger(total) && total >= 0) return total;
    throw new InvalidResponseError(`The Hub sent no X-Total-Count with the commit list (${page.url}).`, {
      status: page.status,
      url: page.url,
      requestId: page.requestId,
    });
  }
  throw new InvalidResponseError("The Hub sent no commit page.");
}
