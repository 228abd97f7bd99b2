import { type HubClient, HubError, InvalidResponseError } from "@hfkit/http";
import type { XorbByteRange } from "./get-reconstruction.js";

export interface FetchXorbRangesOptions {
  /** The signed URL from the reconstruction. */
  url: string;
  /** The ranges to fetch, ascending, as the reconstruction lists them. */
  ranges: readonly XorbByteRange[];
  signal?: AbortSignal;
}

/** A body read that breaks mid-way (a reset connection) is tried again this many times in all. */
const ATTEMPTS = 3;

/**
 * Fetches byte ranges of a xorb with one multi-range `GET` on its signed URL (hub-docs
 * download-protocol.md): `Range: bytes=a-b,c-d`, answered by one part or a
 * `multipart/byteranges` body. The URL carries its own signature: no token goes with it, the
 * CAS token no more than the Hub's. Returns each range's bytes, in order.
 */
export async function fetchXorbRanges(
  client: HubClient,
  options: FetchXorbRangesOptions,
): Promise<Uint8Array[]> {
  const { ranges } = options;
  if (ranges.length === 0) return [];
  const header = `bytes=${ranges.map((r) => `${r.byteStart}-${r.byteEnd}`).join(",")}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await client.request({
        url: options.url,
        headers: { range: header },
        responseType: "bytes",
        auth: false,
        bulk: true,
        signal: options.signal,
        operation: "fetchXorbRanges",
      });
      return splitRanges(response.status, response.headers, response.data, ranges, response.url);
    } catch (error) {
      options.signal?.throwIfAborted();
      // The seam retries failed exchanges; a body that breaks while being read surfaces here.
      const broken = !HubError.isInstance(error) || error.code === "NETWORK_ERROR";
      if (!broken || attempt >= ATTEMPTS) throw error;
    }
  }
}

function invalid(url: string, message: string): InvalidResponseError {
  return new InvalidResponseError(`Unexpected xorb download from ${url}: ${message}`, {
    url,
  });
}

function splitRanges(
  status: number,
  headers: Headers,
  body: Uint8Array,
  ranges: readonly XorbByteRange[],
  url: string,
): Uint8Array[] {
  const type = headers.get("content-type") ?? "";
  const boundary = /multipart\/byteranges;.*boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (status === 206 && boundary) {
    const parts = parseMultipart(body, boundary, url);
    return ranges.map((r) => {
      const part = parts.find((p) => p.start <= r.byteStart && p.end >= r.byteEnd);
      if (!part) throw invalid(url, `no part holds bytes ${r.byteStart}-${r.byteEnd}`);
      return part.data.subarray(r.byteStart - part.start, r.byteEnd - part.start + 1);
    });
  }
  // One part: the whole object (200), or one range, maybe coalesced from several (206).
  let start = 0;
  if (status === 206) {
    const match = /bytes (\d+)-(\d+)/.exec(headers.get("content-range") ?? "");
    if (!match) throw invalid(url, "a 206 answer without Content-Range");
    start = Number(match[1]);
  }
  return ranges.map((r) => {
    if (r.byteStart < start || r.byteEnd - start + 1 > body.byteLength) {
      throw invalid(url, `bytes ${r.byteStart}-${r.byteEnd} are not in the answer`);
    }
    return body.subarray(r.byteStart - start, r.byteEnd - start + 1);
  });
}

/** Parts of a `multipart/byteranges` body, each sized by its own Content-Range. */
function parseMultipart(body: Uint8Array, boundary: string, url: string) {
  const text = (from: number, to: number) =>
    Buffer.from(body.buffer, body.byteOffset + from, to - from).toString("latin1");
  const delimiter = Buffer.from(`--${boundary}`, "latin1");
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const parts: { start: number; end: number; data: Uint8Array }[] = [];
  let at = buffer.indexOf(delimiter);
  while (at >= 0) {
    at += delimiter.byteLength;
    if (buffer[at] === 0x2d && buffer[at + 1] === 0x2d) break; // closing "--boundary--"
    const headersEnd = buffer.indexOf("\r\n\r\n", at, "latin1");
    if (headersEnd < 0) throw invalid(url, "a multipart part without headers");
    const match = /content-range:\s*bytes (\d+)-(\d+)/i.exec(text(at, headersEnd));
    if (!match) throw invalid(url, "a multipart part without Content-Range");
    const start = Number(match[1]);
    const end = Number(match[2]);
    const dataStart = headersEnd + 4;
    const dataEnd = dataStart + (end - start + 1);
    if (dataEnd > body.byteLength) throw invalid(url, "a truncated multipart part");
    parts.push({ start, end, data: body.subarray(dataStart, dataEnd) });
    at = buffer.indexOf(delimiter, dataEnd);
  }
  return parts;
}
