/** One request the emulator served, for wire-level assertions in tests. */
export interface RequestLogEntry {
  /** When it was answered (ISO, from the emulator's clock). */
  time: string;
  method: string;
  /** The full URL, query included. */
  url: string;
  /** Lower-case header names; the `authorization` value is replaced by `[redacted]`. */
  headers: Record<string, string>;
  hasAuthorization: boolean;
  /** Request body bytes received (the declared Content-Length when the body was not read). */
  bodyBytes: number;
  /** Response status; 0 when the connection was reset by an injected fault. */
  status: number;
}

export function logEntry(request: Request, bodyBytes: number, status: number, time: number): RequestLogEntry {
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers)
    headers[name] = name === "authorization" ? "[redacted]" : value;
  return {
    time: new Date(time).toISOString(),
    method: request.method,
    url: request.url,
    headers,
    hasAuthorization: request.headers.has("authorization"),
    bodyBytes,
    status,
  };
}

/**
 * One line of `--request-log FILE` (and of the admin route's log): what happened, never a
 * credential. The query string is left out, since presigned storage URLs carry a signature there.
 */
export interface RequestLogLine {
  time: string;
  method: string;
  /** URL path, without the query string. */
  path: string;
  status: number;
  /** Request body bytes received. */
  bytes: number;
  /** Whether an `Authorization` header was sent (its value is never recorded). */
  authorization: boolean;
  userAgent: string | null;
}

/** The `--request-log` line for a request-log entry (what `onRequest` listeners receive). */
export function requestLogLine(entry: RequestLogEntry): RequestLogLine {
  return {
    time: entry.time,
    method: entry.method,
    path: new URL(entry.url).pathname,
    status: entry.status,
    bytes: entry.bodyBytes,
    authorization: entry.hasAuthorization,
    userAgent: entry.headers["user-agent"] ?? null,
  };
}
