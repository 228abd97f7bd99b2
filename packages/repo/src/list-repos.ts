import { type HubClient, InvalidInputError, type RepoType, repoTypePlural } from "@hfkit/http";
import * as z from "@hfkit/http/zod";
import { type RepoInfo, toRepoInfo } from "./repo-info.js";
import { WireRepoInfo } from "./wire/repo-info.js";

/** Options shared by `listModels`, `listDatasets` and `listSpaces`. */
export interface ListReposOptions {
  /** Substring of the repo id. */
  search?: string;
  /** Namespace (user or organization). */
  author?: string;
  /** Tags the repos must all carry, e.g. `"text-classification"`, `"license:mit"`, `"dataset:imdb"`. */
  filter?: string | readonly string[];
  /** Order by this property, largest or newest first (current clients send no `direction`). */
  sort?: "createdAt" | "downloads" | "lastModified" | "likes" | "trendingScore" | (string & {});
  /** Stop after this many repos. Default: all of them. */
  limit?: number;
  /** Properties to return instead of the default set; unmapped ones are in `raw`. */
  expand?: readonly string[];
  /** Return the card data and file list too (`full=true`). Not combinable with `expand`. */
  full?: boolean;
  signal?: AbortSignal;
}

// The Hub caps a page at 1000; the official JS client asks for at most 500 (list-models.ts).
const MAX_PAGE = 500;

/** One listing endpoint; iterating fetches pages lazily and stops at `limit`. */
export async function* listRepos(
  client: HubClient,
  type: RepoType,
  options: ListReposOptions,
  operation: string,
): AsyncGenerator<RepoInfo> {
  const { limit } = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new InvalidInputError("limit: use a positive whole number.", { field: "limit" });
  }
  if (options.full && options.expand?.length) {
    throw new InvalidInputError("full: cannot be combined with expand; list the properties in expand.", {
      field: "full",
    });
  }
  const filter = typeof options.filter === "string" ? [options.filter] : options.filter;
  const items = client.paginate({
    path: `/api/${repoTypePlural(type)}`,
    query: {
      search: options.search,
      author: options.author,
      filter: filter?.length ? filter : undefined,
      sort: options.sort,
      limit: limit === undefined ? undefined : Math.min(limit, MAX_PAGE),
      expand: options.expand?.length ? options.expand : undefined,
      full: options.full || undefined,
    },
    schema: z.array(WireRepoInfo),
    signal: options.signal,
    operation,
  });
  let count = 0;
  for await (const wire of items) {
    yield toRepoInfo(type, wire);
    if (limit !== undefined && ++count >= limit) return;
  }
}
