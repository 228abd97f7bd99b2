/**
 * `response` as in-process callers receive it: a body chunk that is a view of shared memory
 * is copied. The memory storage holds uploads in SharedArrayBuffers (see storage/memory.ts),
 * and some APIs refuse views of those (`crypto.subtle.digest`); over node:http they only
 * reach the socket, so that mount passes them on as they are.
 */
export function unsharedResponse(response: Response): Response {
  if (!response.body) return response;
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        controller.enqueue(chunk.buffer instanceof SharedArrayBuffer ? chunk.slice() : chunk);
      },
    }),
  );
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
