import { badRequest, EmulatorHttpError } from "./errors.js";
import { LIMITS } from "./limits.js";

/**
 * The node:http mount registers the raw request stream here so that bulk uploads skip the
 * web-stream conversion (measurably faster on multi-GiB PUTs). Everything else reads
 * `request.body`. Either way, bytes are counted for the request log.
 */
export const nodeBodies = new WeakMap<Request, AsyncIterable<Uint8Array>>();

/**
 * The node:http mount's "server closing" signal, by Request: an injected latency stops waiting
 * when the server closes (its `close()` waits for the requests still being handled).
 */
export const closingSignals = new WeakMap<Request, AbortSignal>();

/**
 * The text of answers built from a string (`json()`), by Response: the node:http mount writes
 * it as is instead of reading it back through the Response's web stream (a third of a small
 * GET's server CPU, profiled). A mount that finds none, or a used body, reads the stream.
 */
export const responseTexts = new WeakMap<Response, string>();

const tooLarge = (limit: number) =>
  new EmulatorHttpError(
    413,
    "PayloadTooLarge",
    `Request body too large: at most ${limit} bytes are accepted on this route`,
  );

const EMPTY: AsyncIterable<Uint8Array> = {
  [Symbol.asyncIterator]: () => ({ next: async () => ({ value: undefined, done: true }) }),
};

export class BodyReader {
  bytesRead = 0;
  private used = false;

  constructor(private readonly request: Request) {}

  /**
   * The body's pieces as they arrive, each counted and passed to `each` (which may throw to
   * stop the read) before it is handed on. A plain iterator, not a generator: on a bulk upload
   * it runs once per 64 KiB piece.
   */
  stream(each?: (piece: Uint8Array) => void): AsyncIterable<Uint8Array> {
    if (this.used) throw new Error("request body already consumed");
    this.used = true;
    const source = nodeBodies.get(this.request) ?? (this.request.body as AsyncIterable<Uint8Array> | null);
    if (!source) return EMPTY;
    const pieces = source[Symbol.asyncIterator]();
    const next = async (): Promise<IteratorResult<Uint8Array>> => {
      const result = await pieces.next();
      if (!result.done) {
        this.bytesRead += result.value.byteLength;
        try {
          each?.(result.value);
        } catch (error) {
          // Stop the source as a generator's loop would (a web body is cancelled; node:http's
          // is left for the mount to discard).
          await pieces.return?.();
          throw error;
        }
      }
      return result;
    };
    const end = async (): Promise<IteratorResult<Uint8Array>> => {
      await pieces.return?.();
      return { value: undefined, done: true };
    };
    return { [Symbol.asyncIterator]: () => ({ next, return: end }) };
  }

  /**
   * Reads a small body (JSON, NDJSON) whole, up to `limit` bytes. A declared
   * `Content-Length` over the limit is refused before reading; a body that turns out larger
   * is read to its end without being kept (so the client gets the 413, not a reset).
   */
  async bytes(limit: number = LIMITS.jsonBodyBytes): Promise<Buffer> {
    this.refuseDeclaredOver(limit);
    const chunks: Uint8Array[] = [];
    let over = false;
    for await (const chunk of this.stream()) {
      if (over) continue;
      chunks.push(chunk);
      if (this.bytesRead > limit) {
        over = true;
        chunks.length = 0;
      }
    }
    if (over) throw tooLarge(limit);
    return Buffer.concat(chunks);
  }

  async text(limit?: number): Promise<string> {
    return (await this.bytes(limit)).toString("utf8");
  }

  /** Parses a JSON body; an empty body counts as `{}` (clients send none on some POSTs). */
  async json(limit?: number): Promise<unknown> {
    const text = await this.text(limit);
    if (text.trim() === "") return {};
    try {
      return JSON.parse(text);
    } catch {
      throw badRequest("Request body is not valid JSON", "InvalidJson");
    }
  }

  /**
   * The body's lines (split on `\n`, decoded as UTF-8), streamed: at most `maxLine` bytes per
   * line and `limit` bytes in all, so a huge NDJSON body is never held whole.
   */
  async *lines(maxLine: number, limit: number): AsyncIterable<string> {
    this.refuseDeclaredOver(limit);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for await (const chunk of this.stream()) {
      if (this.bytesRead > limit) throw tooLarge(limit);
      let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10)) {
        pending.push(buf.subarray(0, nl));
        yield Buffer.concat(pending).toString("utf8");
        pending = [];
        pendingBytes = 0;
        buf = buf.subarray(nl + 1);
      }
      pendingBytes += buf.byteLength;
      if (pendingBytes > maxLine) throw tooLarge(maxLine);
      // Copy: the chunk's memory may be reused by the stream.
      if (buf.byteLength) pending.push(Buffer.from(buf));
    }
    if (pending.length) yield Buffer.concat(pending).toString("utf8");
  }

  private refuseDeclaredOver(limit: number): void {
    const declared = Number(this.request.headers.get("content-length") ?? "0");
    if (declared > limit) throw tooLarge(limit);
  }

  /** Drains an unread body so the connection can be reused. */
  async drain(): Promise<void> {
    if (this.used) return;
    for await (const _ of this.stream()) {
      // discard
    }
  }
}
