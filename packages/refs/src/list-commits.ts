import {
  checkRevision,
  encodeRevision,
  type HubClient,
  InvalidInputError,
  parseRepoId,
  repoApiPath,
} from "@hfkit/http";
import * as z from "@hfkit/http/zod";
import type { RefsOperationOptions } from "./types.js";
import { WireCommit } from "./wire/commit.js";

export interface ListCommitsOptions extends RefsOperationOptions {
  /** Branch, tag or commit whose history to walk. Default `main`. */
  revision?: string;
  /** Commits per request (the Hub accepts up to 1000). Default 100, as the JS client. */
  pageSize?: number;
  /** Add the title and message rendered as HTML (`formatted`). */
  formatted?: boolean;
}

export interface CommitAuthor {
  user: string;
  avatar?: string;
}

export interface Commit {
  id: string;
  title: string;
  message: string;
  authors: CommitAuthor[];
  date: Date;
  /** HTML renderings, with `formatted: true`. */
  formatted?: { title?: string; message?: string };
}

/**
 * The history of a revision, newest first, fetched page by page as you iterate.
 *
 * @example
 * for await (const commit of listCommits(hub, { repo: "acme/bert", revision: "main" })) {
 *   console.log(commit.id.slice(0, 7), commit.title);
 * }
 */
export async function* listCommits(client: HubClient, options: ListCommitsOptions): AsyncGenerator<Commit> {
  const repo = parseRepoId(options.repo);
  const revision = checkRevision(options.revision);
  const { pageSize = 100 } = options;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    throw new InvalidInputError("pageSize: use a whole number from 1 to 1000.", { field: "pageSize" });
  }
  const commits = client.paginate({
    path: `${repoApiPath(repo)}/commits/${encodeRevision(revision)}`,
    query: { limit: pageSize, expand: options.formatted ? "formatted" : undefined },
    schema: z.array(WireCommit),
    signal: options.signal,
    operation: "listCommits",
  });
  for await (const wire of commits) {
    yield {
      id: wire.id,
      title: wire.title ?? "",
      message: wire.message ?? "",
      authors: (wire.authors ?? []).map((a) =>
        a.avatar ? { user: a.user, avatar: a.avatar } : { user: a.user },
      ),
      date: new Date(wire.date),
      ...(wire.formatted
        ? {
            formatted: {
              ...(wire.formatted.title ? { title: wire.formatted.title } : {}),
              ...(wire.formatted.message ? { message: wire.formatted.message } : {}),
            },
          }
        : {}),
    };
  }
}
