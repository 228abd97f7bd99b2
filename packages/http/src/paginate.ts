import { nextLink } from "./link.js";
import { eitherSignal } from "./prepare.js";
import type { HubResponse, JsonRequest } from "./types.js";

/** One exchange of a page: its response, and the final URL (unredacted) to resolve `Link` against. */
export type PageExchange = <T>(
  request: JsonRequest<T[]>,
) => Promise<{ result: HubResponse<T[]>; finalUrl: URL }>;

export interface PageOptions {
  /**
   * Requests the next page (when the `Link` header of this one names it) while this page is
   * consumed, so that the Hub's time for it overlaps yours. At most one page is fetched ahead;
   * stopping the iteration aborts it, and its error, if any, is thrown when you reach it.
   * Costs one request that may go unused when you stop early. Default false. Node only: the
   * web build fetches one page at a time (paginate.browser.ts).
   */
  prefetch?: boolean;
}

/** A page requested ahead, with the controller that cancels it when the consumer stops. */
interface Ahead<T> {
  exchanged: Promise<{ result: HubResponse<T[]>; finalUrl: URL }>;
  controller: AbortController;
}

function fetchAhead<T>(exchange: PageExchange, request: JsonRequest<T[]>): Ahead<T> {
  const controller = new AbortController();
  const exchanged = exchange({ ...request, signal: eitherSignal(request.signal, controller.signal) });
  // Not awaited until the consumer reaches the page: its failure is thrown then, not reported as unhandled.
  exchanged.catch(() => {});
  return { exchanged, controller };
}

/**
 * The pages of a list, following `Link: <…>; rel="next"` (hub-protocol §3.4, §4.1). The next
 * URL carries the cursor and the original parameters, so it is sent as is. Stopping the
 * iteration stops fetching (and aborts a page fetched ahead with `prefetch`).
 */
export async function* pagesOf<T>(
  exchange: PageExchange,
  first: JsonRequest<T[]>,
  options: PageOptions = {},
): AsyncGenerator<HubResponse<T[]>> {
  let ahead: Ahead<T> | undefined;
  try {
    let { result, finalUrl } = await exchange(first);
    for (;;) {
      const url = nextLink(result.headers.get("link"), finalUrl);
      const next = url && { ...first, path: undefined, url, query: undefined };
      if (next && options.prefetch) ahead = fetchAhead(exchange, next);
      yield result;
      if (!next) return;
      const exchanged = ahead?.exchanged ?? exchange(next);
      ahead = undefined;
      ({ result, finalUrl } = await exchanged);
    }
  } finally {
    ahead?.controller.abort();
  }
}
