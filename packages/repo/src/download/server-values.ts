import {
  HubError,
  type HubErrorDetails,
  InvalidResponseError,
  isCommitId,
  pathInRepoProblem,
} from "@hfkit/http";
import type { FileMetadata } from "../get-file-metadata.js";
import type { RepoFile } from "../types.js";

// Values a server sends that hfkit turns into file names: commit ids (snapshot folders,
// refs, trees), ETags (blob names, lock files), repo paths (snapshot entries, local files).
// A mirror, a proxy or anyone on a plain-http path can send anything, so each is checked
// before it touches the disk; a bad value is the server's fault, never a usage error.

const BLOB_NAME = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** The ETag as a blob name: a git blob id (40 hex) or a SHA-256 (64 hex); otherwise undefined. */
export function blobNameOf(etag: string): string | undefined {
  return BLOB_NAME.test(etag) ? etag : undefined;
}

const XET_HASH = /^[0-9a-f]{64}$/;

/**
 * `{ xetHash }` for a file's metadata from the Xet file hash the server sent (`X-Xet-Hash`, a
 * listing's `xetHash`), lowercased; nothing when absent or not 64 hex characters, so the file
 * is then read through `/resolve`.
 */
export function xetHashField(value: string | null | undefined): { xetHash?: string } {
  const xetHash = value?.toLowerCase();
  return xetHash && XET_HASH.test(xetHash) ? { xetHash } : {};
}

/** A commit id the server sent (`X-Repo-Commit`, repo info `sha`): exactly 40 lowercase hex. */
export function checkServerCommit(value: unknown, where: string): string {
  if (typeof value === "string" && isCommitId(value)) return value;
  throw new InvalidResponseError(
    `The server sent ${describe(value)} as the commit id in ${where}; a commit id is 40 hex characters. ` +
      "Nothing was written. Is the endpoint a Hugging Face Hub (check HF_ENDPOINT)?",
  );
}

/** A size the server announced: a whole number of bytes, 0 to 2^53 − 1. */
export function checkServerSize(value: unknown, where: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  throw new InvalidResponseError(
    `The server sent ${describe(value)} as the size in ${where}; expected a whole number of bytes.`,
  );
}

/**
 * An ETag the server sent: anything printable is accepted (huggingface_hub accepts any ETag,
 * and mirrors send their own), but only a 40- or 64-hex one is ever used as a file name.
 */
export function checkServerEtag(value: unknown, where: string): string {
  if (typeof value === "string" && /^[\x21-\x7e]{1,512}$/.test(value)) return value;
  throw new InvalidResponseError(
    `The server sent ${describe(value)} as the ETag in ${where}; expected printable text.`,
  );
}

/**
 * A file path the server listed. It must pass the rule uploads pass (`pathInRepoProblem`):
 * a path that climbs out (`../x`), is absolute, or cannot be a file name is refused for that
 * file only, with an error that names it.
 */
export function checkServerPath(path: unknown, where: string): string {
  const problem = pathInRepoProblem(path);
  if (problem === undefined) return path as string;
  throw new UnsafeRepoPathError(
    `The server listed a file ${describe(path)} in ${where} that hfkit will not write: it ${problem}.`,
    { reason: problem },
  );
}

/**
 * A repo file that cannot be written here: its path breaks the path rule, or would land in a
 * folder hfkit keeps to itself. A snapshot download fails that file only.
 */
export class UnsafeRepoPathError extends InvalidResponseError {
  static override readonly errorName: string = "UnsafeRepoPathError";
  /** What is wrong with the path, without naming it. */
  readonly reason: string;
  constructor(message: string, options: HubErrorDetails & { reason: string }) {
    super(message, options);
    this.reason = options.reason;
  }
}

function reasonOf(error: unknown): string {
  if (UnsafeRepoPathError.isInstance(error)) return (error as UnsafeRepoPathError).reason;
  // Only a name too long has that fix; other file-system errors (ENOTDIR, EACCES, ENOSPC) say
  // their own cause and the local path.
  if ((error as NodeJS.ErrnoException)?.code === "ENAMETOOLONG" && !HubError.isInstance(error)) {
    return "the local file system cannot hold this path (ENAMETOOLONG); download into a folder with a shorter path, or into the cache";
  }
  return error instanceof Error ? error.message : String(error);
}

function describe(value: unknown): string {
  if (typeof value !== "string") return value === undefined ? "nothing" : String(value).slice(0, 80);
  const shown = JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
  return shown;
}

/**
 * What a tree listing says about one file, checked as a HEAD answer would be: the path passes
 * the path rule, the ETag (`lfs.oid`, else `oid`) is printable, the size is a byte count.
 */
export function listedFileMetadata(file: RepoFile, commit: string, where: string): FileMetadata {
  const path = checkServerPath(file.path, where);
  const about = `${where}, entry ${JSON.stringify(path)}`;
  return {
    commit,
    etag: checkServerEtag(file.lfs?.oid ?? file.oid, about),
    size: checkServerSize(file.lfs?.size ?? file.size, about),
    lfs: !!file.lfs,
    // As `X-Xet-Hash` on `/resolve` (get-file-metadata.ts): the file is then read through Xet
    // and checked against it, as `downloadFile` reads it (a value that is no Xet hash is left out).
    ...xetHashField(file.xetHash),
  };
}

/** The error of a snapshot whose other files were downloaded while some could not be written. */
export function incompleteSnapshot(
  failed: readonly { path: string; error: unknown }[],
  done: number,
  folder: string,
): InvalidResponseError {
  const lines = failed.map(({ path, error }) => `  - ${describe(path)}: ${reasonOf(error)}`);
  return new InvalidResponseError(
    `${failed.length} file${failed.length === 1 ? "" : "s"} of the snapshot could not be written ` +
      `(the other ${done} are in ${folder}):\n${lines.join("\n")}`,
    { cause: failed[0]?.error },
  );
}
