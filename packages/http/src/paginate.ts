import { nextLink } from "./link.js";
import type { HubResponse, JsonRequest } from "./types.js";

/** One exchange of a page: its response, and the final URL (unredacted) to resolve `Link` against. */
export type PageExchange = <T>(
  request: JsonRequest<T[]>,
) => Promise<{ result: HubResponse<T[]>; finalUrl: URL }>;

/**
 * The pages of a list, following `Link: <…>; rel="next"` (hub-protocol §3.4, §4.1). The next
 * URL carries the cursor and the original parameters, so it is sent as is. Stopping the
 * iteration stops fetching.
 */
export async function* pagesOf<T>(
  exchange: PageExchange,
  first: JsonRequest<T[]>,
): AsyncGenerator<HubResponse<T[]>> {
  let current: JsonRequest<T[]> = first;
  for (;;) {
    const { result, finalUrl } = await exchange(current);
    yield result;
    const next = nextLink(result.headers.get("link"), finalUrl);
    if (!next) return;
    current = { ...first, path: undefined, url: next, query: undefined };
  }
}

/** Every item of every page, in order. */
export async function* itemsOf<T>(pages: AsyncIterable<HubResponse<T[]>>): AsyncGenerator<T> {
  for await (const page of pages) yield* page.data;
}
