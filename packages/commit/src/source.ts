import { InvalidInputError } from "@hfkit/http";
import type { StreamFactory } from "./types.js";

/** Where the bytes of one added file come from, read as many times as the phases need. */
export interface ContentSource {
  readonly size: number;
  /** The local path, when the bytes are a file on disk (hashing then reads it directly). */
  readonly filePath: string | undefined;
  /** The SHA-256 the caller gave for a local file (`{ path, sha256 }`, Node only): not hashed again. */
  readonly sha256?: string;
  /** The Xet chunks the caller gave with it (`{ path, sha256, chunks }`): not computed again. */
  readonly xetChunks?: readonly { hash: string; size: number }[] | undefined;
  /** False for stream factories: `read` then only works from the start to the end. */
  readonly seekable: boolean;
  /** Bytes `[start, end)`, as fresh chunks the caller may keep. */
  read(start?: number, end?: number): AsyncIterable<Uint8Array>;
  /** The first `n` bytes (or fewer, for a shorter file). */
  head(n: number): Promise<Uint8Array>;
  /** The whole content in memory: only for regular (small) files. */
  all(): Promise<Uint8Array>;
}

export function changed(field: string, expected: number, actual: number): InvalidInputError {
  return new InvalidInputError(
    `${field}: the content changed while it was being committed (expected ${expected} bytes, read ${actual}). ` +
      "Do not modify files during an upload, then run it again.",
    { field },
  );
}

/** Counts what an iterable yields and fails if it is not exactly `expected` bytes. */
export async function* exactly(
  chunks: AsyncIterable<Uint8Array>,
  expected: number,
  field: string,
): AsyncGenerator<Uint8Array> {
  let seen = 0;
  for await (const chunk of chunks) {
    seen += chunk.byteLength;
    if (seen > expected) throw changed(field, expected, seen);
    yield chunk;
  }
  if (seen !== expected) throw changed(field, expected, seen);
}

async function collect(chunks: AsyncIterable<Uint8Array>, size: number): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let offset = 0;
  for await (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

export function bytesSource(bytes: Uint8Array): ContentSource {
  return {
    size: bytes.byteLength,
    filePath: undefined,
    seekable: true,
    async *read(start = 0, end = bytes.byteLength) {
      if (end > start) yield bytes.subarray(start, end);
    },
    async head(n) {
      return bytes.subarray(0, n);
    },
    async all() {
      return bytes;
    },
  };
}

export function blobSource(blob: Blob): ContentSource {
  return {
    size: blob.size,
    filePath: undefined,
    seekable: true,
    read(start = 0, end = blob.size) {
      return blob.slice(start, end).stream() as unknown as AsyncIterable<Uint8Array>;
    },
    async head(n) {
      return new Uint8Array(await blob.slice(0, n).arrayBuffer());
    },
    async all() {
      return new Uint8Array(await blob.arrayBuffer());
    },
  };
}

export function streamSource(factory: StreamFactory, size: number, field: string): ContentSource {
  const open = () => factory() as AsyncIterable<Uint8Array>;
  return {
    size,
    filePath: undefined,
    seekable: false,
    read(start = 0, end = size) {
      if (start !== 0 || end !== size) {
        throw new Error("a stream source can only be read from start to end (internal misuse)");
      }
      return exactly(open(), size, field);
    },
    async head(n) {
      const want = Math.min(n, size);
      const out = new Uint8Array(want);
      let offset = 0;
      // Breaking out of for-await cancels the stream, so only the head is produced.
      for await (const chunk of open()) {
        const take = Math.min(chunk.byteLength, want - offset);
        out.set(chunk.subarray(0, take), offset);
        offset += take;
        if (offset >= want) break;
      }
      return out.subarray(0, offset);
    },
    async all() {
      return collect(this.read(), size);
    },
  };
}

/**
 * An object already uploaded (`preuploadFiles`): only its sample is here. Its bytes are never
 * read: the commit refers to the object by its SHA-256, and the pipeline checks it is LFS first.
 */
export function uploadedSource(sample: Uint8Array, size: number, field: string): ContentSource {
  const absent = () =>
    new InvalidInputError(
      `${field}: this object was uploaded earlier and its bytes are not here; add the file from content or file to send it again.`,
      { field },
    );
  return {
    size,
    filePath: undefined,
    seekable: false,
    read() {
      throw absent();
    },
    async head(n) {
      return sample.subarray(0, n);
    },
    async all() {
      throw absent();
    },
  };
}
