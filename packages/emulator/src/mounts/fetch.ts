import { unsharedResponse } from "./unshared.js";

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function networkError(message: string): TypeError {
  return new TypeError("fetch failed", { cause: new Error(message) });
}

/**
 * A `fetch` that never leaves the process: requests to the two emulator origins go to
 * `handle`. Redirects are followed as WHATWG fetch does it, including dropping
 * `Authorization` on a cross-origin hop (the Hub → storage redirect of LFS downloads).
 */
export function createInProcessFetch(
  handle: (request: Request) => Promise<Response>,
  origins: readonly string[],
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    let request = new Request(input, init);
    let redirected = false;
    for (let hop = 0; hop <= 20; hop++) {
      const url = new URL(request.url);
      if (!origins.includes(url.origin)) {
        throw networkError(
          `the in-process emulator fetch only serves ${origins.join(" and ")}, not ${url.origin}`,
        );
      }
      request.signal.throwIfAborted();
      const handled = await handle(request);
      if (handled.type === "error")
        throw networkError("ECONNRESET: connection reset (fault injected by the emulator)");
      const response = unsharedResponse(handled);
      const location = response.headers.get("location");
      if (!REDIRECTS.has(response.status) || !location || request.redirect === "manual") {
        Object.defineProperty(response, "url", { value: request.url });
        Object.defineProperty(response, "redirected", { value: redirected });
        return response;
      }
      if (request.redirect === "error") throw networkError(`redirect to ${location} with redirect: "error"`);
      const next = new URL(location, request.url);
      const headers = new Headers(request.headers);
      if (next.origin !== url.origin) headers.delete("authorization");
      const keepMethod =
        response.status === 307 ||
        response.status === 308 ||
        request.method === "GET" ||
        request.method === "HEAD";
      request = new Request(next, {
        method: keepMethod ? request.method : "GET",
        headers,
        signal: request.signal,
        redirect: request.redirect,
      });
      redirected = true;
    }
    throw networkError("too many redirects");
  };
}
