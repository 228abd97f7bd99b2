import type { BlobStorage } from "../storage/types.js";
import { ChunkReader, decodeRawChunk } from "./chunks.js";
import type { XetHasher } from "./hash.js";
import { XetFormatError } from "./lz4.js";
import { chunkOffset, type XorbIndex } from "./xorb.js";

/**
 * File reconstruction (hub-docs `docs/xet/file-reconstruction.md`, `download-protocol.md`): a
 * file is the concatenation of its terms, each a chunk range `[start, end)` of one xorb.
 */
export interface Term {
  /** Xorb hash, string form. */
  xorb: string;
  start: number;
  end: number;
  /** Uncompressed bytes of the range. */
  length: number;
}

/** Terms from their stored form (`[xorb, start, end, length]`). */
export function termsOf(records: ReadonlyArray<readonly [string, number, number, number]>): Term[] {
  return records.map(([xorb, start, end, length]) => ({ xorb, start, end, length }));
}

export interface Plan {
  /** Bytes to skip in the first term's data to reach the range start. */
  offset: number;
  terms: Term[];
  /** Bytes of the answer (the range length, clamped to the file). */
  length: number;
}

/**
 * The terms covering bytes `[start, end]` (inclusive, `end` clamped to the file) of a file,
 * the first and last trimmed to the chunks the range needs, as the Hub's CAS answers range
 * reconstructions.
 */
export async function planRange(
  terms: readonly Term[],
  size: number,
  range: { start: number; end: number },
  indexOf: (xorb: string) => Promise<XorbIndex>,
): Promise<Plan> {
  const end = Math.min(range.end, size - 1);
  const out: Term[] = [];
  let offset = 0;
  let position = 0;
  for (const term of terms) {
    const termEnd = position + term.length;
    if (termEnd > range.start && position <= end) {
      const index = await indexOf(term.xorb);
      let first = term.start;
      let at = position;
      // Drop whole chunks before the range start (first term only)...
      while (out.length === 0 && at + index.chunks[first]!.size <= range.start)
        at += index.chunks[first++]!.size;
      if (out.length === 0) offset = range.start - at;
      // ...and after the range end.
      let last = first;
      let length = 0;
      while (last < term.end && at + length <= end) length += index.chunks[last++]!.size;
      out.push({ xorb: term.xorb, start: first, end: last, length });
    }
    position = termEnd;
    if (position > end) break;
  }
  return { offset, terms: out, length: end - range.start + 1 };
}

/** For each xorb, its needed chunk ranges merged where they touch or overlap, in order. */
export function mergeRanges(terms: readonly Term[]): Map<string, Array<{ start: number; end: number }>> {
  const byXorb = new Map<string, Array<{ start: number; end: number }>>();
  for (const term of terms) {
    const list = byXorb.get(term.xorb) ?? [];
    list.push({ start: term.start, end: term.end });
    byXorb.set(term.xorb, list);
  }
  for (const [xorb, list] of byXorb) {
    list.sort((a, b) => a.start - b.start);
    const merged: Array<{ start: number; end: number }> = [];
    for (const range of list) {
      const previous = merged.at(-1);
      if (previous && range.start <= previous.end) previous.end = Math.max(previous.end, range.end);
      else merged.push({ ...range });
    }
    byXorb.set(xorb, merged);
  }
  return byXorb;
}

/** The serialized byte range (inclusive end) holding chunks `[start, end)`. */
export function byteRange(index: XorbIndex, start: number, end: number): { start: number; end: number } {
  return { start: chunkOffset(index, start), end: chunkOffset(index, end) - 1 };
}

/** The uncompressed bytes of chunks `[start, end)` of a stored xorb, a chunk (or a piece of one) at a time. */
export async function* termBytes(
  storage: BlobStorage,
  hasher: XetHasher,
  term: Term,
  index: XorbIndex,
): AsyncIterable<Uint8Array> {
  const reader = new ChunkReader();
  const stream = storage.read(`xorb/${term.xorb}`, byteRange(index, term.start, term.end));
  for await (const piece of stream as unknown as AsyncIterable<Uint8Array>) {
    for (const chunk of reader.push(piece)) yield* decodeRawChunk(chunk, hasher);
  }
  reader.end();
}

/** Streams a plan's bytes: the terms in order, `offset` skipped, cut at `length`. */
export async function* reconstruct(
  storage: BlobStorage,
  hasher: XetHasher,
  plan: Plan,
  indexOf: (xorb: string) => Promise<XorbIndex>,
): AsyncIterable<Uint8Array> {
  let skip = plan.offset;
  let left = plan.length;
  for (const term of plan.terms) {
    let produced = 0;
    for await (let bytes of termBytes(storage, hasher, term, await indexOf(term.xorb))) {
      produced += bytes.byteLength;
      if (skip >= bytes.byteLength) {
        skip -= bytes.byteLength;
        continue;
      }
      bytes = bytes.subarray(skip, skip + left);
      skip = 0;
      left -= bytes.byteLength;
      yield bytes;
      if (left === 0) return;
    }
    if (produced !== term.length)
      throw new XetFormatError(`Term of xorb ${term.xorb} decoded to ${produced} bytes, not ${term.length}`);
  }
}
