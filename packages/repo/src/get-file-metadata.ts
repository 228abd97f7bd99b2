import {
  EntryNotFoundError,
  encodePathInRepo,
  encodeRevision,
  formatRepoId,
  type HubClient,
  type HubErrorDetails,
  InvalidResponseError,
  isCommitId,
  NotFoundError,
  parseRepoId,
  RepoNotFoundError,
  type RetryOptions,
  RevisionNotFoundError,
  repoWebPath,
} from "@hfkit/http";
import { checkRepoPath } from "./cache/names.js";
import {
  checkServerCommit,
  checkServerEtag,
  checkServerSize,
  xetHashField,
} from "./download/server-values.js";
import { getPathsInfo } from "./get-paths-info.js";
import { getRepoInfo } from "./get-repo-info.js";
import type { RepoOperationOptions } from "./types.js";

export interface GetFileMetadataOptions extends RepoOperationOptions {
  /** Path of the file in the repo. */
  path: string;
  /** Branch, tag or commit. Default `main`. */
  revision?: string;
  /** Retry settings for this request, or `false` to ask once (the client's by default). */
  retry?: Partial<RetryOptions> | false;
}

/** What the Hub says about one file at a revision, without downloading it. */
export interface FileMetadata {
  /** The commit the revision resolved to. */
  commit: string;
  /** SHA-256 for LFS/Xet files, git blob id otherwise: the file's name in the cache's `blobs/`. */
  etag: string;
  /** Size in bytes of the content (not of an LFS pointer). */
  size: number;
  /** Whether the content lives in LFS/Xet storage (served from another origin). */
  lfs: boolean;
  /**
   * The Xet file hash (`X-Xet-Hash`), when the file is stored on Xet: downloads then read it by
   * reconstruction from the CAS (hub-protocol.md 5.2).
   */
  xetHash?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** `W/"abc"` → `abc`, as huggingface_hub normalises ETags (file_download.py _normalize_etag). */
function normaliseEtag(value: string | null): string | undefined {
  return value ? value.replace(/^W\//, "").replace(/^"|"$/g, "") : undefined;
}

/** The `/resolve/` path of a file: `/{prefix}{repo}/resolve/{rev}/{path}`. */
export function resolvePath(options: GetFileMetadataOptions & { revision: string }): string {
  const repo = parseRepoId(options.repo);
  return `${repoWebPath(repo)}/resolve/${encodeRevision(options.revision)}/${encodePathInRepo(options.path)}`;
}

const MISSING_AT = Symbol("hfkit.missingAtCommit");

/** The commit at which the Hub said a file is absent (from `X-Repo-Commit` on the 404), if it said. */
export function commitOfMissingFile(error: unknown): string | undefined {
  return typeof error === "object" && error !== null
    ? ((error as Record<symbol, string | undefined>)[MISSING_AT] ?? undefined)
    : undefined;
}

/**
 * HEADs a file's `/resolve/` URL. Redirects within the Hub are followed (a renamed repo, the
 * commit-pinned resolve cache); the redirect to LFS storage is not, because the metadata is
 * on the redirect itself (hub-protocol §5.2). A missing file is an `EntryNotFoundError` with
 * `commit` set when the Hub sent `X-Repo-Commit`.
 *
 * @example
 * const { commit, etag, size } = await getFileMetadata(hub, { repo: "acme/bert", path: "config.json" });
 */
export async function getFileMetadata(
  client: HubClient,
  options: GetFileMetadataOptions,
): Promise<FileMetadata> {
  parseRepoId(options.repo);
  checkRepoPath(options.path);
  let url = client.url(resolvePath({ ...options, revision: options.revision ?? "main" }));
  const hub = new URL(client.endpoint).origin;
  for (let hop = 0; ; hop++) {
    const {
      status,
      headers,
      requestId,
      url: answeredBy,
    } = await client.request({
      method: "HEAD",
      url,
      headers: { "accept-encoding": "identity" },
      redirect: "manual",
      responseType: "none",
      okStatuses: [404],
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
      signal: options.signal,
      operation: "getFileMetadata",
    });
    if (status === 404) throw notFound(options, headers, { url: url.toString(), requestId });
    // A browser hides a cross-origin redirect from the page (an opaque redirect, which the
    // transport then follows): the answer is the storage's, without the Hub's headers. Ask
    // the API instead, as the page can read its answers (issue 21).
    if (new URL(answeredBy).origin !== hub) return metadataFromApi(client, options);
    const location = headers.get("location");
    if (REDIRECTS.has(status) && location && hop < 10) {
      const next = URL.parse(location, url.href);
      if (next === null) {
        throw new InvalidResponseError(
          `The Hub sent a redirect to something that is not a URL for ${options.path} (HEAD ${url}).`,
          { status, requestId },
        );
      }
      if (next.origin === hub) {
        url = next;
        continue;
      }
    }
    const commit = headers.get("x-repo-commit");
    const linkedEtag = normaliseEtag(headers.get("x-linked-etag"));
    const etag = linkedEtag ?? normaliseEtag(headers.get("etag"));
    // On a redirect Content-Length is the redirect's own; LFS files announce X-Linked-Size.
    const sizeHeader =
      headers.get("x-linked-size") ?? (REDIRECTS.has(status) ? null : headers.get("content-length"));
    if (!commit || !etag || sizeHeader === null) {
      throw new InvalidResponseError(
        `The Hub sent no ${!commit ? "X-Repo-Commit" : !etag ? "ETag" : "size"} for ${options.path} (HEAD ${url}). ` +
          "Is the endpoint a Hugging Face Hub?",
        { status, requestId },
      );
    }
    // Each becomes part of a file name in the cache: checked before anything is written.
    const where = `the answer to HEAD ${url}`;
    return {
      commit: checkServerCommit(commit, where),
      etag: checkServerEtag(etag, where),
      // Digits only: Number() would read "", "0x10" or "1e3" as sizes.
      size: checkServerSize(/^\d{1,16}$/.test(sizeHeader) ? Number(sizeHeader) : sizeHeader, where),
      lfs: linkedEtag !== undefined,
      ...xetHashField(headers.get("x-xet-hash")),
    };
  }
}

function notFound(
  options: GetFileMetadataOptions,
  headers: Headers,
  where: { url: string; requestId: string | undefined },
): Error {
  const code = headers.get("x-error-code");
  const revision = options.revision ?? "main";
  const name = formatRepoId(parseRepoId(options.repo));
  const base: HubErrorDetails = {
    status: 404,
    url: where.url,
    method: "HEAD",
    requestId: where.requestId,
    serverMessage: headers.get("x-error-message") ?? undefined,
  };
  if (code === "RepoNotFound") {
    return new RepoNotFoundError(`Repository ${name} not found (or this token cannot read it).`, base);
  }
  if (code === "RevisionNotFound") {
    return new RevisionNotFoundError(`Revision "${revision}" not found in ${name}.`, base);
  }
  const commit = headers.get("x-repo-commit") ?? undefined;
  const message = `File "${options.path}" not found in ${name} at revision "${revision}"${commit ? ` (commit ${commit})` : ""}.`;
  const error =
    code === "EntryNotFound" ? new EntryNotFoundError(message, base) : new NotFoundError(message, base);
  if (code === "EntryNotFound" && commit && isCommitId(commit))
    Object.defineProperty(error, MISSING_AT, { value: commit });
  return error;
}

/**
 * The same metadata from the API: the revision's commit (repo info), then the file at that
 * commit (paths-info), so the two cannot come from different commits. Two calls where the
 * HEAD was one: only for pages, which cannot read the redirect's headers.
 */
async function metadataFromApi(client: HubClient, options: GetFileMetadataOptions): Promise<FileMetadata> {
  const info = await getRepoInfo(client, {
    repo: options.repo,
    revision: options.revision ?? "main",
    signal: options.signal,
  });
  const where = `the repo info of ${options.repo}`;
  const commit = checkServerCommit(info.sha ?? "", where);
  const [entry] = await getPathsInfo(client, {
    repo: options.repo,
    paths: [options.path],
    revision: commit,
    signal: options.signal,
  });
  if (entry === undefined || entry.type !== "file") {
    throw new InvalidResponseError(`The Hub listed no file ${options.path} at ${commit} after resolving it.`);
  }
  return {
    commit,
    etag: entry.lfs?.oid ?? entry.oid,
    size: entry.lfs?.size ?? entry.size,
    lfs: entry.lfs !== undefined,
    ...xetHashField(entry.xetHash),
  };
}
