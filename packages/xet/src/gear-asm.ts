import { INPUT_CAPACITY, INPUT_OFFSET } from "./gear-wasm.js";
import { I32, I64, MODULE_HEADER, WasmWriter } from "./wasm-asm.js";

// The gear hash's module (gear-wasm.ts says what its functions do), written out instruction
// by instruction; its bytes ship in wasm-bytes.ts, checked against this file by
// wasm-bytes.test.ts.

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
  i64Eqz: 0x50,
  i32LtU: 0x49,
  if: 0x04,
  i32Add: 0x6a,
  i32Shl: 0x74,
  i64Add: 0x7c,
  i64And: 0x83,
  i64Shl: 0x86,
  void: 0x40,
} as const;

// Locals: 0 = p, 1 = end, 2 = h (i64). One step: h = (h << 1) + table[mem[p]]; p += 1.
const step = (w: WasmWriter) =>
  w
    .op(op.localGet, 2, op.i64Const, 1, op.i64Shl)
    .op(op.localGet, 0, op.i32Load8u, 0, 0, op.i32Const, 3, op.i32Shl, op.i64Load, 3, 0)
    .op(op.i64Add, op.localSet, 2)
    .op(op.localGet, 0, op.i32Const, 1, op.i32Add, op.localSet, 0);
const loadHash = (w: WasmWriter) => w.op(op.globalGet, 0, op.localSet, 2);
const storeHash = (w: WasmWriter) => w.op(op.localGet, 2, op.globalSet, 0);
const exitWhenDone = (w: WasmWriter) => w.op(op.localGet, 0, op.localGet, 1, op.i32GeU, op.brIf, 1);

const resetBody = (w: WasmWriter) => w.body([0], (c) => c.op(op.i64Const, 0, op.globalSet, 0));
/** Both loops open alike: load h, enter the loop, leave it at `end`, take one step. */
const loopAndStep = (c: WasmWriter) => {
  loadHash(c);
  c.op(op.block, op.void, op.loop, op.void);
  exitWhenDone(c);
  step(c);
};
const updateBody = (w: WasmWriter) =>
  w.body([1, 1, I64], (c) => {
    loopAndStep(c);
    c.op(op.br, 0, op.end, op.end);
    storeHash(c);
  });
const MASK = 0xffff000000000000n;
/** Leaves the function with `local`'s hash stored and `p + advance` returned when it matches. */
const returnOnMatch = (c: WasmWriter, local: number, advance: number) => {
  c.op(op.localGet, local, op.i64Const).sleb64(MASK).op(op.i64And, op.i64Eqz, op.if, op.void);
  c.op(op.localGet, local, op.globalSet, 0, op.localGet, 0);
  if (advance > 0) c.op(op.i32Const, advance, op.i32Add);
  c.op(op.ret, op.end);
};
// Locals: 0 = p, 1 = end, 2 = h, 3 = a (table entry of the pair's first byte), 4 = h1 (the hash
// after the pair's first byte). Two bytes per round: h1 = (h << 1) + T[b0] is tested, but the
// next round builds on h2 = (h << 2) + ((T[b0] << 1) + T[b1]), which depends on h through one
// shift and one add instead of two of each: one byte after the other was a chain of two
// dependent operations per byte, which bounded the loop at ~1.4 GB/s (issue 19).
const nextMatchBody = (w: WasmWriter) =>
  w.body([1, 3, I64], (c) => {
    loadHash(c);
    c.op(op.block, op.void, op.loop, op.void);
    // Fewer than two bytes left: on to the last one.
    c.op(op.localGet, 0, op.i32Const, 1, op.i32Add, op.localGet, 1, op.i32GeU, op.brIf, 1);
    c.op(op.localGet, 0, op.i32Load8u, 0, 0, op.i32Const, 3, op.i32Shl, op.i64Load, 3, 0, op.localSet, 3);
    c.op(op.localGet, 2, op.i64Const, 1, op.i64Shl, op.localGet, 3, op.i64Add, op.localSet, 4);
    c.op(op.localGet, 2, op.i64Const, 2, op.i64Shl, op.localGet, 3, op.i64Const, 1, op.i64Shl);
    c.op(op.localGet, 0, op.i32Load8u, 0, 1, op.i32Const, 3, op.i32Shl, op.i64Load, 3, 0);
    c.op(op.i64Add, op.i64Add, op.localSet, 2);
    returnOnMatch(c, 4, 1);
    c.op(op.localGet, 0, op.i32Const, 2, op.i32Add, op.localSet, 0);
    returnOnMatch(c, 2, 0);
    c.op(op.br, 0, op.end, op.end);
    c.op(op.localGet, 0, op.localGet, 1, op.i32LtU, op.if, op.void);
    step(c);
    returnOnMatch(c, 2, 0);
    c.op(op.end);
    storeHash(c);
    c.op(op.i32Const, 0);
  });

const pages = Math.ceil((INPUT_OFFSET + INPUT_CAPACITY) / 65536);
const TYPES = [
  [0x60, 0, 0],
  [0x60, 2, I32, I32, 0],
  [0x60, 2, I32, I32, 1, I32],
];
const EXPORTS = [
  ["memory", 2, 0],
  ["reset", 0, 0],
  ["update", 0, 1],
  ["nextMatch", 0, 2],
] as const;

/** The module's bytes. */
export const gearModuleBytes = (): Uint8Array =>
  new WasmWriter()
    .append(MODULE_HEADER)
    .section(1, (w) => w.vector(TYPES, (v, type) => v.append(type)))
    .section(3, (w) => w.vector([0, 1, 2], (v, type) => v.op(type)))
    .section(5, (w) => w.vector([pages], (v, min) => v.op(0x00).uleb(min)))
    .section(6, (w) => w.vector([0], (v) => v.op(I64, 1, op.i64Const, 0, op.end)))
    .section(7, (w) => w.vector(EXPORTS, (v, [name, kind, index]) => v.name(name).op(kind, index)))
    .section(10, (w) => w.vector([resetBody, updateBody, nextMatchBody], (v, body) => body(v)))
    .bytes();
