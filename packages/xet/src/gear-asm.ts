import { CANDIDATE_ENDS, LANE_CAPACITY, LANES, MEMORY_BYTES } from "./gear-wasm.js";
import { I32, I64, MODULE_HEADER, WasmWriter } from "./wasm-asm.js";

// The gear hash's module (gear-wasm.ts says what its functions do), written out instruction
// by instruction; its bytes ship in wasm-bytes.ts, checked against this file by
// wasm-bytes.test.ts.

const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i64Load: 0x29,
  i32Load8u: 0x2d,
  i32Store: 0x36,
  drop: 0x1a,
  i32Const: 0x41,
  i64Const: 0x42,
  i64Eqz: 0x50,
  if: 0x04,
  i32Eqz: 0x45,
  i32Add: 0x6a,
  i32And: 0x71,
  i32Shl: 0x74,
  i64Add: 0x7c,
  i64And: 0x83,
  i64Shl: 0x86,
  void: 0x40,
} as const;

const MASK = 0xffff000000000000n;
// Params: 0 = p (where lane 0 reads; lane k reads LANE_CAPACITY * k bytes further), 1 = count,
// 2 = out (lane k's list starts LANE_CAPACITY * 4 * k bytes further). Locals: 3-6 = the lanes'
// hashes (i64), 7-10 = where each lane writes next, 11 = warm-up bytes left. Four independent
// hashes, each warmed up on the 64 bytes before its lane: the hash a byte gets then depends on
// the 64 bytes up to it only (the gear hash forgets older bytes), as the chunker's hash does
// wherever it tests. Their chains of dependent operations interleave, and the lanes' fixed
// distance is a load's constant offset: ~1.45 times the bytes per second of the one-lane loop
// this replaced (issue 19, ADR 0009 addendum).

/** Lane `lane`'s hash after the byte `at` bytes after p in its stretch, left on the stack. */
const laneStep = (c: WasmWriter, lane: number, at = 0) =>
  c
    .op(op.localGet, 3 + lane, op.i64Const, 1, op.i64Shl)
    .op(op.localGet, 0, op.i32Load8u, 0)
    .uleb(lane * LANE_CAPACITY + at)
    .op(op.i32Const, 3, op.i32Shl, op.i64Load, 3, 0)
    .op(op.i64Add, op.localTee, 3 + lane);
/** Appends that byte's position to lane `lane`'s list when the hash on the stack matches. */
const recordMatch = (c: WasmWriter, lane: number, at = 0) => {
  const out = 7 + lane;
  c.op(op.i64Const).sleb64(MASK).op(op.i64And, op.i64Eqz, op.if, op.void);
  c.op(op.localGet, out, op.localGet, 0);
  if (lane * LANE_CAPACITY + at > 0)
    c.op(op.i32Const)
      .sleb64(BigInt(lane * LANE_CAPACITY + at))
      .op(op.i32Add);
  c.op(op.i32Store, 2, 0);
  c.op(op.localGet, out, op.i32Const, 4, op.i32Add, op.localSet, out, op.end);
};
/** The four lanes' next byte (`at` bytes after p), each recorded when it matches. */
const step = (c: WasmWriter, at = 0) => {
  for (let lane = 0; lane < LANES; lane++) recordMatch(laneStep(c, lane, at), lane, at);
};
const advance = (c: WasmWriter, local: number, by: number) =>
  c.op(op.localGet, local, op.i32Const).sleb64(BigInt(by)).op(op.i32Add, op.localSet, local);
/**
 * The main loop takes two bytes per lane per turn (an odd count's first byte is taken alone
 * first): half the loop's own counting and branching per byte, 0.91–0.94 times the chunker's
 * CPU of one byte per turn (issue 19). Four bytes per turn, or one test for the four lanes
 * (the product of their top 16 bits, or an OR of `h < 2^48`), took more.
 */
const candidatesBody = (w: WasmWriter) =>
  w.body([2, LANES, I64, LANES + 1, I32], (c) => {
    for (let lane = 0; lane < LANES; lane++) {
      c.op(op.localGet, 2, op.i32Const).sleb64(BigInt(lane * 4 * LANE_CAPACITY));
      c.op(op.i32Add, op.localSet, 7 + lane);
    }
    advance(c, 0, -64);
    c.op(op.i32Const).sleb64(64n).op(op.localSet, 11);
    c.op(op.block, op.void, op.loop, op.void);
    c.op(op.localGet, 11, op.i32Eqz, op.brIf, 1);
    for (let lane = 0; lane < LANES; lane++) laneStep(c, lane).op(op.drop);
    advance(c, 0, 1);
    advance(c, 11, -1);
    c.op(op.br, 0, op.end, op.end);
    c.op(op.localGet, 1, op.i32Const, 1, op.i32And, op.if, op.void);
    step(c);
    advance(c, 0, 1);
    advance(c, 1, -1);
    c.op(op.end);
    c.op(op.block, op.void, op.loop, op.void);
    c.op(op.localGet, 1, op.i32Eqz, op.brIf, 1);
    step(c, 0);
    step(c, 1);
    advance(c, 0, 2);
    advance(c, 1, -2);
    c.op(op.br, 0, op.end, op.end);
    for (let lane = 0; lane < LANES; lane++) {
      c.op(op.i32Const)
        .sleb64(BigInt(CANDIDATE_ENDS))
        .op(op.localGet, 7 + lane, op.i32Store, 2, 4 * lane);
    }
  });

const pages = Math.ceil(MEMORY_BYTES / 65536);
const TYPES = [[0x60, 3, I32, I32, I32, 0]];
const EXPORTS = [
  ["memory", 2, 0],
  ["candidates", 0, 0],
] as const;

/** The module's bytes. */
export const gearModuleBytes = (): Uint8Array =>
  new WasmWriter()
    .append(MODULE_HEADER)
    .section(1, (w) => w.vector(TYPES, (v, type) => v.append(type)))
    .section(3, (w) => w.vector([0], (v, type) => v.op(type)))
    .section(5, (w) => w.vector([pages], (v, min) => v.op(0x00).uleb(min)))
    .section(7, (w) => w.vector(EXPORTS, (v, [name, kind, index]) => v.name(name).op(kind, index)))
    .section(10, (w) => w.vector([candidatesBody], (v, body) => body(v)))
    .bytes();
