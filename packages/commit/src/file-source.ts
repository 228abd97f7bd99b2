// Local files as commit sources: Node only. The browser build has file-source.browser.ts
// (ADR 0017), where a Blob, a File, bytes or a stream take their place.
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { InvalidInputError } from "@hfkit/http";
import { checkXetChunks } from "@hfkit/xet";
import { type ContentSource, changed, exactly } from "./source.js";
import type { HashedLocalFile } from "./types.js";

/**
 * Uploads read files in 4 MiB chunks: the default 64 KiB halves throughput
 * (/shared/perf-limits.md), and on the dev VM one 2 GiB PUT through undici took 1.1–1.2 s
 * with 4 MiB reads against 1.65–1.95 s with 1 MiB (best of 4 runs each).
 */
const UPLOAD_CHUNK = 4 << 20;

/**
 * Files up to this size are read synchronously. From the page cache a sync read of a 4 KB
 * file takes ~15 µs, the async one ~110 µs (four thread-pool round trips), and those reads
 * are most of the time of a folder of 20,000 small files; blocking stays under ~0.3 ms.
 */
const SYNC_READ_MAX = 1 << 20;

/**
 * What an upload may keep of its files' content between the preupload and the commit, in
 * bytes (see `FileSource.head`). Shared by the files of one `uploadFolder` call.
 */
export interface KeepBudget {
  left: number;
}

/** Files up to this size are read whole when their sample is read. */
const KEEP_FILE_MAX = 64 << 10;

/**
 * A local file. A class rather than closures: uploadFolder holds one per file, and 100,000
 * files should cost a few megabytes of metadata, not tens.
 */
class FileSource implements ContentSource {
  readonly seekable = true;
  /** The whole content, read with the sample, until the commit takes it (`all`). */
  private kept: Buffer | undefined;

  constructor(
    readonly filePath: string,
    readonly size: number,
    private readonly field: string,
    readonly sha256?: string,
    readonly xetChunks?: readonly { hash: string; size: number }[],
    private readonly keep?: KeepBudget,
  ) {}

  read(start = 0, end = this.size): AsyncIterable<Uint8Array> {
    if (end <= start) return exactly((async function* () {})(), 0, this.field);
    const stream = createReadStream(this.filePath, { start, end: end - 1, highWaterMark: UPLOAD_CHUNK });
    return exactly(stream, end - start, this.field);
  }

  /**
   * A small file of a folder upload is read whole here, in the one open its sample needs, and
   * kept for the commit (`all`), which then sends those bytes, those the Hub judged, instead of
   * opening the file again (2,000 files of a few KB: ~10 ms less CPU, of ~180). Kept while
   * `keep` has room, and not when the sample holds a NUL byte (the Hub stores such a file in
   * LFS, whose upload reads it by path). A file that changed size since the walk fails here.
   */
  async head(n: number): Promise<Uint8Array> {
    if (this.keep && this.size <= KEEP_FILE_MAX && this.size <= this.keep.left) {
      const bytes = this.whole();
      const sample = bytes.subarray(0, n);
      if (!sample.includes(0)) {
        this.kept = bytes;
        this.keep.left -= bytes.byteLength;
      }
      return sample;
    }
    const buffer = Buffer.alloc(Math.min(n, this.size));
    if (this.size <= SYNC_READ_MAX) {
      const fd = openSync(this.filePath, "r");
      try {
        return buffer.subarray(0, readSync(fd, buffer, 0, buffer.byteLength, 0));
      } finally {
        closeSync(fd);
      }
    }
    // One positioned read: a read stream per file costs several times more.
    const handle = await open(this.filePath, "r");
    try {
      const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async all(): Promise<Uint8Array> {
    const kept = this.kept;
    if (kept) {
      this.kept = undefined;
      this.keep!.left += kept.byteLength;
      return kept;
    }
    if (this.size <= SYNC_READ_MAX) return this.whole();
    const bytes = await readFile(this.filePath);
    if (bytes.byteLength !== this.size) throw changed(this.field, this.size, bytes.byteLength);
    return bytes;
  }

  /**
   * The whole (small) file, read synchronously into a buffer of its known size plus one byte,
   * so that a file that grew fails as one that shrank does (readFileSync would fstat it first).
   */
  private whole(): Buffer {
    const buffer = Buffer.allocUnsafe(this.size + 1);
    const fd = openSync(this.filePath, "r");
    let read = 0;
    try {
      while (read < buffer.byteLength) {
        const n = readSync(fd, buffer, read, buffer.byteLength - read, read);
        if (n === 0) break;
        read += n;
      }
    } finally {
      closeSync(fd);
    }
    if (read !== this.size) throw changed(this.field, this.size, read);
    return buffer.subarray(0, read);
  }
}

/** A file of a folder upload, whose stat gave `size`; `keep`: see `FileSource.head`. */
export function fileSource(path: string, size: number, field: string, keep?: KeepBudget): ContentSource {
  return new FileSource(path, size, field, undefined, undefined, keep);
}

/** The file name of a local path (the default path in the repo for `uploadFile`). */
export const baseName = (path: string): string => basename(path);

/**
 * `{ path, sha256 }` (HashedLocalFile): the digest, checked for its form only. Here and not in
 * plan.ts, which the browser build shares: a page has no local files, and its bundle budget
 * has no room for this.
 */
function knownDigest(given: object, field: string): { path: unknown; sha256: string; chunks: unknown } {
  const { path, sha256, chunks } = given as { path?: unknown; sha256?: unknown; chunks?: unknown };
  if (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sha256)) {
    throw new InvalidInputError(
      `${field}.sha256: give the file's SHA-256 as 64 lowercase hex characters, or pass the path alone to have it hashed.`,
      { field: `${field}.sha256` },
    );
  }
  return { path, sha256, chunks };
}

/**
 * A local file given by path (or, with its SHA-256 known, `{ path, sha256 }`), checked to
 * exist and be a regular file.
 */
export async function localFile(given: unknown, field: string): Promise<ContentSource> {
  let path = given;
  let sha256: string | undefined;
  let chunks: unknown;
  if (typeof given === "object" && given !== null) ({ path, sha256, chunks } = knownDigest(given, field));
  if (typeof path !== "string" || path === "") {
    throw new InvalidInputError(`${field}: give the path of a local file.`, { field });
  }
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new InvalidInputError(
      code === "ENOENT"
        ? `${field}: ${path} does not exist; check the path (relative paths start at ${process.cwd()}).`
        : `${field}: cannot read ${path} (${code ?? String(error)}).`,
      { field, cause: error },
    );
  }
  if (info.isDirectory()) {
    throw new InvalidInputError(
      `${field}: ${path} is a directory; give a file, or upload the folder with uploadFolder.`,
      { field },
    );
  }
  if (!info.isFile()) throw new InvalidInputError(`${field}: ${path} is not a regular file.`, { field });
  // Refused before any request, with the check the Xet upload makes when it reads them.
  checkXetChunks(chunks, info.size, field);
  return new FileSource(path, info.size, field, sha256, chunks as HashedLocalFile["chunks"]);
}
