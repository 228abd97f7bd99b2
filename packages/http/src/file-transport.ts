import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import type { Agent } from "node:http";
import { FILE_CHUNK } from "./body.js";
import { fileReadSize } from "./file-reads.js";
import { readWhole, toResponse } from "./node-api-transport.js";
import { nodeHttp, nodeHttps } from "./node-builtins.js";
import { toHeaderRecord } from "./node-headers.js";
import type { PreparedRequest } from "./types.js";

// Reused 4 MiB buffers: fresh buffers for every read cost page faults and GC that made a
// 2 GiB PUT 1.5× slower than `curl -T`; with reuse it matched curl (ADR 0002). One pool per
// client, shared by concurrent uploads (parts in parallel), so parts allocate nothing.
const POOL_BUFFERS = 8;
/** At most this many buffers of one upload are in flight at once. */
const PER_UPLOAD = 3;
/**
 * A small body (read in small pieces, `fileReadSize`) keeps two in flight, one written while the
 * next is read: every buffer in flight is fresh memory whose pages fault in on first write, about
 * 10 µs each on the dev VM (a 16 MiB PUT of 1 MiB reads with three in flight faulted 1,000 more
 * pages and took ~18 ms more CPU than with one, issue 19).
 */
const PER_SMALL_UPLOAD = 2;

/** Reusable buffers, created on first use; `take` waits while all of them are in flight. */
export class BufferPool {
  private readonly free: Buffer[] = [];
  private created = 0;
  private readonly waiting: Array<(buffer: Buffer) => void> = [];

  constructor(
    private readonly count = POOL_BUFFERS,
    readonly size = FILE_CHUNK,
  ) {}

  take(): Promise<Buffer> {
    const spare = this.free.pop();
    if (spare) return Promise.resolve(spare);
    if (this.created < this.count) {
      this.created++;
      return Promise.resolve(Buffer.allocUnsafe(this.size));
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  give(buffer: Buffer): void {
    const next = this.waiting.shift();
    if (next) next(buffer);
    else this.free.push(buffer);
  }

  /** A buffer that may never come back (its write was abandoned): allow a new one in its place. */
  forget(): void {
    this.created--;
    const next = this.waiting.shift();
    if (next) {
      this.created++;
      next(Buffer.allocUnsafe(this.size));
    }
  }
}

/**
 * One upload's share of the pool: at most `limit` buffers at a time. When the upload ends,
 * buffers whose writes never completed are written off (a late completion is ignored), so a
 * failed upload can never starve the next ones.
 */
class Lease {
  private readonly out = new Set<Buffer>();
  private readonly waiting: Array<() => void> = [];
  stopped = false;

  constructor(
    private readonly pool: BufferPool,
    private readonly limit: number,
  ) {}

  async take(): Promise<Buffer | undefined> {
    while (this.out.size >= this.limit && !this.stopped) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    if (this.stopped) return undefined;
    const buffer = await this.pool.take();
    if (this.stopped) {
      this.pool.give(buffer);
      return undefined;
    }
    this.out.add(buffer);
    return buffer;
  }

  give(buffer: Buffer): void {
    if (!this.out.delete(buffer)) return; // written off when the upload ended
    this.pool.give(buffer);
    this.waiting.shift()?.();
  }

  /** The upload failed or was answered: stop the reader and write off what is still out. */
  stop(): void {
    this.stopped = true;
    for (const _ of this.out) this.pool.forget();
    this.out.clear();
    for (const wake of this.waiting.splice(0)) wake();
  }
}

/**
 * PUTs a byte range of a file through node:http(s), reading it into a few reused buffers and
 * writing each as soon as it is read; a buffer is refilled once the socket has taken it. Never
 * follows redirects (storage URLs do not redirect) and buffers the (tiny) response. `agent`
 * is the client's keep-alive agent for the URL's protocol.
 */
export async function nodeFileTransport(
  request: PreparedRequest,
  range: { path: string; start: number; end: number },
  buffers: BufferPool,
  agent: Agent,
): Promise<Response> {
  const { url } = request;
  const send = url.protocol === "https:" ? nodeHttps().request : nodeHttp().request;
  const headers = toHeaderRecord(request.headers);
  headers["content-length"] = String(range.end - range.start);
  // A small body's reads fill only the start of each 4 MiB buffer: pages never written never fault in.
  const step = fileReadSize(range.end - range.start);
  const pool = new Lease(buffers, step < buffers.size ? PER_SMALL_UPLOAD : PER_UPLOAD);
  let file: FileHandle | undefined;
  try {
    file = await open(range.path, "r");
    const handle = file;
    return await new Promise<Response>((resolve, reject) => {
      const fail = (error: unknown) => {
        pool.stop();
        reject(error);
      };
      const outgoing = send(
        url,
        { method: request.method, headers, agent, ...(request.signal ? { signal: request.signal } : {}) },
        (incoming) => {
          readWhole(incoming)
            .then((bytes) => {
              pool.stop();
              // Held whole, so a dropped answer (`responseType: "none"`) needs no web stream (discard.ts).
              return toResponse(incoming, bytes, request.method, url);
            })
            .then(resolve, fail);
        },
      );
      outgoing.on("error", fail);
      const pump = async () => {
        let position = range.start;
        let sent = 0;
        request.onUploadProgress?.(0);
        while (position < range.end) {
          const buffer = await pool.take();
          if (!buffer) return; // the request failed or was answered early
          let bytesRead = 0;
          try {
            ({ bytesRead } = await handle.read(
              buffer,
              0,
              Math.min(buffer.length, step, range.end - position),
              position,
            ));
          } finally {
            if (bytesRead === 0 || pool.stopped) pool.give(buffer);
          }
          if (pool.stopped) return;
          if (bytesRead === 0) {
            throw new Error(`${range.path} is shorter than expected: it changed during the upload`);
          }
          position += bytesRead;
          outgoing.write(buffer.subarray(0, bytesRead), () => {
            sent += bytesRead;
            request.onUploadProgress?.(sent);
            pool.give(buffer);
          });
        }
        outgoing.end();
      };
      pump().catch((error) => {
        outgoing.destroy(error);
        fail(error);
      });
    });
  } finally {
    // Writes still queued hold pool buffers, not the file: the handle can close now.
    await file?.close();
  }
}
