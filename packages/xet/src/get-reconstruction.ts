import { InvalidInputError } from "@hfkit/http";
import type { CasClient } from "./cas-client.js";
import { ReconstructionV1Wire, ReconstructionV2Wire } from "./wire/cas.js";

/** Chunks `[chunkStart, chunkEnd)` of a xorb, held in bytes `[byteStart, byteEnd]` (inclusive) of its object. */
export interface XorbByteRange {
  chunkStart: number;
  chunkEnd: number;
  byteStart: number;
  byteEnd: number;
}

/** One request that fetches ranges of one xorb: a signed URL and the ranges it allows. */
export interface XorbFetch {
  url: string;
  ranges: XorbByteRange[];
}

export interface ReconstructionTerm {
  /** The xorb hash, string form. */
  xorbHash: string;
  chunkStart: number;
  chunkEnd: number;
  /** Bytes of the term once decoded. */
  size: number;
}

/** How to rebuild a file (or a byte range of it) from xorb ranges. */
export interface Reconstruction {
  /** Bytes to skip in the first term's output (non-zero for ranges starting inside a chunk). */
  offsetIntoFirstRange: number;
  terms: ReconstructionTerm[];
  /** By xorb hash: the fetches that cover the terms' chunks. */
  fetches: Map<string, XorbFetch[]>;
}

export interface GetReconstructionOptions {
  /** The Xet file hash, string form. */
  fileHash: string;
  /** Bytes `[start, end)` of the file only. */
  range?: { start: number; end: number };
  signal?: AbortSignal;
}

/**
 * `GET /v2/reconstructions/{file}` (hub-docs api.md), falling back to the deprecated
 * `/v1/reconstructions/{file}` when v2 answers 404 or 501, as the spec says clients should.
 * Both answers come back in one shape.
 */
export async function getReconstruction(
  cas: CasClient,
  options: GetReconstructionOptions,
): Promise<Reconstruction> {
  const { range } = options;
  if (
    range &&
    !(
      Number.isSafeInteger(range.start) &&
      Number.isSafeInteger(range.end) &&
      range.start >= 0 &&
      range.end > range.start
    )
  ) {
    throw new InvalidInputError(`range: [${range.start}, ${range.end}) is not a non-empty byte range.`, {
      field: "range",
    });
  }
  const headers = range ? { range: `bytes=${range.start}-${range.end - 1}` } : undefined;
  const v2 = await cas.request({
    path: `/v2/reconstructions/${options.fileHash}`,
    headers,
    schema: ReconstructionV2Wire.nullable(),
    okStatuses: [404, 501],
    signal: options.signal,
    operation: "getReconstruction",
  });
  if (v2.status !== 404 && v2.status !== 501 && v2.data) {
    const fetches = new Map<string, XorbFetch[]>();
    for (const [xorb, entries] of Object.entries(v2.data.xorbs)) {
      fetches.set(
        xorb,
        entries.map((entry) => ({
          url: entry.url,
          ranges: entry.ranges.map((r) => ({
            chunkStart: r.chunks.start,
            chunkEnd: r.chunks.end,
            byteStart: r.bytes.start,
            byteEnd: r.bytes.end,
          })),
        })),
      );
    }
    return { offsetIntoFirstRange: v2.data.offset_into_first_range, terms: terms(v2.data.terms), fetches };
  }
  const { data } = await cas.request({
    path: `/v1/reconstructions/${options.fileHash}`,
    headers,
    schema: ReconstructionV1Wire,
    signal: options.signal,
    operation: "getReconstruction",
  });
  const fetches = new Map<string, XorbFetch[]>();
  for (const [xorb, entries] of Object.entries(data.fetch_info)) {
    // v1 gives one URL per range.
    fetches.set(
      xorb,
      entries.map((entry) => ({
        url: entry.url,
        ranges: [
          {
            chunkStart: entry.range.start,
            chunkEnd: entry.range.end,
            byteStart: entry.url_range.start,
            byteEnd: entry.url_range.end,
          },
        ],
      })),
    );
  }
  return { offsetIntoFirstRange: data.offset_into_first_range, terms: terms(data.terms), fetches };
}

function terms(wire: { hash: string; unpacked_length: number; range: { start: number; end: number } }[]) {
  return wire.map((t) => ({
    xorbHash: t.hash,
    chunkStart: t.range.start,
    chunkEnd: t.range.end,
    size: t.unpacked_length,
  }));
}
