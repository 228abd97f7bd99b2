import { open, stat } from "node:fs/promises";
import { InvalidInputError } from "@hfkit/http";
import { MAX_CHUNK_SIZE } from "./constants.js";
import { hexToHash, type XetHash } from "./hash.js";
import type { XetChunk } from "./hash-file.js";
import { readPieces } from "./read-pieces.js";

/**
 * Where a file's bytes come from:
 * - `{ path }`: a local file, read 4 MiB at a time;
 * - `{ content }`: bytes or a string (UTF-8) in memory;
 * - `{ stream }`: a function returning a fresh async iterable of bytes (called once per upload);
 * - an async iterable of bytes, read once.
 *
 * `name` labels the file in events and errors (default: the path, or `file #i`). `sha256` (hex),
 * when the caller computed it already (a commit hashes its files first), is used as given
 * instead of hashing the bytes a second time, as huggingface_hub hands its hashes to hf_xet.
 * Likewise a file's `chunks` (as `hashXetFile` or `XetFileHasher` computed them, for instance
 * while the file was written): its bytes are cut at those sizes and not hashed again; only the
 * sizes are checked against the file, so give chunks computed from its bytes.
 */
export type XetSource =
  | { path: string; name?: string; sha256?: string; chunks?: readonly XetChunk[] }
  | { content: Uint8Array | string; name?: string }
  | { stream: () => AsyncIterable<Uint8Array>; size?: number; name?: string; sha256?: string }
  | AsyncIterable<Uint8Array>;

/** Reads of 4 MiB: the default 64 KiB halves hashing speed (perf-limits.md). */
export const READ_SIZE = 4 << 20;

/** The bytes of each read of a file of `size` bytes: the buffers `OpenedSource.read` takes. */
export const readSize = (size: number): number => Math.max(1, Math.min(READ_SIZE, size));

export interface OpenedSource {
  name: string;
  /** The option that named it (`files[2]`), for errors. */
  field: string;
  /** Known before reading for files and in-memory content; otherwise undefined. */
  size: number | undefined;
  /** The content's SHA-256 (hex) when the caller gave it: not computed again. */
  sha256?: string | undefined;
  /** A local file: `read` reads it into the buffers it is given. */
  readsInto?: boolean;
  /** The content's chunks when the caller gave them: cut at their sizes, not hashed again. */
  chunks?: { hash: XetHash; size: number }[] | undefined;
  /**
   * The bytes in order. A piece stays valid until the piece after the next one is asked for
   * (file reads reuse two buffers): consume or copy it before then. A file (`readsInto`) is read
   * into `into` when given (two buffers of at least `readSize(size)` bytes).
   */
  read(signal?: AbortSignal, into?: readonly [Uint8Array, Uint8Array]): AsyncIterable<Uint8Array>;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** Normalises one source; refuses bad input (field named) before any I/O on it. */
export async function openSource(source: XetSource, field: string): Promise<OpenedSource> {
  if (isAsyncIterable(source)) {
    let used = false;
    return {
      name: field,
      field,
      size: undefined,
      read() {
        if (used)
          throw new InvalidInputError(
            `${field}: an async iterable can be read once only; pass { stream: () => … }.`,
            { field },
          );
        used = true;
        return source;
      },
    };
  }
  if (typeof source !== "object" || source === null) {
    throw new InvalidInputError(
      `${field}: expected { path }, { content }, { stream } or an async iterable of bytes.`,
      {
        field,
      },
    );
  }
  if ("path" in source) {
    let size: number;
    try {
      const info = await stat(source.path);
      if (!info.isFile()) throw new Error("not a regular file");
      size = info.size;
    } catch (cause) {
      throw new InvalidInputError(
        `${field}.path: cannot read ${source.path} (${(cause as Error).message}).`,
        {
          field: `${field}.path`,
          cause,
        },
      );
    }
    const path = source.path;
    return {
      name: source.name ?? path,
      field,
      size,
      sha256: knownSha256(source.sha256, field),
      chunks: checkXetChunks(source.chunks, size, field),
      readsInto: true,
      read: (signal, into) => readFile(path, size, field, signal, into),
    };
  }
  if ("content" in source) {
    const bytes =
      typeof source.content === "string" ? new TextEncoder().encode(source.content) : source.content;
    if (!(bytes instanceof Uint8Array)) {
      throw new InvalidInputError(`${field}.content: expected a Uint8Array or a string.`, {
        field: `${field}.content`,
      });
    }
    return {
      name: source.name ?? field,
      field,
      size: bytes.byteLength,
      async *read() {
        for (let at = 0; at < bytes.byteLength; at += READ_SIZE) yield bytes.subarray(at, at + READ_SIZE);
      },
    };
  }
  if ("stream" in source && typeof source.stream === "function") {
    const factory = source.stream;
    return {
      name: source.name ?? field,
      field,
      size: source.size,
      sha256: knownSha256(source.sha256, field),
      read: () => factory(),
    };
  }
  throw new InvalidInputError(
    `${field}: expected { path }, { content }, { stream } or an async iterable of bytes.`,
    {
      field,
    },
  );
}

function knownSha256(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^[0-9a-f]{64}$/.test(value)) {
    throw new InvalidInputError(
      `${field}.sha256: expected the content's SHA-256 as 64 lower-case hex digits, or leave it out to have it computed.`,
      { field: `${field}.sha256` },
    );
  }
  return value;
}

