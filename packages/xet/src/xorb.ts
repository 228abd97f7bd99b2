import { bg4Recommended, bg4RegroupInto, bg4Split } from "./bg4.js";
import { MAX_CHUNK_SIZE, MAX_XORB_BYTES, MAX_XORB_CHUNKS } from "./constants.js";
import type { XetHash } from "./hash.js";
import {
  LZ4_END_MARK,
  LZ4_FRAME_OVERHEAD,
  lz4CompressBlock,
  lz4DecompressFrameInto,
  lz4FrameHeader,
} from "./lz4.js";

// A xorb is a run of chunks, each an 8-byte header (version 0, 3-byte LE compressed size,
// compression scheme, 3-byte LE raw size) and its payload (hub-docs xorb.md). What we upload
// has no footer: the spec's format is the chunks alone. Xorbs written by xet-core carry a
// footer after the last chunk ("XETBLOB"…); readers here stop after the chunks they need.

export const CHUNK_HEADER_BYTES = 8;

export type CompressionScheme = "none" | "lz4" | "bg4-lz4";
const SCHEME_CODES: Record<CompressionScheme, number> = { none: 0, lz4: 1, "bg4-lz4": 2 };
const SCHEMES: readonly CompressionScheme[] = ["none", "lz4", "bg4-lz4"];

/** How chunks are compressed: `auto` predicts per chunk whether BG4 helps (as xet-core does). */
export type CompressionChoice = CompressionScheme | "auto";

export class XorbFormatError extends Error {
  override readonly name = "XorbFormatError";
}

/** A chunk ready for a xorb: its 8-byte header and its payload, in parts (not copied together). */
export interface EncodedChunk {
  header: Uint8Array;
  parts: Uint8Array[];
  /** Header plus payload. */
  byteLength: number;
}

/**
 * Encodes a chunk for a xorb: the payload compressed with the chosen scheme, or stored raw
 * when compressing does not make it smaller (hub-docs xorb.md). The parts may be views of
 * `data`: write them out before `data` changes.
 */
export function encodeChunk(data: Uint8Array, choice: CompressionChoice = "auto"): EncodedChunk {
  if (data.byteLength > MAX_CHUNK_SIZE) {
    throw new RangeError(`a chunk holds at most ${MAX_CHUNK_SIZE} bytes, not ${data.byteLength}`);
  }
  let scheme: CompressionScheme = choice === "auto" ? (bg4Recommended(data) ? "bg4-lz4" : "lz4") : choice;
  if (choice === "auto" && looksIncompressible(data, scheme)) scheme = "none";
  let parts: Uint8Array[] = [data];
  let payload = data.byteLength;
  const block =
    scheme !== "none" && data.byteLength > LZ4_FRAME_OVERHEAD
      ? lz4CompressBlock(scheme === "bg4-lz4" ? bg4Split(data) : data)
      : undefined;
  if (block && block.byteLength + LZ4_FRAME_OVERHEAD < data.byteLength) {
    parts = [lz4FrameHeader(block.byteLength), block, LZ4_END_MARK];
    payload = block.byteLength + LZ4_FRAME_OVERHEAD;
  } else {
    scheme = "none";
  }
  const header = new Uint8Array(CHUNK_HEADER_BYTES);
  writeU24(header, 1, payload);
  header[4] = SCHEME_CODES[scheme];
  writeU24(header, 5, data.byteLength);
  return { header, parts, byteLength: CHUNK_HEADER_BYTES + payload };
}

const PROBE = 4096;

/**
 * Compresses 4 KiB from the middle of the chunk first: when that saves under 3%, the whole
 * chunk is stored raw without trying. Random or already-compressed data (most of a large
 * upload, often) then costs nothing here; the choice only changes the ratio, never the bytes.
 */
function looksIncompressible(data: Uint8Array, scheme: CompressionScheme): boolean {
  if (data.byteLength < 4 * PROBE) return false;
  const start = ((data.byteLength - PROBE) >> 3) << 2;
  const probe = data.subarray(start, start + PROBE);
  const block = lz4CompressBlock(scheme === "bg4-lz4" ? bg4Split(probe) : probe);
  return block === undefined || block.byteLength > PROBE * 0.97;
}

