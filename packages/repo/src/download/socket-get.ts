import { isIP, connect as netConnect, type OnReadOpts, type Socket } from "node:net";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";

/** One GET of a file's bytes from storage over hfkit's own socket (see `socketGet`). */
export interface SocketGetOptions {
  /** http: or https: URL of the storage object (never the Hub: no token is sent). */
  url: URL;
  /** First byte wanted (sent as `Range: bytes=<offset>-` when above 0). */
  offset: number;
  /** Bytes from `offset` to the end of the file (or of the range, with `closedRange`). */
  expected: number;
  /**
   * Ask for `expected` bytes only: `Range: bytes=<offset>-<offset + expected - 1>`, even from
   * byte 0 (a xorb range). Default: from `offset` to the end.
   */
  closedRange?: boolean;
  userAgent: string;
  signal?: AbortSignal | undefined;
  /**
   * Takes the next bytes of the body, in order, as a view of a buffer that is reused once the
   * returned promise settles: hash them before returning, and write them in the promise.
   * At most one promise is pending at a time.
   */
  consume(bytes: Buffer): Promise<void>;
  /** Idle time (connecting, headers, between reads) after which the attempt fails. */
  idleTimeoutMs?: number;
}

export interface SocketGetResult {
  /** Body bytes handed to `consume` (and whose writes have finished). */
  received: number;
  /**
   * Why the answer was left to the client's own path before any body byte was consumed: a
   * status, framing or header this minimal reader does not handle, or a connection that failed
   * before the body began. The caller then asks again through the client.
   */
  fallback?: string;
  /** The body broke off (or a write failed) after `received` bytes. */
  error?: unknown;
}

/** Reused receive buffers: two, so that one is written while the other fills (measured: README). */
const BUFFER_SIZE = 1 << 20;
/**
 * Receive buffers of finished GETs, for the next ones: a Xet download opens a socket per xorb
 * range (a 2 GiB file: ~50), and two fresh 1 MiB buffers each were ~25,000 page faults (the
 * kernel zeroes every page on first touch). At most `KEPT_BUFFERS` are kept.
 */
const freeBuffers: Buffer[] = [];
const KEPT_BUFFERS = 8;
/** A buffer with less room than this is handed on rather than read into again. */
const ROOM = 64 << 10;
const MAX_HEAD = 64 << 10;
/** undici's default headers and body timeouts, which today's path has. */
const IDLE_TIMEOUT_MS = 300_000;

/**
 * GETs `url` over a `net`/`tls` socket whose reads land in two reused 1 MiB buffers (the
 * socket's `onread` option), so a 1 GiB body allocates nothing per chunk: node:http and undici
 * hand each read on as a fresh buffer, and the garbage that made was what kept hfkit's
 * download behind curl's (packages/repo/README.md). The response framing is HTTP/1.1's, the
 * part a storage GET needs (RFC 9112): a status line, headers, then a body delimited by
 * `Content-Length` or chunked. Anything else (another status, a redirect, a compressed or
 * close-delimited body, a `Content-Range` that does not start at `offset`) is reported as a
 * `fallback` before any body byte is consumed. No token is ever sent on this socket.
 */
