// A small test-only Xet encoder: LZ4 frames, byte grouping, xorbs and shards written from the
// format documents (hub-docs docs/xet/xorb.md, shard.md; lz4 lz4_Frame_format.md), so tests
// can build valid objects and then break exactly one thing. Hashes come from the emulator's
// XetHasher, itself checked against xet-core's reference values (src/xet/hash.test.ts).
import { createHash } from "node:crypto";
import { type Hash, hashToHex, hexToHash, type XetHasher } from "../../src/xet/hash.js";

export type Scheme = 0 | 1 | 2;

// --- LZ4 -------------------------------------------------------------------------------------

function pushLength(out: number[], n: number): void {
  let left = n - 15;
  while (left >= 255) {
    out.push(255);
    left -= 255;
  }
  out.push(left);
}

function sequence(out: number[], literals: Uint8Array, offset: number, matchLength: number): void {
  const litToken = Math.min(literals.length, 15);
  const matchToken = offset ? Math.min(matchLength - 4, 15) : 0;
  out.push((litToken << 4) | matchToken);
  if (literals.length >= 15) pushLength(out, literals.length);
  for (const b of literals) out.push(b);
  if (!offset) return;
  out.push(offset & 0xff, offset >>> 8);
  if (matchLength - 4 >= 15) pushLength(out, matchLength - 4);
}

/** A greedy LZ4 block compressor (4-byte hash table, overlapping matches allowed). */
export function lz4Block(src: Uint8Array): Uint8Array {
  const out: number[] = [];
  const table = new Map<number, number>();
  const word = (i: number) => src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24);
  const lastMatchStart = src.length - 12; // the format's end-of-block rules
  let anchor = 0;
  let i = 0;
  while (i < lastMatchStart) {
    const key = word(i);
    const ref = table.get(key);
    table.set(key, i);
    if (ref !== undefined && i - ref <= 65535) {
      let length = 4;
      while (i + length < src.length - 5 && src[ref + length] === src[i + length]) length++;
      sequence(out, src.subarray(anchor, i), i - ref, length);
      i += length;
      anchor = i;
    } else i++;
  }
  sequence(out, src.subarray(anchor), 0, 0);
  return Uint8Array.from(out);
}

export interface FrameOptions {
  contentSize?: boolean;
  contentChecksum?: boolean;
  blockChecksum?: boolean;
}

/** An LZ4 frame of independent 64 KiB blocks (stored raw when compression does not help). */
export function lz4Frame(data: Uint8Array, hasher: XetHasher, options: FrameOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const u32 = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n >>> 0, true);
    return b;
  };
  const flags =
    0x40 |
    0x20 |
    (options.blockChecksum ? 0x10 : 0) |
    (options.contentSize ? 0x08 : 0) |
    (options.contentChecksum ? 0x04 : 0);
  const descriptor = [flags, 0x40];
  if (options.contentSize) {
    const size = new Uint8Array(8);
    new DataView(size.buffer).setBigUint64(0, BigInt(data.length), true);
    descriptor.push(...size);
  }
  const hc = (hasher.xxh32(Uint8Array.from(descriptor)) >>> 8) & 0xff;
  parts.push(u32(0x184d2204), Uint8Array.from([...descriptor, hc]));
  for (let at = 0; at < data.length; at += 65536) {
    const raw = data.subarray(at, at + 65536);
    const packed = lz4Block(raw);
    const stored = packed.length >= raw.length;
    const block = stored ? raw : packed;
    parts.push(u32(block.length | (stored ? 0x80000000 : 0)), block);
    if (options.blockChecksum) parts.push(u32(hasher.xxh32(block)));
  }
  parts.push(u32(0));
  if (options.contentChecksum) parts.push(u32(hasher.xxh32(data)));
  return Buffer.concat(parts);
}

/** Byte grouping 4: byte 0 of every 4-byte word first, then byte 1, ... */
export function group4(data: Uint8Array): Uint8Array {
  const groups: number[][] = [[], [], [], []];
  for (const [i, b] of data.entries()) groups[i % 4]!.push(b);
  return Uint8Array.from(groups.flat());
}

// --- Xorbs -----------------------------------------------------------------------------------

export interface ChunkSpec {
  raw: Uint8Array;
  scheme?: Scheme;
  frame?: FrameOptions;
}

export interface Xorb {
  bytes: Uint8Array;
  hash: string;
  chunks: Array<{ hash: Hash; size: number }>;
}

export function chunkHeader(compressed: number, scheme: number, raw: number, version = 0): Uint8Array {
  return Uint8Array.from([
    version,
    compressed & 0xff,
    (compressed >>> 8) & 0xff,
    compressed >>> 16,
    scheme,
    raw & 0xff,
    (raw >>> 8) & 0xff,
    raw >>> 16,
  ]);
}

