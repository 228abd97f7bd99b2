import { GEAR_TABLE } from "./gear-table.js";
import { body, I32, I64, name, section, sleb64, uleb, vector, wasm, wasmChannel } from "./wasm-asm.js";

// The gear hash needs 64-bit wrapping arithmetic on every byte. In JavaScript that means two
// 32-bit halves and a carry: 75–120 MB/s on the dev VM. The same loop as WebAssembly i64 runs
// at ~2.4 GB/s (copying the input in included), so the hot loop lives in this tiny module,
// assembled here from its instructions (no build step, nothing fetched).
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

const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  ret: 0x0f,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  globalGet: 0x23,
  globalSet: 0x24,
  i64Load: 0x29,
  i32Load8u: 0x2d,
  i32Const: 0x41,
  i64Const: 0x42,
  i32GeU: 0x4f,
  i64Ne: 0x52,
  i32Add: 0x6a,
  i32Shl: 0x74,
  i64Add: 0x7c,
  i64And: 0x83,
  i64Shl: 0x86,
  void: 0x40,
} as const;

// Locals: 0 = p, 1 = end, 2 = h (i64). One step: h = (h << 1) + table[mem[p]]; p += 1.
const step = [
  ...[op.localGet, 2, op.i64Const, 1, op.i64Shl],
  ...[op.localGet, 0, op.i32Load8u, 0, 0, op.i32Const, 3, op.i32Shl, op.i64Load, 3, 0],
  ...[op.i64Add, op.localSet, 2],
  ...[op.localGet, 0, op.i32Const, 1, op.i32Add, op.localSet, 0],
];
const loadHash = [op.globalGet, 0, op.localSet, 2];
const storeHash = [op.localGet, 2, op.globalSet, 0];
const exitWhenDone = [op.localGet, 0, op.localGet, 1, op.i32GeU, op.brIf, 1];

const resetBody = body([0], [op.i64Const, 0, op.globalSet, 0]);
const updateBody = body(
  [1, 1, I64],
  [
    ...loadHash,
    ...[op.block, op.void, op.loop, op.void],
    ...exitWhenDone,
    ...step,
    ...[op.br, 0, op.end, op.end],
    ...storeHash,
  ],
);
const nextMatchBody = body(
  [1, 1, I64],
  [
    ...loadHash,
    ...[op.block, op.void, op.loop, op.void],
    ...exitWhenDone,
    ...step,
    // Go round again while h & MASK != 0; otherwise store h and return p.
    ...[op.localGet, 2, op.i64Const, ...sleb64(0xffff000000000000n), op.i64And, op.i64Const, 0, op.i64Ne],
    ...[op.brIf, 0],
    ...storeHash,
    ...[op.localGet, 0, op.ret],
    ...[op.end, op.end],
    ...storeHash,
    ...[op.i32Const, 0],
  ],
);

const pages = Math.ceil((INPUT_OFFSET + INPUT_CAPACITY) / 65536);

// Built on first use (like the module itself), not when @hfkit/xet is imported.
const moduleBytes = () =>
  new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(
      1,
      vector([
        [0x60, 0, 0],
        [0x60, 2, I32, I32, 0],
        [0x60, 2, I32, I32, 1, I32],
      ]),
    ),
    ...section(3, vector([[0], [1], [2]])),
    ...section(5, vector([[0x00, ...uleb(pages)]])),
    ...section(6, vector([[I64, 1, op.i64Const, 0, op.end]])),
    ...section(
      7,
      vector([
        [...name("memory"), 2, 0],
        [...name("reset"), 0, 0],
        [...name("update"), 0, 1],
        [...name("nextMatch"), 0, 2],
      ]),
    ),
    ...section(10, vector([resetBody, updateBody, nextMatchBody])),
  ]);

/** One gear hasher: its own memory and hash state. */
export interface GearKernel {
  /** The input window: copy bytes here, then pass offsets `INPUT_OFFSET + i`. */
  readonly input: Uint8Array;
  reset(): void;
  update(start: number, end: number): void;
  nextMatch(start: number, end: number): number;
}

let compiled: object | undefined;

export function createGearKernel(): GearKernel {
  compiled ??= new wasm.Module(moduleBytes());
  const instance = new wasm.Instance(compiled);
  wasmChannel.publish({ module: "gear" });
  const exports = instance.exports as {
    memory: { buffer: ArrayBuffer };
    reset(): void;
    update(start: number, end: number): void;
    nextMatch(start: number, end: number): number;
  };
  const view = new DataView(exports.memory.buffer);
  GEAR_TABLE.forEach((hex, i) => {
    view.setUint32(i * 8, Number.parseInt(hex.slice(8), 16), true);
    view.setUint32(i * 8 + 4, Number.parseInt(hex.slice(0, 8), 16), true);
  });
  return {
    input: new Uint8Array(exports.memory.buffer, INPUT_OFFSET, INPUT_CAPACITY),
    reset: exports.reset,
    update: exports.update,
    nextMatch: exports.nextMatch,
  };
}
