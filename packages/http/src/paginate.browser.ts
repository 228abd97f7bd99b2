import { nextLink } from "./link.js";
import type { PageExchange } from "./paginate.js";
import type { HubResponse, JsonRequest } from "./types.js";

export type { PageExchange, PageOptions } from "./paginate.js";

/**
 * The web build's `pagesOf` (paginate.ts): one page at a time, `prefetch` ignored. Fetching the
 * next page ahead would take the page over ADR 0017's size budget.
 */
export async function* pagesOf<T>(
  exchange: PageExchange,
  first: JsonRequest<T[]>,
): AsyncGenerator<HubResponse<T[]>> {
  let current = first;
  for (;;) {
    const { result, finalUrl } = await exchange(current);
    yield result;
    const url = nextLink(result.headers.get("link"), finalUrl);
    if (!url) return;
    current = { ...first, path: undefined, url, query: undefined };
  }
}
