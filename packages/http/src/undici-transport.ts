import type { Dispatcher } from "undici";
import { bufferedBodies } from "./buffered-body.js";
import type { PreparedRequest } from "./types.js";

/**
 * Sends one bulk attempt through `undici.request`, which moves large bodies about twice as
 * fast as fetch on Node (ADR 0002). Never follows redirects: storage URLs do not redirect.
 */
export async function undiciTransport(request: PreparedRequest, dispatcher: Dispatcher): Promise<Response> {
  const { request: undiciRequest } = await import("undici");
  const headers: Record<string, string> = {};
  request.headers.forEach((value, key) => {
    headers[key] = value;
  });
  let body = request.body ? request.body() : null;
  if (body !== null && request.contentLength !== undefined)
    headers["content-length"] = String(request.contentLength);
  if (typeof Blob !== "undefined" && body instanceof Blob) body = body.stream();
  if (body instanceof URLSearchParams) body = body.toString();
  const result = await undiciRequest(request.url, {
    method: request.method,
    headers,
    // undici accepts any async iterable of bytes; its types only list Readable.
    body: body as unknown as string | Uint8Array | null,
    dispatcher,
    signal: request.signal,
  });
  const responseHeaders = new Headers();
  for (const [key, value] of Object.entries(result.headers)) {
    if (Array.isArray(value)) for (const v of value) responseHeaders.append(key, v);
    else if (value !== undefined) responseHeaders.set(key, value);
  }
  const nullBody = request.method === "HEAD" || [101, 204, 205, 304].includes(result.statusCode);
  if (nullBody) {
    await result.body.dump();
    return new Response(null, { status: result.statusCode, headers: responseHeaders });
  }
  const bytes = new Uint8Array(await result.body.arrayBuffer());
  const response = new Response(bytes, { status: result.statusCode, headers: responseHeaders });
  bufferedBodies.set(response, bytes);
  return response;
}
