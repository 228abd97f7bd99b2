import { open, stat } from "node:fs/promises";
import { InvalidInputError } from "@hfkit/http";

/**
 * Where a file's bytes come from:
 * - `{ path }`: a local file, read 4 MiB at a time;
 * - `{ content }`: bytes or a string (UTF-8) in memory;
 * - `{ stream }`: a function returning a fresh async iterable of bytes (called once per upload);
 * - an async iterable of bytes, read once.
 *
 * `name` labels the file in events and errors (default: the path, or `file #i`).
 */
export type XetSource =
  | { path: string; name?: string }
  | { content: Uint8Array | string; name?: string }
  | { stream: () => AsyncIterable<Uint8Array>; size?: number; name?: string }
  | AsyncIterable<Uint8Array>;

/** Reads of 4 MiB: the default 64 KiB halves hashing speed (perf-limits.md). */
export const READ_SIZE = 4 << 20;

export interface OpenedSource {
  name: string;
  /** The option that named it (`files[2]`), for errors. */
  field: string;
  /** Known before reading for files and in-memory content; otherwise undefined. */
  size: number | undefined;
  /**
   * The bytes in order. A piece stays valid until the piece after the next one is asked for
   * (file reads reuse two buffers): consume or copy it before then.
   */
  read(signal?: AbortSignal): AsyncIterable<Uint8Array>;
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
    return { name: source.name ?? path, field, size, read: (signal) => readFile(path, size, field, signal) };
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
    return { name: source.name ?? field, field, size: source.size, read: () => factory() };
  }
  throw new InvalidInputError(
    `${field}: expected { path }, { content }, { stream } or an async iterable of bytes.`,
    {
      field,
    },
  );
}

/** Two buffers: the next read runs while the caller works on the current piece. */
async function* readFile(
  path: string,
  size: number,
  field: string,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const handle = await open(path, "r");
  let pending: Promise<{ bytesRead: number; buffer: Buffer }> | undefined;
  try {
    const length = Math.max(1, Math.min(READ_SIZE, size));
    const buffers = [Buffer.allocUnsafe(length), Buffer.allocUnsafe(length)];
    let position = 0;
    let which = 0;
    pending = size > 0 ? handle.read(buffers[0] as Buffer, 0, Math.min(length, size), 0) : undefined;
    while (pending) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) break;
      position += bytesRead;
      which ^= 1;
      pending =
        position < size
          ? handle.read(buffers[which] as Buffer, 0, Math.min(length, size - position), position)
          : undefined;
      signal?.throwIfAborted();
      yield buffer.subarray(0, bytesRead);
    }
    const now = (await handle.stat()).size;
    if (position !== size || now !== size) {
      throw new InvalidInputError(
        `${field}: ${path} changed while it was read (expected ${size} bytes, found ${now}). Do not modify files during an upload.`,
        { field },
      );
    }
  } finally {
    await pending?.catch(() => {});
    await handle.close();
  }
}