/** A chunk as it sits in a xorb, header and payload in one fresh buffer. */
export function serializeChunk(data: Uint8Array, choice: CompressionChoice = "auto"): Uint8Array {
  const encoded = encodeChunk(data, choice);
  const out = new Uint8Array(encoded.byteLength);
  out.set(encoded.header, 0);
  let at = CHUNK_HEADER_BYTES;
  for (const part of encoded.parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

function writeU24(out: Uint8Array, at: number, value: number): void {
  out[at] = value & 0xff;
  out[at + 1] = (value >>> 8) & 0xff;
  out[at + 2] = (value >>> 16) & 0xff;
}

function readU24(bytes: Uint8Array, at: number): number {
  return (bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16);
}

export interface ChunkHeader {
  compressedSize: number;
  scheme: CompressionScheme;
  size: number;
}

export function parseChunkHeader(bytes: Uint8Array, at: number): ChunkHeader {
  if (at + CHUNK_HEADER_BYTES > bytes.byteLength) throw new XorbFormatError("truncated chunk header");
  const version = bytes[at] as number;
  if (version !== 0) throw new XorbFormatError(`unknown chunk header version ${version}`);
  const code = bytes[at + 4] as number;
  const scheme = SCHEMES[code];
  if (scheme === undefined) throw new XorbFormatError(`unknown chunk compression scheme ${code}`);
  const size = readU24(bytes, at + 5);
  const compressedSize = readU24(bytes, at + 1);
  if (size > MAX_CHUNK_SIZE || compressedSize > 2 * MAX_CHUNK_SIZE) {
    throw new XorbFormatError(`chunk header announces ${size} bytes (at most ${MAX_CHUNK_SIZE})`);
  }
  return { compressedSize, scheme, size };
}

/** Decodes one chunk's payload into `out` at `offset`. */
export function decodeChunkInto(
  header: ChunkHeader,
  payload: Uint8Array,
  out: Uint8Array,
  offset: number,
): void {
  if (header.scheme === "none") {
    if (payload.byteLength !== header.size) throw new XorbFormatError("stored chunk size mismatch");
    out.set(payload, offset);
  } else if (header.scheme === "lz4") {
    lz4DecompressFrameInto(payload, out, offset, header.size);
  } else {
    const grouped = new Uint8Array(header.size);
    lz4DecompressFrameInto(payload, grouped, 0, header.size);
    bg4RegroupInto(grouped, out, offset);
  }
}

/**
 * Reads `count` chunks (or all, to the end) from serialized xorb bytes, as one buffer of
 * their raw bytes and the offset of each chunk in it (with the total at the end).
 */
export function decodeXorbChunks(
  bytes: Uint8Array,
  count = Number.POSITIVE_INFINITY,
): { data: Uint8Array; offsets: number[]; consumed: number } {
  const headers: { header: ChunkHeader; at: number }[] = [];
  let at = 0;
  let total = 0;
  while (headers.length < count && at < bytes.byteLength) {
    // A xet-core footer starts with "XETBLOB": no more chunks.
    if (count === Number.POSITIVE_INFINITY && bytes[at] === 0x58) break;
    const header = parseChunkHeader(bytes, at);
    if (at + CHUNK_HEADER_BYTES + header.compressedSize > bytes.byteLength) {
      throw new XorbFormatError("truncated chunk payload");
    }
    headers.push({ header, at });
    total += header.size;
    at += CHUNK_HEADER_BYTES + header.compressedSize;
  }
  if (count !== Number.POSITIVE_INFINITY && headers.length < count) {
    throw new XorbFormatError(`expected ${count} chunks, found ${headers.length}`);
  }
  const data = new Uint8Array(total);
  const offsets: number[] = [0];
  let offset = 0;
  for (const { header, at: start } of headers) {
    const payload = bytes.subarray(
      start + CHUNK_HEADER_BYTES,
      start + CHUNK_HEADER_BYTES + header.compressedSize,
    );
    decodeChunkInto(header, payload, data, offset);
    offset += header.size;
    offsets.push(offset);
  }
  return { data, offsets, consumed: at };
}

/** One chunk of a xorb being built. */
export interface XorbChunk {
  hash: XetHash;
  size: number;
}

/** A finished xorb: its chunks, its serialized bytes (as slabs) and their total length. */
export interface BuiltXorb {
  chunks: XorbChunk[];
  pieces: Uint8Array[];
  byteLength: number;
  rawLength: number;
  /** The whole slabs behind `pieces`: hand them back to the pool once the xorb is sent. */
  slabs: Uint8Array[];
}

/**
 * Reuses xorb slabs: on this VM, writing into freshly allocated memory ran at 0.1–0.5 GB/s
 * (page faults) against 4–12 GB/s into reused buffers, and was the largest cost of an upload.
 */
export class SlabPool {
  private readonly free: Uint8Array[] = [];
  constructor(private readonly keep: number) {}
  /**
   * A slab of at least `size` bytes: a free one whenever `size` is at most {@link SLAB}, else
   * fresh memory of exactly `size`. A xorb's first (small) slab and its last (the rest up to the
   * xorb's limit) were always fresh: ~4 MiB of new memory per 64 MiB xorb, whose page faults and
   * the garbage collections V8 ran for its external memory cost more than the unused bytes of a
   * reused slab (issue 19).
   */
  take(size: number): Uint8Array {
    if (size <= SLAB) {
      const slab = this.free.pop();
      if (slab) return slab;
    }
    return new Uint8Array(size);
  }
  give(slabs: readonly Uint8Array[]): void {
    for (const slab of slabs)
      if (slab.byteLength === SLAB && this.free.length < this.keep) this.free.push(slab);
  }
}

/**
 * Bytes are written into slabs of this size: a xorb goes out as a few large writes (one
 * buffer per chunk made ~4,000 small socket writes per xorb, the largest cost of an upload),
 * and no chunk keeps a reference into a reused read buffer.
 */
export const SLAB = 4 << 20;
const FIRST_SLAB = 256 << 10;

/**
 * An empty list made for objects: V8 makes `[]` a list of small integers, and the optimised
 * `write` was thrown away when each new xorb's first slab went in ("not a Smi", issue 19).
 */
function list<T>(): T[] {
  const made: unknown[] = [null];
  made.length = 0;
  return made as T[];
}

/**
 * Collects encoded chunks until the next would break a limit: 64 MiB serialized (the CAS
 * refuses more), 64 MiB raw (xet-core's own bound) or 8,192 chunks (hub-docs deduplication.md).
 */
export class XorbBuilder {
  constructor(private readonly pool: SlabPool = new SlabPool(0)) {}

  chunks: XorbChunk[] = list();
  private slabs: Uint8Array[] = list();
  private used = 0;
  byteLength = 0;
  rawLength = 0;

  get count(): number {
    return this.chunks.length;
  }

  fits(serialized: number, raw: number): boolean {
    return (
      this.chunks.length < MAX_XORB_CHUNKS &&
      this.byteLength + serialized <= MAX_XORB_BYTES &&
      this.rawLength + raw <= MAX_XORB_BYTES
    );
  }

  /** Adds a chunk (from {@link encodeChunk}, or bytes from {@link serializeChunk}); returns its index. */
  add(hash: XetHash, size: number, chunk: EncodedChunk | Uint8Array): number {
    if (chunk instanceof Uint8Array) {
      this.write(chunk);
    } else {
      this.write(chunk.header);
      for (const part of chunk.parts) this.write(part);
    }
    this.chunks.push({ hash, size });
    this.rawLength += size;
    return this.chunks.length - 1;
  }

  private write(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.byteLength) {
      let slab = this.slabs[this.slabs.length - 1];
      if (!slab || this.used === slab.byteLength) {
        // Small first (a xorb of one small file), then SLAB; never past the xorb's limit.
        const size = Math.min(this.slabs.length === 0 ? FIRST_SLAB : SLAB, MAX_XORB_BYTES - this.byteLength);
        slab = this.pool.take(Math.max(size, bytes.byteLength - at));
        this.slabs.push(slab);
        this.used = 0;
      }
      const n = Math.min(bytes.byteLength - at, slab.byteLength - this.used);
      slab.set(bytes.subarray(at, at + n), this.used);
      this.used += n;
      at += n;
      this.byteLength += n;
    }
  }

  take(): BuiltXorb {
    const last = this.slabs.length - 1;
    const built = {
      chunks: this.chunks,
      pieces: this.slabs.map((slab, i) => (i === last ? slab.subarray(0, this.used) : slab)),
      byteLength: this.byteLength,
      rawLength: this.rawLength,
      slabs: this.slabs,
    };
    this.chunks = list();
    this.slabs = list();
    this.used = 0;
    this.byteLength = 0;
    this.rawLength = 0;
    return built;
  }
}
