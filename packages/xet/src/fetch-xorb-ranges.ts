import { type HubClient, HubError, InvalidResponseError } from "@hfkit/http";
import { MAX_CHUNK_SIZE } from "./constants.js";
import type { XorbByteRange } from "./get-reconstruction.js";
import {
  CHUNK_HEADER_BYTES,
  type ChunkHeader,
  decodeChunkInto,
  decodeXorbChunks,
  parseChunkHeader,
  XorbFormatError,
} from "./xorb.js";

export interface FetchXorbRangesOptions {
  /** The signed URL from the reconstruction. */
  url: string;
  /** The ranges to fetch, ascending, as the reconstruction lists them. */
  ranges: readonly XorbByteRange[];
  signal?: AbortSignal;
}

/** A body read that breaks mid-way (a reset connection) is tried again this many times in all. */
const ATTEMPTS = 3;

/**
 * Fetches byte ranges of a xorb with one multi-range `GET` on its signed URL (hub-docs
 * download-protocol.md): `Range: bytes=a-b,c-d`, answered by one part or a
 * `multipart/byteranges` body. The URL carries its own signature: no token goes with it, the
 * CAS token no more than the Hub's. Returns each range's bytes, in order.
 */
export async function fetchXorbRanges(
  client: HubClient,
  options: FetchXorbRangesOptions,
): Promise<Uint8Array[]> {
  const { ranges } = options;
  if (ranges.length === 0) return [];
  const header = `bytes=${ranges.map((r) => `${r.byteStart}-${r.byteEnd}`).join(",")}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await client.request({
        url: options.url,
        headers: { range: header },
        responseType: "bytes",
        auth: false,
        bulk: true,
        signal: options.signal,
        operation: "fetchXorbRanges",
      });
      return splitRanges(response.status, response.headers, response.data, ranges, response.url);
    } catch (error) {
      options.signal?.throwIfAborted();
      // The seam retries failed exchanges; a body that breaks while being read surfaces here.
      const broken = !HubError.isInstance(error) || error.code === "NETWORK_ERROR";
      if (!broken || attempt >= ATTEMPTS) throw error;
    }
  }
}

function invalid(url: string, message: string): InvalidResponseError {
  return new InvalidResponseError(`Unexpected xorb download from ${url}: ${message}`, {
    url,
  });
}

function splitRanges(
  status: number,
  headers: Headers,
  body: Uint8Array,
  ranges: readonly XorbByteRange[],
  url: string,
): Uint8Array[] {
  const type = headers.get("content-type") ?? "";
  const boundary = /multipart\/byteranges;.*boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (status === 206 && boundary) {
    const parts = parseMultipart(body, boundary, url);
    return ranges.map((r) => {
      const part = parts.find((p) => p.start <= r.byteStart && p.end >= r.byteEnd);
      if (!part) throw invalid(url, `no part holds bytes ${r.byteStart}-${r.byteEnd}`);
      return part.data.subarray(r.byteStart - part.start, r.byteEnd - part.start + 1);
    });
  }
  // One part: the whole object (200), or one range, maybe coalesced from several (206).
  let start = 0;
  if (status === 206) {
    const match = /bytes (\d+)-(\d+)/.exec(headers.get("content-range") ?? "");
    if (!match) throw invalid(url, "a 206 answer without Content-Range");
    start = Number(match[1]);
  }
  return ranges.map((r) => {
    if (r.byteStart < start || r.byteEnd - start + 1 > body.byteLength) {
      throw invalid(url, `bytes ${r.byteStart}-${r.byteEnd} are not in the answer`);
    }
    return body.subarray(r.byteStart - start, r.byteEnd - start + 1);
  });
}

/** Parts of a `multipart/byteranges` body, each sized by its own Content-Range. */
function parseMultipart(body: Uint8Array, boundary: string, url: string) {
  const text = (from: number, to: number) =>
    Buffer.from(body.buffer, body.byteOffset + from, to - from).toString("latin1");
  const delimiter = Buffer.from(`--${boundary}`, "latin1");
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const parts: { start: number; end: number; data: Uint8Array }[] = [];
  let at = buffer.indexOf(delimiter);
  while (at >= 0) {
    at += delimiter.byteLength;
    if (buffer[at] === 0x2d && buffer[at + 1] === 0x2d) break; // closing "--boundary--"
    const headersEnd = buffer.indexOf("\r\n\r\n", at, "latin1");
    if (headersEnd < 0) throw invalid(url, "a multipart part without headers");
    const match = /content-range:\s*bytes (\d+)-(\d+)/i.exec(text(at, headersEnd));
    if (!match) throw invalid(url, "a multipart part without Content-Range");
    const start = Number(match[1]);
    const end = Number(match[2]);
    const dataStart = headersEnd + 4;
    const dataEnd = dataStart + (end - start + 1);
    if (dataEnd > body.byteLength) throw invalid(url, "a truncated multipart part");
    parts.push({ start, end, data: body.subarray(dataStart, dataEnd) });
    at = buffer.indexOf(delimiter, dataEnd);
  }
  return parts;
}

export interface StreamXorbRangeOptions {
  /** The signed URL from the reconstruction. */
  url: string;
  /** The one range to fetch. */
  range: XorbByteRange;
  signal?: AbortSignal;
}

/**
 * Fetches one range of a xorb and yields its chunks decoded, in order, as they arrive: the
 * decoding (and whatever the caller does with the bytes: hash, write) runs while the rest of
 * the range is still on the wire, instead of after all of it. A body that breaks mid-way is
 * asked again from the first chunk not yet complete (`Range: bytes=<that chunk's start>-<end>`),
 * up to 3 attempts in a row without progress, so a reset connection costs only what was in
 * flight. Each yielded chunk is a buffer of its own, never reused.
 */
export async function* streamXorbRange(
  client: HubClient,
  options: StreamXorbRangeOptions,
): AsyncGenerator<Uint8Array> {
  const { range, url, signal } = options;
  const count = range.chunkEnd - range.chunkStart;
  let done = 0;
  /** Bytes of the range consumed by complete chunks. */
  let consumed = 0;
  const length = range.byteEnd - range.byteStart + 1;
  for (let failures = 0; done < count; ) {
    const from = range.byteStart + consumed;
    let progressed = false;
    try {
      // A stream, not the raw Response: not `bulk`, so the client sends it through node:http on
      // its keep-alive agents (a Node socket's buffers, handed on as they arrive) instead of
      // the platform's fetch, whose first use loads undici (~25-50 ms of a 32 MiB download on
      // one CPU) and whose web byte stream costs more per piece (profiled).
      const response = await client.request({
        url,
        // Identity: offsets are those of the stored object, not of a compressed form.
        headers: { range: `bytes=${from}-${range.byteEnd}`, "accept-encoding": "identity" },
        responseType: "stream",
        auth: false,
        signal,
        operation: "fetchXorbRanges",
      });
      const { status, headers, data: stream } = response;
      if ((headers.get("content-type") ?? "").includes("multipart/")) {
        // One range asked, several parts sent: the buffered parser handles that rare answer.
        const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
        const [part] = splitRanges(status, headers, bytes, [{ ...range, byteStart: from }], url);
        for (const chunk of chunksOf(part as Uint8Array, count - done)) {
          yield chunk;
          done++;
        }
        if (done < count) throw invalid(url, `the range holds ${done} of its ${count} chunks`);
        return;
      }
      let skip = 0;
      if (status === 206) {
        const match = /bytes (\d+)-(\d+)/.exec(headers.get("content-range") ?? "");
        if (!match || Number(match[1]) !== from) {
          stream?.cancel().catch(() => {});
          throw invalid(url, `a 206 answer that does not start at byte ${from}`);
        }
      } else if (status === 200) {
        skip = from; // the whole object: skip to the range
      } else {
        stream?.cancel().catch(() => {});
        throw invalid(url, `status ${status} for a range`);
      }
      if (!stream) throw invalid(url, "an answer without a body");
      const parser = new ChunkStreamParser(count - done, length - consumed);
      const base = consumed;
      const reader = stream.getReader();
      try {
        for (;;) {
          const { done: ended, value } = await reader.read();
          if (ended) break;
          let piece = value;
          if (skip > 0) {
            const dropped = Math.min(skip, piece.byteLength);
            skip -= dropped;
            piece = piece.subarray(dropped);
          }
          for (const chunk of parser.push(piece)) {
            done++;
            progressed = true;
            consumed = base + parser.completedBytes;
            yield chunk;
          }
          if (parser.finished) break;
        }
      } finally {
        reader.cancel().catch(() => {});
      }
      if (done < count)
        throw new HubError(`The xorb range from ${url} broke off after ${done} of ${count} chunks.`, {
          code: "NETWORK_ERROR",
          retryable: true,
        });
    } catch (error) {
      signal?.throwIfAborted();
      // The seam retries failed exchanges; a body that breaks while being read surfaces here.
      const broken = !HubError.isInstance(error) || error.code === "NETWORK_ERROR";
      if (progressed) failures = 0;
      if (!broken || error instanceof XorbFormatError || ++failures >= ATTEMPTS) throw error;
    }
  }
}

/** What a {@link XorbRangeReceiver} is asked for: one range of a xorb, by its signed URL. */
export interface XorbRangeRequest {
  /** The signed URL from the reconstruction (no token goes with it). */
  url: string;
  /** First byte of the range in the xorb. */
  start: number;
  /** Last byte of the range (inclusive), as in `Range: bytes=start-end`. */
  end: number;
  signal?: AbortSignal | undefined;
  /**
   * Takes the next bytes of the body, in order. They are a view of a buffer the receiver
   * reuses once `take` returns: whatever is kept is copied before then. A promise returned
   * means the reader holds enough chunks not yet read: receive no more until it settles.
   */
  take(bytes: Uint8Array): void | Promise<void>;
  /**
   * `take` for a receiver that leaves the bytes untouched until the promise returned settles
   * (@hfkit/repo's socket: its two buffers are read into only once handed back): stored chunks
   * that lie whole in them are then lent to the reader as views of them, not copied out, and
   * the promise settles once every such chunk has been read (or copied out because the reader
   * waits for a later one). Receive no more until it settles.
   */
  lend?(bytes: Uint8Array): void | Promise<void>;
}

/**
 * Receives one xorb range by a path of the caller's (@hfkit/repo: its own socket, whose reads
 * land in reused buffers) instead of the client's. Resolves with the bytes given to `take`;
 * `fallback` says why it left the range alone before the first byte (too small to be worth a
 * connection, an answer it does not handle), `error` why the body broke off.
 */
export type XorbRangeReceiver = (
  request: XorbRangeRequest,
) => Promise<{ received: number; fallback?: string; error?: unknown }>;

/**
 * The chunks of one range, decoded in order and handed to `onChunk`, with the range's bytes
 * received through `receive` first: each chunk is copied once out of the receiver's reused
 * buffers into a buffer of its own. Through node:http each read arrives as a fresh buffer, the
 * HTTP parser copies its body bytes into another, and a chunk across two reads is gathered
 * into a third: three fresh buffers per byte, whose page faults and garbage were most of the
 * CPU of a 32 MiB Xet download (issue 19, packages/repo/README.md). Whatever the receiver does
 * not deliver (a fallback, a body that broke off) is fetched with `streamXorbRange` from the
 * first chunk not yet complete, with its retries.
 */
export async function receiveXorbRange(
  client: HubClient,
  options: StreamXorbRangeOptions & {
    receive: XorbRangeReceiver;
    onChunk: (chunk: Uint8Array) => void;
    /** Where chunk memory comes from (see `ChunkPool`); fresh buffers without it. */
    pool?: ChunkPool | undefined;
    /** A promise while the chunks handed on but not yet used are too many (see `take`). */
    room?: (() => Promise<void> | undefined) | undefined;
  },
): Promise<void> {
  const { range, url, signal } = options;
  const parser = new CopyingChunkParser(range.chunkEnd - range.chunkStart, options.onChunk, options.pool);
  let error: unknown;
  try {
    ({ error } = await options.receive({
      url,
      start: range.byteStart,
      end: range.byteEnd,
      signal,
      take: (bytes) => {
        parser.push(bytes);
        return options.room?.();
      },
      lend: (bytes) => {
        const lease = options.pool ? new Lease() : undefined;
        parser.push(bytes, lease);
        const read = lease?.seal();
        const room = options.room?.();
        return read && room ? Promise.all([read, room]).then(() => {}) : (read ?? room);
      },
    }));
  } catch (thrown) {
    error = thrown;
  }
  signal?.throwIfAborted();
  // Bytes that do not decode are the same on any path: reported, not fetched again.
  if (error instanceof XorbFormatError) throw error;
  if (parser.done === range.chunkEnd - range.chunkStart) return;
  const rest: XorbByteRange = {
    chunkStart: range.chunkStart + parser.done,
    chunkEnd: range.chunkEnd,
    byteStart: range.byteStart + parser.completedBytes,
    byteEnd: range.byteEnd,
  };
  for await (const chunk of streamXorbRange(client, { url, range: rest, signal })) options.onChunk(chunk);
}

/**
 * Cuts bytes that are only lent (views of a reused buffer) into chunks: each chunk's payload
 * is copied into a buffer of its own as it arrives, then decoded (a stored chunk is that
 * buffer). Bytes past the last chunk are ignored.
 */
class CopyingChunkParser {
  private readonly head = new Uint8Array(CHUNK_HEADER_BYTES);
  private headFill = 0;
  private header: ChunkHeader | undefined;
  private payload: Uint8Array | undefined;
  private payloadFill = 0;
  /** Chunks complete and handed on. */
  done = 0;
  /** Bytes of those chunks, headers included: where the rest of the range starts. */
  completedBytes = 0;

  constructor(
    private readonly count: number,
    private readonly onChunk: (chunk: Uint8Array) => void,
    private readonly pool?: ChunkPool | undefined,
  ) {}

  /**
   * Cuts `bytes` into chunks. With a `lease` (the receiver keeps `bytes` untouched until the
   * lease's promise settles), a stored chunk that lies whole in `bytes` is handed on as a view
   * of them, counted in the lease, and a compressed one is decoded straight from them.
   */
  push(bytes: Uint8Array, lease?: Lease): void {
    let at = 0;
    while (this.done < this.count) {
      if (lease && this.pool && !this.header && this.headFill === 0) {
        // Whole in `bytes`: no copy of the payload (a stored chunk is not copied at all).
        if (bytes.byteLength - at < CHUNK_HEADER_BYTES) {
          if (at === bytes.byteLength) return;
        } else {
          const header = parseChunkHeader(bytes, at);
          const end = at + CHUNK_HEADER_BYTES + header.compressedSize;
          if (end <= bytes.byteLength) {
            if (header.scheme === "none" && header.compressedSize !== header.size)
              throw new XorbFormatError("stored chunk size mismatch");
            const payload = bytes.subarray(at + CHUNK_HEADER_BYTES, end);
            let chunk = payload;
            if (header.scheme === "none") this.pool.lend(chunk, lease);
            else {
              chunk = this.pool.take(header.size);
              decodeChunkInto(header, payload, chunk, 0);
            }
            at = end;
            this.done++;
            this.completedBytes += CHUNK_HEADER_BYTES + header.compressedSize;
            this.onChunk(chunk);
            continue;
          }
        }
      }
      if (!this.header) {
        if (at === bytes.byteLength) return;
        const n = Math.min(CHUNK_HEADER_BYTES - this.headFill, bytes.byteLength - at);
        this.head.set(bytes.subarray(at, at + n), this.headFill);
        this.headFill += n;
        at += n;
        if (this.headFill < CHUNK_HEADER_BYTES) return;
        const header = parseChunkHeader(this.head, 0);
        if (header.scheme === "none" && header.compressedSize !== header.size)
          throw new XorbFormatError("stored chunk size mismatch");
        this.header = header;
        // Not zero-filled: every byte is written below before the chunk is handed on.
        this.payload = this.pool?.take(header.compressedSize) ?? Buffer.allocUnsafe(header.compressedSize);
        this.payloadFill = 0;
      }
      const payload = this.payload as Uint8Array;
      const n = Math.min(payload.byteLength - this.payloadFill, bytes.byteLength - at);
      payload.set(bytes.subarray(at, at + n), this.payloadFill);
      this.payloadFill += n;
      at += n;
      if (this.payloadFill < payload.byteLength) return;
      const header = this.header as ChunkHeader;
      this.header = undefined;
      this.payload = undefined;
      this.headFill = 0;
      let chunk = payload;
      if (header.scheme !== "none") {
        chunk = this.pool?.take(header.size) ?? new Uint8Array(header.size);
        decodeChunkInto(header, payload, chunk, 0);
        this.pool?.give(payload); // read once, by the decoder
      }
      this.done++;
      this.completedBytes += CHUNK_HEADER_BYTES + payload.byteLength;
      this.onChunk(chunk);
    }
  }
}

/**
 * Chunk buffers handed back once their bytes are no longer needed, to hold later chunks. A
 * fresh buffer per chunk meant a page fault for every 4 KiB received: ~8,000 of a 32 MiB Xet
 * download's ~11,000, and the `push` copy below, which takes them, was a third of its client
 * CPU (profiled, issue 19). Every buffer has room for the largest chunk (so any free one fits
 * any chunk; the pages a smaller chunk leaves untouched cost nothing), at most `MAX_FREE`
 * bytes of them are kept, and only buffers this pool made are taken back.
 */
export class ChunkPool {
  private static readonly MAX_FREE = 16 << 20;
  private readonly free: Buffer[] = [];
  /** Every buffer this pool made, and those of them now free. */
  private readonly own = new WeakSet<ArrayBufferLike>();
  private readonly idle = new WeakSet<ArrayBufferLike>();

  /** A buffer of `size` bytes (a view of a pool buffer up to the largest chunk), not zero-filled. */
  take(size: number): Buffer {
    if (size > MAX_CHUNK_SIZE) return Buffer.allocUnsafe(size);
    let slab = this.free.pop();
    if (slab) this.idle.delete(slab.buffer);
    else {
      // Its own ArrayBuffer (not Node's shared pool), so that it is known by it when handed back.
      slab = Buffer.allocUnsafeSlow(MAX_CHUNK_SIZE);
      this.own.add(slab.buffer);
    }
    return slab.subarray(0, size);
  }

  /** Chunks that are views of a receiver's buffer (`lend`), each with the lease it counts in. */
  private readonly lent = new WeakMap<Uint8Array, Lease>();

  /** Records `chunk` (a view of bytes a receiver lent) as out until it is given back. */
  lend(chunk: Uint8Array, lease: Lease): void {
    lease.count++;
    this.lent.set(chunk, lease);
  }

  /** Whether `chunk` is a view of a receiver's buffer, still out. */
  isLent(chunk: Uint8Array): boolean {
    return this.lent.has(chunk);
  }

  /**
   * Hands back a chunk from `take` (or a view of it), or one lent from a receiver's buffer:
   * its bytes may be overwritten from now on.
   */
  give(chunk: Uint8Array): void {
    const lease = this.lent.get(chunk);
    if (lease) {
      this.lent.delete(chunk);
      lease.release();
      return;
    }
    const { buffer } = chunk;
    if (!this.own.has(buffer) || this.idle.has(buffer)) return; // not ours, or already back
    if ((this.free.length + 1) * MAX_CHUNK_SIZE > ChunkPool.MAX_FREE) return;
    this.idle.add(buffer);
    this.free.push(Buffer.from(buffer, 0, MAX_CHUNK_SIZE));
  }
}

/**
 * The chunks lent as views of one piece of a receiver's bytes (`lend`): its promise settles
 * once all of them are given back, so that the receiver may read into that memory again.
 */
export class Lease {
  /** Chunks out. */
  count = 0;
  private sealed = false;
  private settle: (() => void) | undefined;

  /** No more chunks will be added: undefined if none is out, else a promise of the last one back. */
  seal(): Promise<void> | undefined {
    this.sealed = true;
    if (this.count === 0) return undefined;
    return new Promise<void>((resolve) => {
      this.settle = resolve;
    });
  }

  release(): void {
    this.count--;
    if (this.count === 0 && this.sealed) this.settle?.();
  }
}

/** The decoded chunks of one range held whole (at most `count`). */
function* chunksOf(bytes: Uint8Array, count: number): Generator<Uint8Array> {
  const { data, offsets } = decodeXorbChunks(bytes, count);
  for (let c = 0; c < count; c++) yield data.subarray(offsets[c], offsets[c + 1]);
}

/**
 * Cuts a stream of xorb bytes into chunks (an 8-byte header, then its payload) and decodes each
 * once it is whole. Pieces straddling a chunk boundary are gathered into one buffer first.
 */
class ChunkStreamParser {
  private pending: Uint8Array[] = [];
  /** Bytes held in `pending`. */
  buffered = 0;
  private header: ChunkHeader | undefined;
  /** Bytes of the chunks decoded so far, headers included: where a resumed request starts. */
  completedBytes = 0;

  constructor(
    private chunksLeft: number,
    /** Bytes of the range not yet given to `push`. */
    public remainingBytes: number,
  ) {}

  get finished(): boolean {
    return this.chunksLeft === 0;
  }

  *push(piece: Uint8Array): Generator<Uint8Array> {
    if (piece.byteLength > this.remainingBytes) piece = piece.subarray(0, this.remainingBytes);
    this.remainingBytes -= piece.byteLength;
    if (piece.byteLength > 0) {
      this.pending.push(piece);
      this.buffered += piece.byteLength;
    }
    while (this.chunksLeft > 0) {
      if (!this.header) {
        if (this.buffered < CHUNK_HEADER_BYTES) return;
        this.header = parseChunkHeader(this.take(CHUNK_HEADER_BYTES), 0);
      }
      const { compressedSize, size } = this.header;
      if (this.buffered < compressedSize) return;
      const payload = this.take(compressedSize);
      const header = this.header;
      this.header = undefined;
      this.chunksLeft--;
      this.completedBytes += CHUNK_HEADER_BYTES + compressedSize;
      if (header.scheme === "none") {
        if (payload.byteLength !== size) throw new XorbFormatError("stored chunk size mismatch");
        yield payload;
      } else {
        const out = new Uint8Array(size);
        decodeChunkInto(header, payload, out, 0);
        yield out;
      }
    }
  }

  /** The next `n` bytes, as a view when they lie in one piece, else gathered into a copy. */
  private take(n: number): Uint8Array {
    const first = this.pending[0] as Uint8Array;
    let out: Uint8Array;
    if (first.byteLength >= n) {
      out = first.subarray(0, n);
      if (first.byteLength === n) this.pending.shift();
      else this.pending[0] = first.subarray(n);
    } else {
      out = new Uint8Array(n);
      let at = 0;
      while (at < n) {
        const head = this.pending[0] as Uint8Array;
        const used = Math.min(head.byteLength, n - at);
        out.set(head.subarray(0, used), at);
        at += used;
        if (used === head.byteLength) this.pending.shift();
        else this.pending[0] = head.subarray(used);
      }
    }
    this.buffered -= n;
    return out;
  }
}
