import { bg4Recommended, bg4RegroupInto, bg4Split } from "./bg4.js";
import { MAX_CHUNK_SIZE, MAX_XORB_BYTES, MAX_XORB_CHUNKS } from "./constants.js";
import type { XetHash } from "./hash.js";
import { LZ4_FRAME_OVERHEAD, lz4CompressFrame, lz4DecompressFrameInto } from "./lz4.js";

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

/**
 * A chunk as it sits in a xorb: header and payload, in one fresh buffer. The payload is
 * compressed with the chosen scheme, or stored raw when compressing does not make it smaller.
 */
export function serializeChunk(data: Uint8Array, choice: CompressionChoice = "auto"): Uint8Array {
  if (data.byteLength > MAX_CHUNK_SIZE) {
    throw new RangeError(`a chunk holds at most ${MAX_CHUNK_SIZE} bytes, not ${data.byteLength}`);
  }
  let scheme: CompressionScheme = choice === "auto" ? (bg4Recommended(data) ? "bg4-lz4" : "lz4") : choice;
  let payload: Uint8Array = data;
  if (scheme !== "none" && data.byteLength > LZ4_FRAME_OVERHEAD) {
    const compressed = lz4CompressFrame(scheme === "bg4-lz4" ? bg4Split(data) : data);
    if (compressed.byteLength < data.byteLength) payload = compressed;
    else scheme = "none";
  } else {
    scheme = "none";
  }
  const out = new Uint8Array(CHUNK_HEADER_BYTES + payload.byteLength);
  out[0] = 0;
  writeU24(out, 1, payload.byteLength);
  out[4] = SCHEME_CODES[scheme];
  writeU24(out, 5, data.byteLength);
  out.set(payload, CHUNK_HEADER_BYTES);
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

/** A finished xorb: its chunks, its serialized bytes (as pieces) and their total length. */
export interface BuiltXorb {
  chunks: XorbChunk[];
  pieces: Uint8Array[];
  byteLength: number;
  rawLength: number;
}

/**
 * Collects serialized chunks until the next would break a limit: 64 MiB serialized (the CAS
 * refuses more), 64 MiB raw (xet-core's own bound) or 8,192 chunks (hub-docs deduplication.md).
 */
export class XorbBuilder {
  chunks: XorbChunk[] = [];
  pieces: Uint8Array[] = [];
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

  /** Adds a chunk (its serialized form from {@link serializeChunk}); returns its index. */
  add(hash: XetHash, size: number, serialized: Uint8Array): number {
    this.chunks.push({ hash, size });
    this.pieces.push(serialized);
    this.byteLength += serialized.byteLength;
    this.rawLength += size;
    return this.chunks.length - 1;
  }

  take(): BuiltXorb {
    const built = {
      chunks: this.chunks,
      pieces: this.pieces,
      byteLength: this.byteLength,
      rawLength: this.rawLength,
    };
    this.chunks = [];
    this.pieces = [];
    this.byteLength = 0;
    this.rawLength = 0;
    return built;
  }
}
