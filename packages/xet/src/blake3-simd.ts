import { wasm, wasmChannel } from "./wasm-asm.js";
import { BLAKE3_WASM } from "./wasm-bytes.js";

// Keyed BLAKE3 with WebAssembly SIMD: four 1 KiB BLAKE3 chunks (or four parent nodes) are
// compressed at once, one per 32-bit lane, the way the reference implementation's hash_many
// does with SSE/AVX. hash-wasm's scalar build ran at ~0.8 GB/s and was the largest CPU cost of
// a Xet upload (ADR 0009); the tree and compression follow the BLAKE3 paper and spec (section
// 2: compression function, chunk and parent flags, the left-complete tree), checked against
// hash-wasm and xet-core's hash vectors in blake3-simd.test.ts.
//
// Memory: the key (8 words) at 0, the output lanes at OUT, a saved node at SAVE, the chaining
// values of a message's chunks from CVS, its bytes from `input` (see `layout`).
//
//   (func $chunks (param $in $out $counter $flags $blocks $lastLen $endFlags i32))
//       ;; lane l hashes the chunk at in + 1024 l (counter + l): `blocks` blocks, the last
//       ;; `lastLen` bytes long with `endFlags` added; its chaining value goes to out + 32 l
//   (func $parents (param $in $out $flags i32))
//       ;; lane l compresses the 64 bytes at in + 64 l (two child values) into out + 32 l
//
// The module is assembled in blake3-asm.ts; its bytes ship in wasm-bytes.ts.

const PARENT = 4;
const ROOT = 8;
const KEYED_HASH = 16;

const OUT = 64;
const SAVE = 192;
const CVS = 512;

interface Blake3Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  chunks(
    input: number,
    out: number,
    counter: number,
    flags: number,
    blocks: number,
    lastLen: number,
    endFlags: number,
  ): void;
  parents(input: number, out: number, flags: number): void;
}

let compiled: object | undefined | null;

/** Whether this runtime runs WebAssembly SIMD (every current engine; checked, not assumed). */
export function blake3SimdAvailable(): boolean {
  if (compiled === undefined) {
    const bytes = Buffer.from(BLAKE3_WASM, "base64");
    compiled = wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  return compiled !== null;
}

/**
 * A keyed BLAKE3 (32-byte output) of one message at a time, synchronous, on its own
 * WebAssembly instance and memory. Undefined where WebAssembly SIMD is not available.
 */
export function createKeyedBlake3Simd(key: Uint8Array): ((data: Uint8Array) => Uint8Array) | undefined {
  if (key.byteLength !== 32) throw new RangeError(`a BLAKE3 key has 32 bytes, not ${key.byteLength}`);
  if (!blake3SimdAvailable()) return undefined;
  const exports = new wasm.Instance(compiled as object).exports as Blake3Exports;
  wasmChannel.publish({ module: "blake3" });
  let bytes = new Uint8Array(exports.memory.buffer);
  bytes.set(key, 0);
  let capacity = -1;
  let input = 0;
  /** Room for `length` message bytes, their chunks' values and the lanes read past the end. */
  const layout = (length: number) => {
    if (length <= capacity) return;
    capacity = Math.max(length, 2 * capacity, 256 << 10);
    // Past the key, the output lanes and the chunks' chaining values (32 bytes per KiB).
    input = CVS + 32 * (Math.ceil(capacity / 1024) + 8);
    const needed = input + capacity + 4096 + 64;
    const pages = Math.ceil(needed / 65536) - exports.memory.buffer.byteLength / 65536;
    if (pages > 0) exports.memory.grow(pages);
    bytes = new Uint8Array(exports.memory.buffer);
  };
  layout(0);
  const { chunks, parents } = exports;
  return (data) => {
    const length = data.byteLength;
    layout(length);
    bytes.set(data, input);
    // The last block is zero-padded to 64 bytes (an empty message is one block of zeros).
    bytes.fill(0, input + length, input + Math.max(64, Math.ceil(length / 64) * 64));
    if (length <= 1024) {
      const blocks = Math.max(1, Math.ceil(length / 64));
      chunks(input, OUT, 0, KEYED_HASH, blocks, length - 64 * (blocks - 1), ROOT);
      return bytes.slice(OUT, OUT + 32);
    }
    const n = Math.ceil(length / 1024);
    const full = length % 1024 === 0 ? n : n - 1;
    // Four chunks per call; lanes past the last chunk hash whatever follows, and their values
    // land past the last one, where nothing reads them.
    for (let i = 0; i < full; i += 4) chunks(input + 1024 * i, CVS + 32 * i, i, KEYED_HASH, 16, 64, 0);
    if (full < n) {
      const rest = length - 1024 * full;
      const blocks = Math.ceil(rest / 64);
      chunks(input + 1024 * full, CVS + 32 * full, full, KEYED_HASH, blocks, rest - 64 * (blocks - 1), 0);
    }
    // Pairs of adjacent nodes, level by level, an odd last node carried up as it is: the
    // left-complete tree of the spec (the left subtree holds the largest power of two of chunks).
    let count = n;
    while (count > 2) {
      const pairs = count >> 1;
      const odd = (count & 1) === 1;
      // The unused lanes of the last call write past `pairs`: keep the odd node aside.
      if (odd) bytes.copyWithin(SAVE, CVS + 64 * pairs, CVS + 64 * pairs + 32);
      for (let j = 0; j < pairs; j += 4) parents(CVS + 64 * j, CVS + 32 * j, PARENT | KEYED_HASH);
      if (odd) bytes.copyWithin(CVS + 32 * pairs, SAVE, SAVE + 32);
      count = pairs + (odd ? 1 : 0);
    }
    parents(CVS, OUT, PARENT | ROOT | KEYED_HASH);
    return bytes.slice(OUT, OUT + 32);
  };
}
