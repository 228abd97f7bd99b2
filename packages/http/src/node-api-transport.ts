import { once } from "node:events";
import type { Agent, ClientRequest, IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { bufferedBodies } from "./buffered-body.js";
import { LightResponse } from "./light-response.js";
// Called through the module objects, as node:http users do, so that a library that patches
// them (nock, msw's interceptors) sees these requests too.
import { nodeHttp, nodeHttps, nodeZlib } from "./node-builtins.js";
import { hasNullBody, toHeaderRecord, toWebHeaders } from "./node-headers.js";
import { followRedirects, REDIRECT_STATUSES } from "./transport.js";
import type { BodyPayload, PreparedRequest } from "./types.js";

/**
 * Answers node:http serves: read whole, or (`stream`) handed on as they arrive. `none` is read
 * whole too (a small JSON the caller drops, or an error's text for its message), which drains
 * the socket so the keep-alive agent reuses it.
 */
const SERVED = new Set<PreparedRequest["responseType"]>(["json", "text", "bytes", "stream", "none"]);

/** Whether node:http can send to this URL at all (http or https). */
function overHttp(request: PreparedRequest): boolean {
  const { protocol } = request.url;
  return protocol === "http:" || protocol === "https:";
}

/**
 * What both keep-alive node:http paths ask first: an idempotent request (a stale keep-alive
 * socket then costs a retry, never a lost or doubled write) to an http(s) URL.
 */
function idempotentOverHttp(request: PreparedRequest): boolean {
  return request.idempotent && overHttp(request);
}

/**
 * Whether a call can take node:http instead of the platform's fetch: an idempotent request
 * (a stale keep-alive socket then costs a retry, never a lost write), whose answer is read
 * whole (JSON, text, bytes, or a HEAD) or streamed (a small file's download; large ones are
 * `bulk` and go through undici), over http(s), without a progress callback. For the small
 * files of a snapshot, fetch cost 0.18 s of a 1.2 s 100-file snapshot (profiled) and undici
 * 0.13 s more just to load.
 */
export function fitsNodeApiTransport(request: PreparedRequest): boolean {
  return (
    idempotentOverHttp(request) &&
    (request.method === "HEAD" || SERVED.has(request.responseType)) &&
    request.onUploadProgress === undefined
  );
}

/**
 * Whether a bulk upload can take node:http too: an idempotent body sent from memory (not a file,
 * which has its own transport) whose small answer is read whole, such as a Xet xorb or shard.
 * undici then need not be loaded for it: its first load cost 100–300 ms of CPU in the middle of
 * a 32 MiB Xet upload (profiled), and node:http sends bulk bodies as fast (perf-limits.md).
 * Upload progress is counted by the body itself (`withProgress`), whatever the transport.
 */
export function fitsNodeBulkUpload(request: PreparedRequest): boolean {
  return (
    idempotentOverHttp(request) &&
    request.body !== null &&
    request.file === undefined &&
    (request.method === "POST" || request.method === "PUT") &&
    (request.responseType === "json" || request.responseType === "text")
  );
}

/**
 * Whether a non-idempotent call read whole (a commit's NDJSON POST) can take node:http too, on
 * a connection of its own that nothing reuses (ADR 0002): never a keep-alive socket the server
 * may have closed meanwhile, and it goes out once (the retry middleware repeats only idempotent
 * calls). It spares loading the platform fetch for the last call of an upload (profiled: its
 * first call cost more CPU than the commit itself on a 32 MiB upload).
 */
export function fitsNodeOneShot(request: PreparedRequest): boolean {
  return (
    !request.idempotent &&
    overHttp(request) &&
    SERVED.has(request.responseType) &&
    request.responseType !== "stream" &&
    request.file === undefined &&
    request.onUploadProgress === undefined
  );
}

// What fetch adds when the caller did not (Node 20's fetch, captured on a socket), so the
// Hub sees the same request whichever transport sent it.
const FETCH_DEFAULTS: readonly [string, string][] = [
  ["accept", "*/*"],
  ["accept-encoding", "gzip, deflate"],
];

/** undici's default headers and body timeouts (what fetch waits before giving up on a silent server). */
const IDLE_TIMEOUT_MS = 300_000;

/** Decodes `Content-Encoding` as fetch does; an unknown coding leaves the bytes as they came. */
function decode(bytes: Buffer, contentEncoding: string | undefined): Buffer {
  if (!contentEncoding || bytes.byteLength === 0) return bytes;
  const codings = contentEncoding
    .toLowerCase()
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "" && c !== "identity")
    .reverse();
  const known = new Set(["gzip", "x-gzip", "deflate", "br"]);
  if (!codings.every((c) => known.has(c))) return bytes;
  // Lenient like fetch: a body cut after its last complete block still decodes.
  const { brotliDecompressSync, constants, gunzipSync, inflateRawSync, inflateSync } = nodeZlib();
  const lenient = { finishFlush: constants.Z_SYNC_FLUSH };
  let out = bytes;
  for (const coding of codings) {
    if (coding === "br") out = brotliDecompressSync(out);
    else if (coding === "deflate") {
      // "deflate" is zlib-wrapped by the spec, raw by some servers: the first byte tells.
      out = (out[0]! & 0x0f) === 8 ? inflateSync(out, lenient) : inflateRawSync(out, lenient);
    } else out = gunzipSync(out, lenient);
  }
  return out;
}