/**
 * A file's given Xet chunks (`{ hash, size }[]`, hashes in hex), checked against the file's
 * `size`, as the upload reads them: `@hfkit/commit` calls it too, to refuse them before any request.
 */
export function checkXetChunks(
  value: unknown,
  size: number,
  field: string,
): { hash: XetHash; size: number }[] | undefined {
  if (value === undefined) return undefined;
  const refuse = (why: string) =>
    new InvalidInputError(
      `${field}.chunks: ${why}; give the chunks hashXetFile or XetFileHasher computed from this file, or leave them out to have them computed.`,
      { field: `${field}.chunks` },
    );
  if (!Array.isArray(value)) throw refuse("expected an array of { hash, size }");
  let total = 0;
  const chunks = value.map((chunk: Partial<XetChunk> | null, i) => {
    const hash = chunk?.hash;
    const bytes = chunk?.size;
    if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) {
      throw refuse(`chunk ${i} has no hash of 64 lower-case hex digits`);
    }
    if (!(Number.isInteger(bytes) && (bytes as number) > 0 && (bytes as number) <= MAX_CHUNK_SIZE)) {
      throw refuse(`chunk ${i} has no size between 1 and ${MAX_CHUNK_SIZE}`);
    }
    total += bytes as number;
    return { hash: hexToHash(hash), size: bytes as number };
  });
  if (total !== size) throw refuse(`their sizes add up to ${total} bytes, the file has ${size}`);
  return chunks;
}

/**
 * The file's bytes through {@link readPieces}, checked to be the size it had when opened and
 * not modified while read (same modification time at the end as at the start): its hashes
 * then describe one version of the file, not a mix of two.
 */
async function* readFile(
  path: string,
  size: number,
  field: string,
  signal?: AbortSignal,
  into?: readonly [Uint8Array, Uint8Array],
): AsyncGenerator<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const before = (await handle.stat()).mtimeMs;
    let position = 0;
    for await (const piece of readPieces(handle, size, READ_SIZE, into)) {
      position += piece.byteLength;
      signal?.throwIfAborted();
      yield piece;
    }
    const now = await handle.stat();
    if (position !== size || now.size !== size || now.mtimeMs !== before) {
      throw new InvalidInputError(
        `${field}: ${path} changed while it was read (${now.size === size ? "modified" : `expected ${size} bytes, found ${now.size}`}). Do not modify files during an upload.`,
        { field },
      );
    }
  } finally {
    await handle.close();
  }
}
