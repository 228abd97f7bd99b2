import type { XetHasher } from "./hash.js";
import { decodeLz4Frame, XetFormatError } from "./lz4.js";

/**
 * Xorb chunks (hub-docs `docs/xet/xorb.md`): an 8-byte header (version 0, 3-byte LE compressed
 * size, compression scheme, 3-byte LE uncompressed size) followed by the compressed bytes.
 */
export const CHUNK_HEADER_SIZE = 8;
/** A chunk holds at most 128 KiB (xet-core `MAX_CHUNK_SIZE`, twice the 64 KiB target). */
export const MAX_CHUNK_SIZE = 128 * 1024;
/** xet-core refuses compressed payloads over twice the maximum chunk size. */
const MAX_COMPRESSED_SIZE = 2 * MAX_CHUNK_SIZE;

export const Compression = { None: 0, LZ4: 1, ByteGrouping4LZ4: 2 } as const;

export interface ChunkHeader {
  compressedSize: number;
  scheme: number;
  rawSize: number;
}

export function parseChunkHeader(bytes: Uint8Array, at: number): ChunkHeader {
  const version = bytes[at]!;
  if (version !== 0) throw new XetFormatError(`Unsupported chunk header version ${version} (expected 0)`);
  const compressedSize = bytes[at + 1]! | (bytes[at + 2]! << 8) | (bytes[at + 3]! << 16);
  const scheme = bytes[at + 4]!;
  const rawSize = bytes[at + 5]! | (bytes[at + 6]! << 8) | (bytes[at + 7]! << 16);
  if (scheme > 2) throw new XetFormatError(`Unknown chunk compression scheme ${scheme}`);
  if (rawSize === 0) throw new XetFormatError("Empty chunk");
  if (rawSize > MAX_CHUNK_SIZE)
    throw new XetFormatError(`Chunk of ${rawSize} bytes exceeds the 128 KiB maximum`);
  if (compressedSize > MAX_COMPRESSED_SIZE)
    throw new XetFormatError(`Compressed chunk of ${compressedSize} bytes exceeds the 256 KiB maximum`);
  if (scheme === Compression.None && compressedSize !== rawSize)
    throw new XetFormatError("Uncompressed chunk whose stored size differs from its raw size");
  return { compressedSize, scheme, rawSize };
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Byte grouping 4 undone: the stored bytes are four groups (byte 0 of every 4-byte word, then
 * byte 1, ...), the first `n % 4` groups one byte longer (hub-docs `xorb.md`, ByteGrouping4LZ4).
 */
function ungroup(grouped: Uint8Array, into?: Uint8Array): Uint8Array {
  const n = grouped.byteLength;
  const out = into ? into.subarray(0, n) : new Uint8Array(n);
  const base = Math.floor(n / 4);
  const extra = n % 4;
  // Where each group starts: the first `extra` groups hold one byte more.
  const g1 = base + (extra > 0 ? 1 : 0);
  const g2 = g1 + base + (extra > 1 ? 1 : 0);
  const g3 = g2 + base + (extra > 2 ? 1 : 0);
  // Whole words in one sequential pass, as 32-bit stores on a little-endian machine (four
  // strided byte passes ran at ~160 MB/s here, this at ~450).
  if (LITTLE_ENDIAN) {
    const words = new Uint32Array(out.buffer, out.byteOffset, base);
    for (let j = 0; j < base; j++)
      words[j] = grouped[j]! | (grouped[g1 + j]! << 8) | (grouped[g2 + j]! << 16) | (grouped[g3 + j]! << 24);
  } else {
    for (let j = 0, o = 0; j < base; j++, o += 4) {
      out[o] = grouped[j]!;
      out[o + 1] = grouped[g1 + j]!;
      out[o + 2] = grouped[g2 + j]!;
      out[o + 3] = grouped[g3 + j]!;
    }
  }
  const starts = [0, g1, g2];
  for (let group = 0; group < extra; group++) out[4 * base + group] = grouped[starts[group]! + base]!;
  return out;
}

/**
 * Where `decodeRawChunk` may decode when its result is used at once: the joined payload of a
 * chunk that spans pieces, the LZ4 output, the ungrouped bytes. Allocating them per chunk
 * (zeroed, 64-256 KiB each) cost more than decoding a byte-grouped chunk (profiled).
 */
interface Scratch {
  joined: Uint8Array;
  decoded: Uint8Array;
  ungrouped: Uint8Array;
}

let scratch: Scratch | undefined;

/** The buffers a transient decode writes into, allocated by the first compressed chunk. */
function sharedScratch(): Scratch {
  scratch ??= {
    joined: new Uint8Array(MAX_COMPRESSED_SIZE),
    decoded: new Uint8Array(MAX_CHUNK_SIZE),
    ungrouped: new Uint8Array(MAX_CHUNK_SIZE),
  };
  return scratch;
}

/** The raw bytes of a chunk whose compressed payload is `data`, in `into` when given. */
function decodeChunk(header: ChunkHeader, data: Uint8Array, hasher: XetHasher, into?: Scratch): Uint8Array {
  if (header.scheme === Compression.None) return data;
  const xxh32 = (bytes: Uint8Array) => hasher.xxh32(bytes);
  const decoded = decodeLz4Frame(data, header.rawSize, xxh32, into?.decoded);
  return header.scheme === Compression.LZ4 ? decoded : ungroup(decoded, into?.ungrouped);
}

/**
 * The raw bytes of a chunk, in pieces: a stored (uncompressed) chunk as the views it arrived
 * in, so nothing is copied; a compressed one joined, then decoded. With `transient`, a
 * compressed chunk is decoded into buffers shared by every call: the result is only valid
 * until the next call (the xorb check hashes it at once; downloads keep theirs).
 */
export function decodeRawChunk(chunk: RawChunk, hasher: XetHasher, transient = false): readonly Uint8Array[] {
  if (chunk.header.scheme === Compression.None) return chunk.parts;
  const into = transient ? sharedScratch() : undefined;
  const data = chunk.parts.length === 1 ? chunk.parts[0]! : join(chunk.parts, into?.joined);
  return [decodeChunk(chunk.header, data, hasher, into)];
}

/** `parts` as one array, copied into `into` when given. */
function join(parts: readonly Uint8Array[], into: Uint8Array | undefined): Uint8Array {
  if (!into) return Buffer.concat(parts);
  let at = 0;
  for (const part of parts) {
    into.set(part, at);
    at += part.byteLength;
  }
  return into.subarray(0, at);
}

export interface RawChunk {
  header: ChunkHeader;
  /** Offset of the chunk's header from the start of the parsed stream. */
  offset: number;
  /**
   * The compressed payload, as views of the pieces it arrived in (one view unless it spans
   * pieces); the pieces pushed must not be changed afterwards.
   */
  parts: readonly Uint8Array[];
}

/**
 * Splits a byte stream into chunks as the bytes arrive, holding at most one chunk (and the
 * piece being read) in memory, so a 64 MiB xorb is verified without being buffered. Chunks are
 * views of the pushed pieces, never copies: a chunk that spans pieces comes as several views.
 */
export class ChunkReader {
  /** The start of a chunk not yet whole: views of the pieces it began in. */
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  /** The held chunk's header, once all 8 bytes of it are held. */
  private header: ChunkHeader | undefined;
  private consumed = 0;

  /** Bytes read so far. */
  get offset(): number {
    return this.consumed;
  }

  push(bytes: Uint8Array): RawChunk[] {
    const chunks: RawChunk[] = [];
    let at = 0;
    if (this.heldBytes > 0) {
      const header = this.heldHeader(bytes);
      const need = header ? CHUNK_HEADER_SIZE + header.compressedSize - this.heldBytes : Infinity;
      if (!header || bytes.byteLength < need) {
        this.hold(bytes);
        return chunks;
      }
      const parts = dropFront([...this.held, bytes.subarray(0, need)], CHUNK_HEADER_SIZE);
      chunks.push({ header, offset: this.consumed, parts });
      this.consumed += this.heldBytes + need;
      this.held = [];
      this.heldBytes = 0;
      this.header = undefined;
      at = need;
    }
    while (bytes.byteLength - at >= CHUNK_HEADER_SIZE) {
      const header = parseChunkHeader(bytes, at);
      const end = at + CHUNK_HEADER_SIZE + header.compressedSize;
      if (end > bytes.byteLength) break;
      chunks.push({ header, offset: this.consumed, parts: [bytes.subarray(at + CHUNK_HEADER_SIZE, end)] });
      this.consumed += end - at;
      at = end;
    }
    if (at < bytes.byteLength) this.hold(bytes.subarray(at));
    return chunks;
  }

  /** Throws when the stream stopped in the middle of a chunk. */
  end(): void {
    if (this.heldBytes) throw new XetFormatError("The data ends in the middle of a chunk");
  }

  private hold(bytes: Uint8Array): void {
    if (bytes.byteLength === 0) return;
    this.held.push(bytes);
    this.heldBytes += bytes.byteLength;
  }

  /** The held chunk's header, once the held bytes and `next` reach past it. */
  private heldHeader(next: Uint8Array): ChunkHeader | undefined {
    if (this.header) return this.header;
    if (this.heldBytes + next.byteLength < CHUNK_HEADER_SIZE) return undefined;
    const bytes = new Uint8Array(CHUNK_HEADER_SIZE);
    let filled = 0;
    for (let i = 0; filled < CHUNK_HEADER_SIZE; i++) {
      const piece = i < this.held.length ? this.held[i]! : next;
      const n = Math.min(piece.byteLength, CHUNK_HEADER_SIZE - filled);
      bytes.set(piece.subarray(0, n), filled);
      filled += n;
    }
    this.header = parseChunkHeader(bytes, 0);
    return this.header;
  }
}

/** `parts` without their first `n` bytes. */
function dropFront(parts: Uint8Array[], n: number): Uint8Array[] {
  let left = n;
  while (left > 0 && parts.length > 0) {
    const first = parts[0]!;
    if (first.byteLength <= left) {
      left -= first.byteLength;
      parts.shift();
    } else {
      parts[0] = first.subarray(left);
      left = 0;
    }
  }
  return parts;
}
