import { createRequire } from "node:module";
import type * as Lz4Wasm from "lz4-wasm-nodejs";
import { wasmChannel } from "./wasm-asm.js";

// Xet chunks use the LZ4 *frame* format (xet-core compression_scheme.rs uses lz4_flex's
// FrameEncoder / FrameDecoder). We write the frame around blocks from lz4-wasm (lz4_flex built
// to WebAssembly by its author: ~2.7 GB/s here on incompressible data, see ADR 0009) and read
// frames with our own block decoder, so any valid frame (other block sizes, checksums,
// linked blocks) decodes.

const MAGIC = 0x184d2204;
/** FLG: version 01, independent blocks, no checksums, no content size. */
const FLG = 0x60;
/** BD: blocks of at most 256 KiB, so a chunk (≤ 128 KiB) is always one block. */
const BD = 0x50;
/** (xxh32(FLG, BD) >> 8) & 0xff, the frame descriptor's checksum byte (checked in lz4.test.ts). */
const HC = 0xfb;
const UNCOMPRESSED_BIT = 0x80000000;

/** Frame bytes around the block: magic, FLG, BD, HC, the block size, and the end mark. */
export const LZ4_FRAME_OVERHEAD = 4 + 3 + 4 + 4;

type Compress = (data: Uint8Array) => Uint8Array;

let compressWithSize: Compress | undefined;
let loading: Promise<void> | undefined;

// lz4-wasm-nodejs reads its .wasm file, compiles and instantiates it synchronously when it is
// required: ~1.2 MB of memory and a few ms of the main thread on import (issue 19). So it is
// loaded only when a chunk is compressed, or ahead of time by an Xet upload (`preloadLz4`),
// never by an import of @hfkit/xet nor by an LFS upload that only reads pieces.
function loaded(lz4: { compress: Compress }): Compress {
  if (compressWithSize === undefined) {
    compressWithSize = lz4.compress;
    wasmChannel.publish({ module: "lz4" });
  }
  return compressWithSize;
}

function loadNow(): Compress {
  return compressWithSize ?? loaded(createRequire(import.meta.url)("lz4-wasm-nodejs") as typeof Lz4Wasm);
}

/**
 * Loads the LZ4 WebAssembly in the background, so that an upload can start it while it waits
 * for its token; `lz4CompressBlock` loads it itself (synchronously) when called first.
 */
export function preloadLz4(): Promise<void> {
  // Through require on a later turn, not import(): Node's ES module loader first parses a
  // CommonJS package for its exports, ~1.5 ms more of the first upload's CPU (profiled).
  loading ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
    loadNow();
  });
  return loading;
}

/**
 * Compresses `data` (at most 4 MiB) into one raw LZ4 block, or returns undefined when the
 * block would not be smaller than the data (it is then stored uncompressed).
 */
export function lz4CompressBlock(data: Uint8Array): Uint8Array | undefined {
  // lz4-wasm prepends the uncompressed size (4 bytes) to the raw block.
  const block = loadNow()(data).subarray(4);
  return block.byteLength < data.byteLength ? block : undefined;
}

/** The 11 bytes before a frame's single block: magic, FLG, BD, HC and the block's size. */
export function lz4FrameHeader(blockSize: number, uncompressed = false): Uint8Array {
  const out = new Uint8Array(11);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  out[4] = FLG;
  out[5] = BD;
  out[6] = HC;
  view.setUint32(7, uncompressed ? (blockSize | UNCOMPRESSED_BIT) >>> 0 : blockSize, true);
  return out;
}

/** The end mark that closes a frame. */
export const LZ4_END_MARK = new Uint8Array(4);

/** Compresses `data` (at most 4 MiB) into one LZ4 frame of one block. */
export function lz4CompressFrame(data: Uint8Array): Uint8Array {
  const block = lz4CompressBlock(data);
  const body = block ?? data;
  const out = new Uint8Array(LZ4_FRAME_OVERHEAD + body.byteLength);
  out.set(lz4FrameHeader(body.byteLength, block === undefined), 0);
  out.set(body, 11);
  return out;
}

export class Lz4FormatError extends Error {
  override readonly name = "Lz4FormatError";
}

/**
 * Decodes one LZ4 frame whose content is exactly `size` bytes into `out` at `offset`.
 * Returns the number of bytes written. Throws {@link Lz4FormatError} on malformed input.
 */
export function lz4DecompressFrameInto(
  frame: Uint8Array,
  out: Uint8Array,
  offset: number,
  size: number,
): number {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.byteLength < 7 || view.getUint32(0, true) !== MAGIC) throw new Lz4FormatError("not an LZ4 frame");
  const flg = frame[4] as number;
  if (flg >> 6 !== 1) throw new Lz4FormatError(`unsupported LZ4 frame version ${flg >> 6}`);
  const blockChecksums = (flg & 0x10) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  let pos = 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0) + 1;
  const end = offset + size;
  let dp = offset;
  for (;;) {
    if (pos + 4 > frame.byteLength) throw new Lz4FormatError("truncated LZ4 frame");
    const word = view.getUint32(pos, true);
    pos += 4;
    if (word === 0) break;
    const length = word & 0x7fffffff;
    if (pos + length > frame.byteLength) throw new Lz4FormatError("truncated LZ4 block");
    if ((word & UNCOMPRESSED_BIT) !== 0) {
      if (dp + length > end) throw new Lz4FormatError("LZ4 frame longer than announced");
      out.set(frame.subarray(pos, pos + length), dp);
      dp += length;
    } else {
      // Linked blocks may refer back into earlier blocks: they are all in `out` already.
      dp = decodeBlock(frame, pos, pos + length, out, dp, end, offset);
    }
    pos += length + (blockChecksums ? 4 : 0);
  }
  if (contentChecksum) pos += 4;
  if (dp !== end) throw new Lz4FormatError(`LZ4 frame holds ${dp - offset} bytes, expected ${size}`);
  return size;
}

/** One LZ4 block (sequences of literals then a back-reference) into `dst` from `dp`. */
function decodeBlock(
  src: Uint8Array,
  sp: number,
  send: number,
  dst: Uint8Array,
  dp: number,
  dend: number,
  floor: number,
): number {
  while (sp < send) {
    const token = src[sp++] as number;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        b = src[sp++] as number;
        literals += b;
      } while (b === 255 && sp < send);
    }
    if (literals > 0) {
      if (sp + literals > send || dp + literals > dend) throw new Lz4FormatError("LZ4 literals overrun");
      if (literals < 32) {
        for (let i = 0; i < literals; i++) dst[dp + i] = src[sp + i] as number;
      } else {
        dst.set(src.subarray(sp, sp + literals), dp);
      }
      sp += literals;
      dp += literals;
    }
    if (sp >= send) break; // the last sequence has literals only
    const distance = (src[sp] as number) | ((src[sp + 1] as number) << 8);
    sp += 2;
    let length = token & 15;
    if (length === 15) {
      let b: number;
      do {
        b = src[sp++] as number;
        length += b;
      } while (b === 255 && sp < send);
    }
    length += 4;
    let from = dp - distance;
    if (distance === 0 || from < floor) throw new Lz4FormatError("LZ4 match before the start of the output");
    if (dp + length > dend) throw new Lz4FormatError("LZ4 match overrun");
    if (distance >= length && length >= 32) {
      dst.copyWithin(dp, from, from + length);
      dp += length;
    } else {
      // Overlapping (a run) or short: byte by byte repeats the pattern as LZ4 means.
      for (let i = 0; i < length; i++) dst[dp++] = dst[from++] as number;
    }
  }
  return dp;
}
