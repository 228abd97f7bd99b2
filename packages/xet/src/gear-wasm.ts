import { GEAR_TABLE } from "./gear-table.js";
import { wasm, wasmChannel } from "./wasm-asm.js";
import { GEAR_WASM } from "./wasm-bytes.js";

// The gear hash needs 64-bit wrapping arithmetic on every byte. In JavaScript that means two
// 32-bit halves and a carry: 75–120 MB/s on the dev VM. The same loop as WebAssembly i64 runs
// at ~2.4 GB/s (copying the input in included), so the hot loop lives in this tiny module,
// assembled from its instructions in gear-asm.ts (no toolchain, nothing fetched); its bytes
// ship in wasm-bytes.ts.
//
// Memory layout: bytes [0, 2048) hold the table (256 little-endian u64), [2048, 2064) the ends
// of the candidate lists, input is copied to [INPUT_OFFSET, INPUT_OFFSET + INPUT_CAPACITY) (the
// 64 bytes before it hold the bytes before the input), the candidate lists follow; the read
// buffers, when asked for, come after them.
//
//   (func $candidates (param $p i32) (param $count i32) (param $out i32))
//       ;; four lanes, lane k from p + k * LANE_CAPACITY: hash the 64 bytes before each, then
//       ;; `count` bytes of each, writing the offset of every byte whose hash has its top 16
//       ;; bits zero (i32s) to lane k's list at out + k * 4 * LANE_CAPACITY; the lists' ends go
//       ;; to CANDIDATE_ENDS

export const INPUT_OFFSET = 4096;
export const INPUT_CAPACITY = 1 << 20;
/** Where `candidates` leaves the ends of its four lists (between the table and the input). */
export const CANDIDATE_ENDS = 2048;
/** Lanes of `candidates`: their distance and the most bytes each scans per call. */
export const LANES = 4;
export const LANE_CAPACITY = 16 << 10;
/** The lists of `candidates`, one i32 per byte scanned at most, after the input. */
export const CANDIDATES = INPUT_OFFSET + INPUT_CAPACITY;
/** A call may read up to LANES * LANE_CAPACITY bytes past the input: the lists are there. */
export const MEMORY_BYTES = CANDIDATES + LANES * 4 * LANE_CAPACITY;

/** One gear hasher: its own memory. */
export interface GearKernel {
  /** The input window: copy bytes here, then pass offsets `INPUT_OFFSET + i`. */
  input: Uint8Array;
  /** The whole memory, as bytes and as i32s (for the candidate lists); new views after a grow. */
  bytes: Uint8Array;
  words: Int32Array;
  candidates(p: number, count: number, out: number): void;
  /**
   * Two buffers of `size` bytes in the kernel's memory (made once; its memory grows for them),
   * each with room for 64 bytes before it and for the lanes reading past its end: bytes read
   * into them are scanned where they lie, without being copied into the input window.
   */
  readBuffers(size: number): [Uint8Array, Uint8Array];
}

let compiled: object | undefined;
/**
 * The table as the module reads it (256 little-endian u64), decoded once: the hex strings
 * reversed in 8-byte groups. Two `parseInt`s per entry took ~3 ms of the first upload.
 */
let tableBytes: Uint8Array | undefined;

const PAGE = 65536;
const align = (n: number) => Math.ceil(n / 4096) * 4096;

export function createGearKernel(): GearKernel {
  compiled ??= new wasm.Module(Buffer.from(GEAR_WASM, "base64"));
  const instance = new wasm.Instance(compiled);
  wasmChannel.publish({ module: "gear" });
  const exports = instance.exports as {
    memory: { buffer: ArrayBuffer; grow(pages: number): number };
    candidates(p: number, count: number, out: number): void;
  };
  tableBytes ??= Buffer.from(GEAR_TABLE.join(""), "hex").swap64();
  new Uint8Array(exports.memory.buffer).set(tableBytes, 0);
  let buffers: [Uint8Array, Uint8Array] | undefined;
  const kernel = {
    input: new Uint8Array(exports.memory.buffer, INPUT_OFFSET, INPUT_CAPACITY),
    bytes: new Uint8Array(exports.memory.buffer),
    words: new Int32Array(exports.memory.buffer),
    candidates: exports.candidates,
    readBuffers(size: number): [Uint8Array, Uint8Array] {
      if (buffers && buffers[0].byteLength === size) return buffers;
      if (buffers) throw new Error("internal: a gear kernel's read buffers are made once");
      const first = align(MEMORY_BYTES + 64);
      const second = align(first + size + 64);
      const end = second + size + LANES * LANE_CAPACITY;
      exports.memory.grow(Math.ceil(end / PAGE) - exports.memory.buffer.byteLength / PAGE);
      const memory = exports.memory.buffer;
      kernel.input = new Uint8Array(memory, INPUT_OFFSET, INPUT_CAPACITY);
      kernel.bytes = new Uint8Array(memory);
      kernel.words = new Int32Array(memory);
      buffers = [new Uint8Array(memory, first, size), new Uint8Array(memory, second, size)];
      return buffers;
    },
  };
  return kernel;
}
