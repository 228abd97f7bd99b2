/**
 * LZ4 *frame* decoding (lz4 `doc/lz4_Frame_format.md` and `doc/lz4_Block_format.md`): Xet's
 * "LZ4" chunks are whole frames (xet-core compresses with lz4_flex's FrameEncoder, the JS client
 * with lz4js' frame `compress`), not bare blocks. Everything is checked: magic, descriptor and
 * its checksum, block sizes, optional block and content checksums, offsets that stay inside the
 * output, and the exact decoded size the chunk header announced (ADR 0010).
 */

export class XetFormatError extends Error {
  override name = "XetFormatError";
}

const MAGIC = 0x184d2204;
/** Maximum block sizes by the BD byte's code (4 to 7). */
const BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];

/** Runs shorter than this are copied byte by byte. */
const SHORT = 32;

function u32(src: Uint8Array, at: number): number {
  if (at + 4 > src.byteLength) throw new XetFormatError("LZ4 frame truncated");
  return (src[at]! | (src[at + 1]! << 8) | (src[at + 2]! << 16) | (src[at + 3]! << 24)) >>> 0;
}

/**
 * Decodes one LZ4 block into `dst` at `dPos`; back-references may reach back to `windowStart`.
 * Returns the new write position.
 */
function decodeBlock(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  dPos: number,
  windowStart: number,
): number {
  let s = start;
  const fail = (what: string): never => {
    throw new XetFormatError(`Malformed LZ4 block: ${what}`);
  };
  const length = (initial: number): number => {
    let n = initial;
    if (initial === 15) {
      let byte: number;
      do {
        if (s >= end) fail("truncated length");
        byte = src[s++]!;
        n += byte;
      } while (byte === 255);
    }
    return n;
  };
  while (s < end) {
    const token = src[s++]!;
    const literals = length(token >>> 4);
    if (s + literals > end) fail("literals run past the block");
    if (dPos + literals > dst.byteLength) fail("decodes to more bytes than the chunk header says");
    if (literals < SHORT) {
      // A loop beats a subarray view plus `set` for the short runs that dominate.
      for (let i = 0; i < literals; i++) dst[dPos + i] = src[s + i]!;
    } else {
      dst.set(src.subarray(s, s + literals), dPos);
    }
    s += literals;
    dPos += literals;
    if (s === end) break; // the last sequence has literals only
    if (s + 2 > end) fail("truncated match offset");
    const offset = src[s]! | (src[s + 1]! << 8);
    s += 2;
    if (offset === 0 || dPos - offset < windowStart) fail("match offset outside the decoded data");
    const matchLength = length(token & 15) + 4;
    if (dPos + matchLength > dst.byteLength) fail("decodes to more bytes than the chunk header says");
    if (matchLength < SHORT) {
      // Byte by byte, forward: an overlapping match repeats its pattern as LZ4 means it to.
      for (let i = 0, from = dPos - offset; i < matchLength; i++) dst[dPos + i] = dst[from + i]!;
      dPos += matchLength;
    } else if (offset >= matchLength) {
      dst.copyWithin(dPos, dPos - offset, dPos - offset + matchLength);
      dPos += matchLength;
    } else {
      // Overlapping copy (a repeating pattern): copy the period, then twice it, and so on, each
      // time from bytes already written, keeping the pattern's phase.
      const from = dPos - offset;
      let done = 0;
      for (let span = offset; done < matchLength; span *= 2) {
        const n = Math.min(span, matchLength - done);
        dst.copyWithin(dPos + done, from, from + n);
        done += n;
      }
      dPos += matchLength;
    }
  }
  return dPos;
}

/**
 * Decodes an LZ4 frame that must decompress to exactly `size` bytes, into `into` when given (at
 * least `size` bytes; matches only ever read what this frame wrote, so its old contents do not
 * matter).
 */
export function decodeLz4Frame(
  src: Uint8Array,
  size: number,
  xxh32: (data: Uint8Array) => number,
  into?: Uint8Array,
): Uint8Array {
  if (u32(src, 0) !== MAGIC)
    throw new XetFormatError("LZ4 chunk does not start with the LZ4 frame magic number");
  if (src.byteLength < 7) throw new XetFormatError("LZ4 frame truncated");
  const flags = src[4]!;
  const bd = src[5]!;
  if (flags >>> 6 !== 1 || (flags & 0x02) !== 0)
    throw new XetFormatError("Unsupported LZ4 frame version or flags");
  if (flags & 0x01) throw new XetFormatError("LZ4 frames with a dictionary are not supported");
  if ((bd & 0x8f) !== 0 || BLOCK_MAX[(bd >>> 4) & 7] === 0)
    throw new XetFormatError("Invalid LZ4 block-size byte");
  const independent = (flags & 0x20) !== 0;
  const blockChecksums = (flags & 0x10) !== 0;
  const contentChecksum = (flags & 0x04) !== 0;
  const maxBlock = BLOCK_MAX[(bd >>> 4) & 7]!;
  let pos = 6;
  if (flags & 0x08) {
    const low = u32(src, pos);
    const high = u32(src, pos + 4);
    if (high !== 0 || low !== size)
      throw new XetFormatError(
        `LZ4 frame declares ${high * 2 ** 32 + low} bytes; the chunk header says ${size}`,
      );
    pos += 8;
  }
  if (pos >= src.byteLength) throw new XetFormatError("LZ4 frame truncated");
  if (((xxh32(src.subarray(4, pos)) >>> 8) & 0xff) !== src[pos])
    throw new XetFormatError("LZ4 frame descriptor checksum mismatch");
  pos += 1;
  const out = into ? into.subarray(0, size) : new Uint8Array(size);
  let written = 0;
  for (;;) {
    const header = u32(src, pos);
    pos += 4;
    if (header === 0) break;
    const stored = (header & 0x80000000) !== 0;
    const length = header & 0x7fffffff;
    if (length > maxBlock) throw new XetFormatError("LZ4 block larger than the frame's maximum block size");
    const blockStart = pos;
    const blockEnd = pos + length;
    if (blockEnd > src.byteLength) throw new XetFormatError("LZ4 frame truncated");
    pos = blockEnd;
    if (blockChecksums) {
      if (u32(src, pos) !== xxh32(src.subarray(blockStart, blockEnd)))
        throw new XetFormatError("LZ4 block checksum mismatch");
      pos += 4;
    }
    if (stored) {
      if (written + length > size)
        throw new XetFormatError("LZ4 frame decodes to more bytes than the chunk header says");
      out.set(src.subarray(blockStart, blockEnd), written);
      written += length;
    } else {
      // Independent blocks may only refer to their own output; linked ones to all of it.
      written = decodeBlock(src, blockStart, blockEnd, out, written, independent ? written : 0);
    }
  }
  if (contentChecksum) {
    if (u32(src, pos) !== xxh32(out.subarray(0, written)))
      throw new XetFormatError("LZ4 content checksum mismatch");
    pos += 4;
  }
  if (pos !== src.byteLength) throw new XetFormatError("Unexpected bytes after the LZ4 frame");
  if (written !== size)
    throw new XetFormatError(`LZ4 frame decodes to ${written} bytes; the chunk header says ${size}`);
  return out;
}
