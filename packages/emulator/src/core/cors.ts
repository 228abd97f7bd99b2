// CORS as the Hub answers it, on both origins, so that a page served from anywhere can talk to
// the emulator (issue 21). The exposed headers are the Hub's list (hub-protocol.md §2, from
// captured answers) plus what downloads and the LFS storage need a page to read:
// `X-Linked-Size`/`X-Linked-Etag` (file metadata of LFS files), `Content-Length`, and the part
// `ETag` of multipart uploads (S3 exposes it for browser uploads).

export const EXPOSED_HEADERS = [
  "X-Repo-Commit",
  "X-Request-Id",
  "X-Error-Code",
  "X-Error-Message",
  "X-Total-Count",
  "X-Linked-Size",
  "X-Linked-Etag",
  "ETag",
  "Link",
  "Accept-Ranges",
  "Content-Range",
  "Content-Length",
  "Location",
  "X-Xet-Access-Token",
  "X-Xet-Token-Expiration",
  "X-Xet-Refresh-Route",
  "X-Xet-Cas-Url",
  "X-Xet-Hash",
].join(", ");

const ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
// Without a requested list, the headers hfkit and the official clients send.
const DEFAULT_ALLOWED_HEADERS =
  "Authorization, Content-Type, Content-Length, Range, X-Request-Id, X-Xet-Hash, User-Agent";

/** A preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`. */
export function isPreflight(request: Request): boolean {
  return (
    request.method.toUpperCase() === "OPTIONS" &&
    request.headers.has("origin") &&
    request.headers.has("access-control-request-method")
  );
}

/** The answer to a preflight: every method, the requested headers, cached for a day. */
export function preflightResponse(request: Request): Response {
  const headers = new Headers({
    "access-control-allow-origin": request.headers.get("origin") ?? "*",
    "access-control-allow-methods": ALLOWED_METHODS,
    "access-control-allow-headers":
      request.headers.get("access-control-request-headers") ?? DEFAULT_ALLOWED_HEADERS,
    "access-control-allow-credentials": "true",
    "access-control-max-age": "86400",
    vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
  });
  return new Response(null, { status: 204, headers });
}

/** Adds the CORS headers of an actual request's answer (only when the request had an `Origin`). */
export function addCorsHeaders(request: Request, response: Response): void {
  const origin = request.headers.get("origin");
  // Response.error() (an injected reset) has immutable headers and reaches no page anyway.
  if (origin === null || response.type === "error") return;
  response.headers.set("access-control-allow-origin", origin);
  response.headers.set("access-control-allow-credentials", "true");
  response.headers.set("access-control-expose-headers", EXPOSED_HEADERS);
  response.headers.append("vary", "Origin");
}
