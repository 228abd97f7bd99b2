import type { Dispatcher } from "undici";
import { discardBody } from "./discard.js";
import { copyHeaders } from "./prepare.js";
import type { BodyPayload, PreparedRequest } from "./types.js";

type FetchBody = NonNullable<RequestInit["body"]>;

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** fetch takes web streams; turn any other async iterable into one. */
function toFetchBody(payload: BodyPayload | null): FetchBody | null {
  if (payload === null) return null;
  if (typeof ReadableStream !== "undefined" && payload instanceof ReadableStream) return payload;
  if (isAsyncIterable(payload)) return ReadableStream.from(payload) as ReadableStream<Uint8Array>;
  return payload as FetchBody;
}

function isStream(body: FetchBody | null): boolean {
  return typeof ReadableStream !== "undefined" && body instanceof ReadableStream;
}

/** One hop of an attempt: sends `method url` with these headers and a fresh body from `makeBody`. */
export type Hop = (
  url: URL,
  method: string,
  headers: Headers,
  makeBody: (() => BodyPayload) | null,
) => Promise<Response>;

/**
 * Sends one attempt hop by hop, following redirects itself so that it decides who receives
 * `Authorization`: a hop to another origin (a CDN, presigned storage) never does.
 */
export async function followRedirects(request: PreparedRequest, hop: Hop): Promise<Response> {
  let url = request.url;
  let method: string = request.method;
  const headers = copyHeaders(request.headers);
  let makeBody = request.body;
  for (let hops = 0; ; hops++) {
    const response = await hop(url, method, headers, makeBody);
    const location = response.headers.get("location");
    if (request.redirect === "manual" || !REDIRECT_STATUSES.has(response.status) || !location)
      return response;
    if (hops >= MAX_REDIRECTS) return response;
    const next = new URL(location, url);
    const keepsBody = response.status === 307 || response.status === 308;
    if (keepsBody && makeBody && !request.replayable) return response; // cannot re-send a one-shot body
    discardBody(response);
    if (next.origin !== url.origin) headers.delete("authorization");
    if (!keepsBody && method !== "GET" && method !== "HEAD") {
      method = "GET";
      makeBody = null;
      headers.delete("content-type");
      headers.delete("content-length");
    }
    url = next;
  }
}

/** Sends one attempt through `fetch`, following redirects as `followRedirects` says. */
export function fetchTransport(
  request: PreparedRequest,
  fetchImpl: FetchLike,
  dispatcher: Dispatcher | undefined,
): Promise<Response> {
  return followRedirects(request, async (url, method, headers, makeBody) => {
    const body = toFetchBody(makeBody ? makeBody() : null);
    if (isStream(body) && request.contentLength !== undefined && !headers.has("content-length")) {
      // A stream without a length goes out chunked, which presigned S3 PUTs reject. Only
      // streams: fetch sets the length of bytes itself, and a second one fails the request.
      headers.set("content-length", String(request.contentLength));
    }
    // Typed loosely: Node's RequestInit names its bundled undici's Dispatcher, not the package's.
    const init: Omit<RequestInit, "dispatcher"> & { duplex?: "half"; dispatcher?: unknown } = {
      method,
      headers,
      body,
      redirect: "manual",
      signal: request.signal ?? null,
    };
    if (isStream(body)) init.duplex = "half";
    if (dispatcher) init.dispatcher = dispatcher;
    const response = await fetchImpl(url, init as RequestInit);
    if (response.type === "opaqueredirect") {
      // Browsers hide manual redirects; let the platform follow (it drops Authorization cross-origin).
      return fetchImpl(url, {
        ...init,
        body: toFetchBody(makeBody ? makeBody() : null),
        redirect: "follow",
      } as RequestInit);
    }
    return response;
  });
}
