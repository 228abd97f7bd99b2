import { GEAR_TABLE } from "./gear-table.js";
import { wasm, wasmChannel } from "./wasm-asm.js";
import { GEAR_WASM } from "./wasm-bytes.js";

// The gear hash needs 64-bit wrapping arithmetic on every byte. In JavaScript that means two
// 32-bit halves and a carry: 75–120 MB/s on the dev VM. The same loop as WebAssembly i64 runs
// at ~2.4 GB/s (copying the input in included), so the hot loop lives in this tiny module,
// assembled from its instructions in gear-asm.ts (no toolchain, nothing fetched); its bytes
// ship in wasm-bytes.ts.
//
// Memory layout: bytes [0, 2048) hold the table (256 little-endian u64), input is copied to
// [INPUT_OFFSET, INPUT_OFFSET + INPUT_CAPACITY). The rolling hash lives in a mutable global.
//
//   (func $reset  (global.set $h (i64.const 0)))
//   (func $update (param $p i32) (param $end i32)          ;; hash [p, end) without testing
//   (func $nextMatch (param $p i32) (param $end i32) (result i32)
//       ;; hash from p on; return the offset just past the first byte where
//       ;; h & 0xFFFF000000000000 == 0, or 0 when none in [p, end)

export const INPUT_OFFSET = 4096;
export const INPUT_CAPACITY = 1 << 20;

/** One gear hasher: its own memory and hash state. */
export interface GearKernel {
  /** The input window: copy bytes here, then pass offsets `INPUT_OFFSET + i`. */
  readonly input: Uint8Array;
  reset(): void;
  update(start: number, end: number): void;
  nextMatch(start: number, end: number): number;
}

let compiled: object | undefined;
/**
 * The table as the module reads it (256 little-endian u64), decoded once: the hex strings
 * reversed in 8-byte groups. Two `parseInt`s per entry took ~3 ms of the first upload.
 */
let tableBytes: Uint8Array | undefined;

export function createGearKernel(): GearKernel {
  compiled ??= new wasm.Module(Buffer.from(GEAR_WASM, "base64"));
  const instance = new wasm.Instance(compiled);
  wasmChannel.publish({ module: "gear" });
  const exports = instance.exports as {
    memory: { buffer: ArrayBuffer };
    reset(): void;
    update(start: number, end: number): void;
    nextMatch(start: number, end: number): number;
  };
  tableBytes ??= Buffer.from(GEAR_TABLE.join(""), "hex").swap64();
  new Uint8Array(exports.memory.buffer).set(tableBytes, 0);
  return {
    input: new Uint8Array(exports.memory.buffer, INPUT_OFFSET, INPUT_CAPACITY),
    reset: exports.reset,
    update: exports.update,
    nextMatch: exports.nextMatch,
  };
}
