import { bufferedBodies } from "./buffered-body.js";

/**
 * Releases a response body we will not read, without waiting: cancelling a body that was
 * tee'd (msw clones every mocked response) only settles once every branch is cancelled, so
 * awaiting it can hang forever. A body the transport already read whole holds no socket, so
 * there is nothing to release: asking a `LightResponse` for its `body` would only make a web
 * stream, and the first one loads Node's web streams (~8 ms of CPU in the middle of a 32 MiB
 * LFS upload whose PUT, completion and verify answers are all dropped; issue 19).
 */
export function discardBody(response: Response): void {
  if (!bufferedBodies.has(response)) response.body?.cancel().catch(() => {});
}