async function writeBody(outgoing: ClientRequest, payload: BodyPayload | null) {
  if (payload === null) return outgoing.end();
  if (typeof payload === "string" || payload instanceof Uint8Array) return outgoing.end(payload);
  if (payload instanceof URLSearchParams) return outgoing.end(payload.toString());
  const source = (payload instanceof Blob ? payload.stream() : payload) as AsyncIterable<Uint8Array>;
  for await (const chunk of source) {
    if (!outgoing.write(chunk)) await once(outgoing, "drain");
  }
  outgoing.end();
}

/**
 * An answer's bytes, read whole through its `data` and `end` events. The file PUTs read theirs
 * this way too, not through the message's async iterator: in a fresh process that iterator's
 * machinery is compiled for the PUT answers alone (~1 ms of CPU for the first two, issue 19),
 * while these events are already warm from the calls before. A message closed before its end
 * (a reset mid-body) fails as fetch reports it ("terminated"), with a retryable code.
 */
export function readWhole(incoming: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("error", reject);
    incoming.on("close", () => {
      if (!incoming.complete)
        reject(Object.assign(new Error("the answer was cut short"), { code: "ECONNRESET" }));
    });
    incoming.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

/** An answer read whole, as a `LightResponse` whose bytes the seam reads (and drops) directly. */
export function toResponse(incoming: IncomingMessage, bytes: Buffer, method: string, url: URL): Response {
  const status = incoming.statusCode ?? 0;
  const body = hasNullBody(method, status) ? null : decode(bytes, incoming.headers["content-encoding"]);
  // Not the platform's Response, whose first use loads fetch (light-headers.ts). It carries
  // the URL it answered, as fetch's does (the seam resolves `Link` against it).
  const response = new LightResponse(body, {
    status,
    statusText: incoming.statusMessage ?? "",
    headers: toWebHeaders(incoming.headers),
    url: url.href,
  });
  // The seam reads JSON and text from this buffer rather than back through the Response's stream.
  if (body) bufferedBodies.set(response, body);
  return response;
}

/**
 * Whether the answer is handed on as a stream: asked for one, with a body that is neither
 * a redirect about to be followed (read whole and dropped) nor encoded (decoded whole, as
 * fetch would; a download asks for `identity` anyway).
 */
function streams(request: PreparedRequest, method: string, incoming: IncomingMessage): boolean {
  const status = incoming.statusCode ?? 0;
  const encoding = incoming.headers["content-encoding"];
  return (
    request.responseType === "stream" &&
    !hasNullBody(method, status) &&
    !(
      request.redirect === "follow" &&
      REDIRECT_STATUSES.has(status) &&
      incoming.headers.location !== undefined
    ) &&
    (encoding === undefined || encoding.toLowerCase() === "identity")
  );
}

/**
 * A Response whose body reads `incoming` as it arrives. Cancelling the reader destroys the
 * message (and its socket); a message closed before its end errors the stream (a premature
 * close), as fetch reports a cut body, so the caller can resume.
 */
function streamedResponse(incoming: IncomingMessage, url: URL): Response {
  return new LightResponse(incoming as AsyncIterable<Uint8Array>, {
    status: incoming.statusCode ?? 0,
    statusText: incoming.statusMessage ?? "",
    headers: toWebHeaders(incoming.headers),
    url: url.href,
  });
}

/**
 * Sends one small API attempt through node:http(s) on the client's keep-alive agents and reads
 * its answer whole: per call about half the CPU of the platform's fetch, whose web streams,
 * Request/Response objects and per-call AbortSignal dominate a small JSON GET (profiled). It
 * follows redirects like the fetch path (`followRedirects`) and sends what fetch would.
 */
export function nodeApiTransport(
  request: PreparedRequest,
  agents: { http: Agent; https: Agent },
): Promise<Response> {
  return followRedirects(request, (url, method, headers, makeBody) => {
    const out: OutgoingHttpHeaders = toHeaderRecord(headers);
    for (const [key, value] of FETCH_DEFAULTS) out[key] ??= value;
    const payload = makeBody ? makeBody() : null;
    if (out["content-length"] === undefined) {
      if (payload !== null && request.contentLength !== undefined)
        out["content-length"] = String(request.contentLength);
      else if (payload === null && (method === "POST" || method === "PUT")) out["content-length"] = "0";
    }
    const secure = url.protocol === "https:";
    const send = secure ? nodeHttps().request : nodeHttp().request;
    return new Promise<Response>((resolve, reject) => {
      const outgoing = send(
        url,
        {
          method,
          headers: out,
          agent: secure ? agents.https : agents.http,
          timeout: IDLE_TIMEOUT_MS,
          ...(request.signal ? { signal: request.signal } : {}),
        },
        (incoming) => {
          if (streams(request, method, incoming)) {
            resolve(streamedResponse(incoming, url));
            return;
          }
          readWhole(incoming)
            .then((bytes) => toResponse(incoming, bytes, method, url))
            .then(resolve, reject);
        },
      );
      outgoing.on("error", reject);
      outgoing.on("timeout", () => {
        const error = new Error(`no data from ${url.host} for ${IDLE_TIMEOUT_MS / 1000} s`);
        outgoing.destroy(Object.assign(error, { code: "ETIMEDOUT" }));
      });
      writeBody(outgoing, payload).catch((error) => {
        outgoing.destroy(error);
        reject(error);
      });
    });
  });
}
