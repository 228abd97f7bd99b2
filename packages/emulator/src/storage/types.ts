/**
 * The storage layer: content-addressed blobs plus one state document. Keys look like
 * `lfs/<sha256>`, `git/<sha1>` (regular file content), `part/<upload id>/<n>`, or Xet's
 * `xorb/<hash>` (a serialized xorb) and `xmeta/<hash>` (its chunk index). Writes are
 * atomic: a blob is staged (streamed to a temporary place while it is hashed) and becomes
 * visible under its key only when `commit` succeeds; the state document is replaced whole
 * now and then, and each change in between is a line appended to a journal.
 */
export interface BlobStorage {
  readonly kind: "memory" | "disk";
  has(key: string): Promise<boolean>;
  size(key: string): Promise<number | undefined>;
  /** Stores a small blob (regular file content) in one step. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Streams `source` to a staging area, counting bytes and (optionally) hashing SHA-256. */
  stage(source: AsyncIterable<Uint8Array>, options: StageOptions): Promise<StagedBlob>;
  /**
   * Stages the blobs under `keys`, one after the other, as one blob (multipart completion).
   * The memory storage refers to their bytes instead of copying them.
   */
  join(keys: readonly string[], options: StageOptions): Promise<StagedBlob>;
  /** Reads a blob, or the inclusive byte range `[start, end]` of it. */
  read(key: string, range?: ByteRange): ReadableStream<Uint8Array>;
  readBytes(key: string): Promise<Uint8Array>;
  delete(key: string): Promise<void>;
  /** Deletes every blob whose key starts with `prefix` (e.g. `part/<upload id>/`). */
  deletePrefix(prefix: string): Promise<void>;
  loadState(): Promise<string | undefined>;
  /** Replaces the state document whole (atomically), then empties the journal it now holds. */
  saveState(json: string): Promise<void>;
  /**
   * Appends one line (no newline in it) to the state journal, durably; resolves with the
   * journal's size in bytes. The state is the document plus the journal's lines replayed.
   */
  appendJournal(line: string): Promise<number>;
  /** The journal's lines since the last `saveState` (a torn last line included, as it is). */
  loadJournal(): Promise<string[]>;
}

export interface StageOptions {
  sha256: boolean;
  /**
   * The size the caller expects, when known (a declared `Content-Length`): large objects are
   * hashed on a worker thread, and the memory storage copies the bytes into one buffer of it.
   */
  expectedSize?: number;
}

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

export interface StagedBlob {
  readonly size: number;
  /** Lowercase hex, when `sha256` was requested. */
  readonly sha256: string | undefined;
  /** Makes the staged bytes visible under `key` (atomically replacing any previous blob). */
  commit(key: string): Promise<void>;
  discard(): Promise<void>;
}

const KEY = /^(lfs|git|part|xorb|xmeta)\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

export function assertKey(key: string): void {
  if (!KEY.test(key) || key.includes("..")) throw new Error(`invalid storage key: ${key}`);
}