export function encodeChunk(spec: ChunkSpec, hasher: XetHasher): Uint8Array {
  const scheme = spec.scheme ?? 0;
  const payload =
    scheme === 0
      ? spec.raw
      : lz4Frame(scheme === 2 ? group4(spec.raw) : spec.raw, hasher, spec.frame ?? { contentChecksum: true });
  return Buffer.concat([chunkHeader(payload.length, scheme, spec.raw.length), payload]);
}

export function buildXorb(specs: readonly ChunkSpec[], hasher: XetHasher): Xorb {
  const chunks = specs.map((s) => ({ hash: hasher.chunkHash(s.raw), size: s.raw.length }));
  return {
    bytes: Buffer.concat(specs.map((s) => encodeChunk(s, hasher))),
    hash: hashToHex(hasher.xorbHash(chunks)),
    chunks,
  };
}

/** Cuts `data` into fixed-size chunks (the emulator does not care how clients cut them). */
export function cut(data: Uint8Array, size = 64 * 1024, scheme: Scheme = 0): ChunkSpec[] {
  const out: ChunkSpec[] = [];
  for (let at = 0; at < data.length; at += size) out.push({ raw: data.subarray(at, at + size), scheme });
  return out;
}

// --- Shards ----------------------------------------------------------------------------------

export interface TermSpec {
  xorb: Xorb;
  start: number;
  end: number;
}

export interface FileSpec {
  terms: TermSpec[];
  /** Defaults: the real file hash, verification hashes and SHA-256 of the bytes. */
  hash?: string;
  sha256?: string | null;
  verification?: Hash[] | null;
}

const TAG = Uint8Array.from([
  72, 70, 82, 101, 112, 111, 77, 101, 116, 97, 68, 97, 116, 97, 0, 85, 105, 103, 69, 106, 123, 129, 87, 131,
  165, 189, 217, 92, 205, 209, 74, 169,
]);

function entry(hash: Hash, words: readonly number[]): Uint8Array {
  const out = new Uint8Array(48);
  out.set(hash, 0);
  const view = new DataView(out.buffer);
  for (const [i, w] of words.entries()) view.setUint32(32 + 4 * i, w >>> 0, true);
  return out;
}

const bookend = () => {
  const out = new Uint8Array(48);
  out.fill(0xff, 0, 32);
  return out;
};

export function fileHashOf(file: FileSpec, hasher: XetHasher): string {
  return hashToHex(hasher.fileHash(file.terms.flatMap((t) => t.xorb.chunks.slice(t.start, t.end))));
}

export function buildShard(
  files: ReadonlyArray<FileSpec & { bytes: Uint8Array }>,
  xorbs: readonly Xorb[],
  hasher: XetHasher,
  options: { footer?: boolean } = {},
): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const file of files) {
    const verification =
      file.verification === undefined
        ? file.terms.map((t) =>
            hasher.verificationHash(t.xorb.chunks.slice(t.start, t.end).map((c) => c.hash)),
          )
        : file.verification;
    const sha256 =
      file.sha256 === undefined ? createHash("sha256").update(file.bytes).digest("hex") : file.sha256;
    const flags = (verification ? 0x80000000 : 0) | (sha256 ? 0x40000000 : 0);
    parts.push(entry(hexToHash(file.hash ?? fileHashOf(file, hasher)), [flags, file.terms.length]));
    for (const t of file.terms) {
      const length = t.xorb.chunks.slice(t.start, t.end).reduce((n, c) => n + c.size, 0);
      parts.push(entry(hexToHash(t.xorb.hash), [0, length, t.start, t.end]));
    }
    for (const v of verification ?? []) parts.push(entry(v, []));
    if (sha256) parts.push(entry(hexToHash(sha256), []));
  }
  parts.push(bookend());
  const casOffset = 48 + parts.reduce((n, p) => n + p.length, 0);
  for (const xorb of xorbs) {
    const raw = xorb.chunks.reduce((n, c) => n + c.size, 0);
    parts.push(entry(hexToHash(xorb.hash), [0, xorb.chunks.length, raw, xorb.bytes.length]));
    let start = 0;
    for (const c of xorb.chunks) {
      parts.push(entry(c.hash, [start, c.size]));
      start += c.size;
    }
  }
  parts.push(bookend());
  const header = new Uint8Array(48);
  header.set(TAG, 0);
  const view = new DataView(header.buffer);
  view.setBigUint64(32, 2n, true);
  view.setBigUint64(40, options.footer ? 200n : 0n, true);
  const body = Buffer.concat([header, ...parts]);
  if (!options.footer) return body;
  const footer = new Uint8Array(200);
  const fv = new DataView(footer.buffer);
  fv.setBigUint64(0, 1n, true);
  fv.setBigUint64(8, 48n, true);
  fv.setBigUint64(16, BigInt(casOffset), true);
  fv.setBigUint64(192, BigInt(body.length), true);
  return Buffer.concat([body, footer]);
}