export function socketGet(options: SocketGetOptions): Promise<SocketGetResult> {
  const { url, signal } = options;
  const buffers = [
    freeBuffers.pop() ?? Buffer.allocUnsafe(BUFFER_SIZE),
    freeBuffers.pop() ?? Buffer.allocUnsafe(BUFFER_SIZE),
  ];
  const spare = Buffer.allocUnsafe(ROOM);
  let current = 0;
  /** Bytes held in `buffers[current]`: the response head while it arrives, then body bytes. */
  let fill = 0;
  let phase: "head" | "body" | "done" = "head";
  let paused = false;
  /**
   * Reads that arrive while paused. A TLS socket goes on handing over the records it has
   * already decrypted after the callback returned `false` (measured on Node 20: about one
   * 16 KiB record per pause), each in the spare buffer, which the next one reuses.
   */
  const held: Buffer[] = [];
  let received = 0;
  let writing: Promise<void> | undefined;
  let framing: BodyFraming | undefined;
  let settled = false;

  return new Promise<SocketGetResult>((resolve) => {
    const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
    // `[::1]` in a URL is `::1` to connect to (the brackets stay in the Host header).
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const onread: OnReadOpts = {
      // Reads go straight after the bytes already held. Node asks for the next buffer right
      // after each callback, before a pause ends: a paused socket gets a spare one, since the
      // place after the bytes held is in the buffer about to be written once the pause ends.
      buffer: () => (paused ? spare : (buffers[current] as Buffer).subarray(fill)),
      callback: (length: number, into: Uint8Array): boolean => {
        try {
          return onRead(length, into as Buffer);
        } catch (error) {
          finish(phase === "head" ? { fallback: String(error) } : { error });
          return false;
        }
      },
    };
    const socket: Socket =
      url.protocol === "https:"
        ? tlsConnect({
            host,
            port,
            servername: isIP(host) === 0 ? host : undefined,
            ALPNProtocols: ["http/1.1"],
            // Honoured by TLS sockets too (checked on Node 20: the callback gets the buffer given).
            onread,
          } as ConnectionOptions)
        : netConnect({ host, port, onread });
    const abort = () => finish({ error: signal?.reason });
    signal?.addEventListener("abort", abort, { once: true });
    socket.setTimeout(options.idleTimeoutMs ?? IDLE_TIMEOUT_MS, () =>
      fail(new Error(`no data from ${url.host} for ${(options.idleTimeoutMs ?? IDLE_TIMEOUT_MS) / 1000} s`)),
    );
    socket.on("error", (error) => fail(error));
    socket.on("end", () => fail(new Error("the connection closed before the end of the body")));
    socket.on("close", () => fail(new Error("the connection closed before the end of the body")));
    socket.once(url.protocol === "https:" ? "secureConnect" : "connect", () => {
      socket.write(
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: ${options.userAgent}\r\n` +
          `Accept-Encoding: identity\r\n${rangeHeader(options)}Connection: close\r\n\r\n`,
        "latin1",
      );
    });
    if (signal?.aborted) abort();

    function fail(error: unknown) {
      if (phase === "head" || received + fill === 0)
        finish({ fallback: String((error as Error)?.message ?? error) });
      else finish({ error });
    }

    /** Ends the attempt once: the bytes held are handed on (kept for a resume), then every write waited for. */
    function finish(outcome: { fallback?: string; error?: unknown }) {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", abort);
      socket.destroy();
      const hand = phase === "body" && fill > 0 && !signal?.aborted;
      phase = "done";
      void (async () => {
        let error = outcome.error;
        try {
          if (writing) await writing;
          if (hand) await handOn();
          if (writing) await writing;
        } catch (writeError) {
          error ??= writeError;
        }
        // Nothing reads them any more (every `consume` has settled): the next GET may.
        // (Last in, first out: the next GET reads into the same buffer first.)
        if (!writing)
          for (const buffer of [...buffers].reverse())
            if (freeBuffers.length < KEPT_BUFFERS) freeBuffers.push(buffer);
        if (outcome.fallback !== undefined && received === 0)
          resolve({ received, fallback: outcome.fallback });
        else resolve(error === undefined ? { received } : { received, error });
      })();
    }

    /** Hands the current buffer's bytes to `consume` and switches to the other buffer. */
    function handOn(): Promise<void> {
      const full = buffers[current] as Buffer;
      const bytes = full.subarray(0, fill);
      received += fill;
      current = 1 - current;
      fill = 0;
      writing = options.consume(bytes).finally(() => {
        writing = undefined;
      });
      return writing;
    }

    function onRead(length: number, into: Buffer): boolean {
      if (settled) return false;
      if (paused) {
        held.push(Buffer.from(into.subarray(0, length)));
        return false;
      }
      return accept(length, into);
    }

    /** After the write in flight: its buffer is free, the held reads go in, then the socket reads on. */
    function resumeAfterWrite(): void {
      if (settled) return;
      paused = false;
      handOn().catch((error: unknown) => finish({ error }));
      while (held.length > 0) {
        const read = held.shift() as Buffer;
        // false: the body is complete (or failed), or the buffer filled again and a new pause
        // waits for the write just started, with the reads still held
        if (!accept(read.byteLength, read)) return;
      }
      socket.resume();
    }

    /** Takes one read (in place, or copied to its place), returns whether to read on. */
    function accept(length: number, into: Buffer): boolean {
      const buffer = buffers[current] as Buffer;
      // After a pause the first read lands in the spare buffer: moved to its place.
      if (into.buffer !== buffer.buffer || into.byteOffset !== buffer.byteOffset + fill) {
        into.copy(buffer, fill, 0, length);
      }
      const start = fill;
      fill += length;
      if (phase === "head") {
        const end = buffer.indexOf("\r\n\r\n", 0, "latin1");
        if (end < 0) {
          if (fill > MAX_HEAD) finish({ fallback: "response head over 64 KiB" });
          return !settled;
        }
        const head = parseHead(buffer.toString("latin1", 0, end));
        const verdict = typeof head === "string" ? head : framingOf(head, options);
        if (typeof verdict === "string") {
          finish({ fallback: verdict });
          return false;
        }
        framing = verdict;
        phase = "body";
        buffer.copy(buffer, 0, end + 4, fill);
        fill -= end + 4;
        fill = verdict.take(buffer, 0, fill);
      } else {
        fill = (framing as BodyFraming).take(buffer, start, fill);
      }
      if ((framing as BodyFraming).complete) {
        finish({});
        return false;
      }
      if (fill <= BUFFER_SIZE - ROOM) return true;
      if (writing) {
        // Both buffers in use: stop reading until the write in flight ends (the socket's and
        // the kernel's buffers hold what the server sends meanwhile).
        paused = true;
        void writing.then(resumeAfterWrite, (error: unknown) => finish({ error }));
        return false;
      }
      handOn().catch((error: unknown) => finish({ error }));
      return true;
    }
  });
}

/** The Range header line asked for, if any (see `closedRange`). */
function rangeHeader({ offset, expected, closedRange }: SocketGetOptions): string {
  if (closedRange) return `Range: bytes=${offset}-${offset + expected - 1}\r\n`;
  return offset > 0 ? `Range: bytes=${offset}-\r\n` : "";
}

interface ResponseHead {
  status: number;
  headers: Map<string, string>;
}

/** Status line and headers (RFC 9112 §4, §5), or why this reader leaves the answer alone. */
function parseHead(text: string): ResponseHead | string {
  const lines = text.split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? "");
  if (!status) return `unexpected status line ${JSON.stringify((lines[0] ?? "").slice(0, 80))}`;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0 || line.startsWith(" ") || line.startsWith("\t")) return "malformed header line";
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    // A repeated framing header is ambiguous (request smuggling's raw material): not handled.
    if (
      headers.has(name) &&
      (name === "content-length" || name === "transfer-encoding" || name === "content-range")
    )
      return `repeated ${name}`;
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  return { status: Number(status[1]), headers };
}

/** Turns the bytes that arrive into body bytes, in place. */
interface BodyFraming {
  /** Keeps the body bytes of `buffer[from, to)` from `from` on; returns where they end. */
  take(buffer: Buffer, from: number, to: number): number;
  readonly complete: boolean;
}

function framingOf(head: ResponseHead, options: SocketGetOptions): BodyFraming | string {
  const { status, headers } = head;
  if (status !== 200 && status !== 206) return `status ${status}`;
  const encoding = headers.get("content-encoding");
  if (encoding !== undefined && encoding.toLowerCase() !== "identity") return `content-encoding ${encoding}`;
  let skip = 0;
  let length = options.expected;
  if (status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(headers.get("content-range") ?? "");
    if (!range || Number(range[1]) !== options.offset) return "a Content-Range other than the one asked for";
    length = Number(range[2]) - Number(range[1]) + 1;
    if (options.closedRange && length !== options.expected)
      return "a Content-Range other than the one asked for";
  } else if (options.closedRange) {
    // The whole object for a range: left to the client's path, which cuts it.
    return "status 200 for a range";
  } else if (options.offset > 0) {
    // A server that ignores Range sends the whole file: what we already have is skipped.
    skip = options.offset;
    length = options.offset + options.expected;
  }
  const transfer = headers.get("transfer-encoding");
  const declared = headers.get("content-length");
  let body: BodyFraming;
  if (transfer !== undefined) {
    if (transfer.toLowerCase() !== "chunked" || declared !== undefined)
      return `transfer-encoding ${transfer}`;
    body = chunked();
  } else if (declared !== undefined && /^\d+$/.test(declared)) {
    // A length other than the file's rest is left to the client's path, which reports it.
    if (Number(declared) !== length) return `Content-Length ${declared}, expected ${length}`;
    body = sized(length);
  } else {
    return "no Content-Length (a close-delimited body)";
  }
  return skip > 0 ? skipping(body, skip) : body;
}

function sized(length: number): BodyFraming {
  let left = length;
  return {
    take(_buffer, from, to) {
      const kept = Math.min(to - from, left);
      left -= kept;
      return from + kept; // bytes past the body (none on a Connection: close answer) are dropped
    },
    get complete() {
      return left === 0;
    },
  };
}

/** Drops the first `count` body bytes (a resume the server answered with the whole file). */
function skipping(inner: BodyFraming, count: number): BodyFraming {
  let left = count;
  return {
    take(buffer, from, to) {
      const end = inner.take(buffer, from, to);
      if (left === 0) return end;
      const dropped = Math.min(left, end - from);
      left -= dropped;
      buffer.copy(buffer, from, from + dropped, end);
      return end - dropped;
    },
    get complete() {
      return inner.complete;
    },
  };
}

const CR = 13;
const LF = 10;
const MAX_LINE = 4096;

/**
 * `Transfer-Encoding: chunked` (RFC 9112 §7.1): hex size lines (extensions ignored), data,
 * CRLF, then a zero-size chunk and trailers up to an empty line. Framing bytes are removed by
 * moving the rest of the read down.
 */
function chunked(): BodyFraming {
  let state: "size" | "data" | "data-end" | "trailer" | "done" = "size";
  let line = "";
  let left = 0;
  return {
    take(buffer, from, to) {
      let out = from;
      let at = from;
      while (at < to && state !== "done") {
        if (state === "data") {
          const n = Math.min(left, to - at);
          if (out !== at) buffer.copy(buffer, out, at, at + n);
          out += n;
          at += n;
          left -= n;
          if (left === 0) state = "data-end";
          continue;
        }
        const byte = buffer[at++] as number;
        if (byte !== LF) {
          if (byte !== CR) line += String.fromCharCode(byte);
          if (line.length > MAX_LINE) throw new Error("a chunk size or trailer line over 4 KiB");
          continue;
        }
        if (state === "data-end") {
          if (line !== "") throw new Error("chunk data longer than its size");
          state = "size";
        } else if (state === "size") {
          const size = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/.exec(line);
          if (!size) throw new Error(`malformed chunk size ${JSON.stringify(line.slice(0, 40))}`);
          left = Number.parseInt(size[1] as string, 16);
          state = left === 0 ? "trailer" : "data";
        } else if (line === "") {
          state = "done"; // the empty line after the trailers
        }
        line = "";
      }
      return out;
    },
    get complete() {
      return state === "done";
    },
  };
}
