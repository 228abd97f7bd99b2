import { LightHeaders } from "./light-headers.js";

/**
 * What the three Node transports (node:http for files and small calls, undici.request for bulk
 * bodies) share when they turn their answers into the web `Response` the seam expects.
 */

/** A request's headers as node:http and undici take them. */
export function toHeaderRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

/** An answer's headers, as node:http and undici give them, as web `Headers` (repeated ones appended). */
export function toWebHeaders(incoming: Readonly<Record<string, string | string[] | undefined>>): Headers {
  const headers = new LightHeaders();
  for (const [key, value] of Object.entries(incoming)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  return headers;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** Whether an answer has no body by the HTTP rules (a `Response` refuses one for these statuses). */
export function hasNullBody(method: string, status: number): boolean {
  return method === "HEAD" || NULL_BODY_STATUSES.has(status);
}
