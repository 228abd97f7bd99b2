// The browser build's client-transport.ts (ADR 0017): every attempt goes through the
// platform's fetch (or the one given to createHubClient). There is no undici, no node:http
// bulk path and no proxy setting in a page: the browser owns connections and proxies.
import type * as Node from "./client-transport.js";
import { nodeOnlyError } from "./node-only.js";
import { fetchTransport } from "./transport.js";
import type { BodyPayload, Next, PreparedRequest } from "./types.js";

/**
 * Chromium sends a streamed request body only over HTTP/2 or QUIC, and never with a known
 * length, which presigned storage PUTs need: a stream or async iterable is gathered into a Blob
 * first (one LFS part or one small file at a time, never a whole multipart upload).
 */
async function withBlobBody(request: PreparedRequest): Promise<PreparedRequest> {
  if (!request.body) return request;
  const payload: BodyPayload = request.body();
  let blob: Blob | undefined;
  if (payload instanceof ReadableStream) blob = await new Response(payload).blob();
  else if (typeof payload === "object" && payload !== null && Symbol.asyncIterator in payload) {
    const parts: Uint8Array[] = [];
    for await (const chunk of payload as AsyncIterable<Uint8Array>) parts.push(chunk);
    blob = new Blob(parts as unknown as ConstructorParameters<typeof Blob>[0]);
  }
  const body = blob ?? payload;
  return { ...request, body: () => body, replayable: true };
}

export const createTransport: typeof Node.createTransport = (options) => {
  if (options.dispatcher) {
    throw nodeOnlyError(
      "dispatcher",
      "an undici dispatcher",
      "leave it out: the browser's fetch manages connections",
    );
  }
  const send: Next = async ({ request }) => {
    if (request.file) {
      throw nodeOnlyError(
        "body.file",
        "sending a file by path",
        "send a Blob, a File or bytes with body.binary",
      );
    }
    // Looked up per call, so a page (or a test) that replaces fetch later is heard.
    return fetchTransport(
      await withBlobBody(request),
      options.fetch ?? globalThis.fetch.bind(globalThis),
      undefined,
    );
  };
  return { send, close: async () => {} };
};
