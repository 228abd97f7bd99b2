import { CHUNK_HEADER_SIZE, ChunkReader, decodeRawChunk } from "./chunks.js";
import type { Hash, HashedChunk, XetHasher } from "./hash.js";
import { XetFormatError } from "./lz4.js";

/**
 * Limits of one xorb (hub-docs `docs/xet/xorb.md` and `deduplication.md`; xet-core
 * `MAX_XORB_BYTES`, `MAX_XORB_CHUNKS`): at most 8192 chunks and 64 MiB of chunk data. The
 * serialized form adds an 8-byte header per chunk and stores a chunk uncompressed when
 * compression does not help, so it may exceed 64 MiB by at most those headers.
 */
export const MAX_XORB_CHUNKS = 8 * 1024;
export const MAX_XORB_RAW_BYTES = 64 * 1024 * 1024;
export const MAX_XORB_BYTES = MAX_XORB_RAW_BYTES + MAX_XORB_CHUNKS * CHUNK_HEADER_SIZE;

export interface XorbChunk extends HashedChunk {
  /** Byte offset of the chunk's header in the serialized xorb. */
  offset: number;
}

/** What the emulator keeps about a stored xorb (`xmeta/<hash>`), so nothing re-hashes it. */
export interface XorbIndex {
  chunks: XorbChunk[];
  /** Serialized length. */
  byteLength: number;
}

/** Byte offset where chunk `index` starts (or, for `index === chunks.length`, where the xorb ends). */
export function chunkOffset(index: XorbIndex, chunk: number): number {
  return chunk < index.chunks.length ? index.chunks[chunk]!.offset : index.byteLength;
}

/**
 * Verifies a serialized xorb as its bytes stream in: each chunk header, the decompression of
 * each chunk to exactly its announced size, and (in `finish`) the Merkle hash of the chunk
 * hashes against the hash the client named.
 */
export class XorbVerifier {
  private readonly reader = new ChunkReader();
  private readonly chunks: XorbChunk[] = [];
  private rawBytes = 0;

  constructor(private readonly hasher: XetHasher) {}

  push(bytes: Uint8Array): void {
    if (this.reader.offset + bytes.byteLength > MAX_XORB_BYTES + CHUNK_HEADER_SIZE)
      throw new XetFormatError(`A xorb may not exceed ${MAX_XORB_BYTES} bytes`);
    for (const chunk of this.reader.push(bytes)) {
      // Hashed at once, so a compressed chunk may be decoded into the shared scratch buffers.
      const raw = decodeRawChunk(chunk, this.hasher, true);
      // A decoded chunk holds exactly the size its header announced (decodeRawChunk checks).
      const size = chunk.header.rawSize;
      this.chunks.push({ hash: this.hasher.chunkHash(raw), size, offset: chunk.offset });
      this.rawBytes += size;
      if (this.chunks.length > MAX_XORB_CHUNKS)
        throw new XetFormatError(`A xorb may hold at most ${MAX_XORB_CHUNKS} chunks`);
      if (this.rawBytes > MAX_XORB_RAW_BYTES)
        throw new XetFormatError(`A xorb may hold at most ${MAX_XORB_RAW_BYTES} bytes of chunk data`);
    }
  }

  finish(): { hash: Hash; index: XorbIndex } {
    this.reader.end();
    if (this.chunks.length === 0) throw new XetFormatError("A xorb must hold at least one chunk");
    if (this.reader.offset > MAX_XORB_BYTES)
      throw new XetFormatError(`A xorb may not exceed ${MAX_XORB_BYTES} bytes`);
    return {
      hash: this.hasher.xorbHash(this.chunks),
      index: { chunks: this.chunks, byteLength: this.reader.offset },
    };
  }
}

const ENTRY = 40;

/** `[u32 count][u32 byteLength]` then per chunk `hash(32) size(u32) offset(u32)`, little-endian. */
export function encodeXorbIndex(index: XorbIndex): Uint8Array {
  const out = new Uint8Array(8 + ENTRY * index.chunks.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, index.chunks.length, true);
  view.setUint32(4, index.byteLength, true);
  index.chunks.forEach((chunk, i) => {
    const at = 8 + ENTRY * i;
    out.set(chunk.hash, at);
    view.setUint32(at + 32, chunk.size, true);
    view.setUint32(at + 36, chunk.offset, true);
  });
  return out;
}

export function decodeXorbIndex(bytes: Uint8Array): XorbIndex {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0, true);
  const chunks: XorbChunk[] = [];
  for (let i = 0; i < count; i++) {
    const at = 8 + ENTRY * i;
    chunks.push({
      hash: bytes.slice(at, at + 32),
      size: view.getUint32(at + 32, true),
      offset: view.getUint32(at + 36, true),
    });
  }
  return { chunks, byteLength: view.getUint32(4, true) };
}
