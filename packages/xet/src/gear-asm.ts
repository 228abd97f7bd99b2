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
  i32Load: 0x28,
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
// hashes (i64), 7 = a list's end while a match is written, 8 = warm-up bytes left. Four
// independent hashes, each warmed up on the 64 bytes before its lane: the hash a byte gets then
// depends on the 64 bytes up to it only (the gear hash forgets older bytes), as the chunker's
// hash does wherever it tests. Their chains of dependent operations interleave, and the lanes'
// fixed distance is a load's constant offset: ~1.45 times the bytes per second of the one-lane
// loop this replaced (issue 19, ADR 0009 addendum).
//
// The main loop takes UNROLL bytes per lane per turn, testing each byte with a branch out of
// the turn: no match (all but one byte in 65,536) runs straight through. A match leaves for the
// turn's slow copy, which warms the lanes up again on the 64 bytes before the turn and takes it
// once more, recording its matches. The lists' ends live in memory (CANDIDATE_ENDS), not in
// locals: the hashes, p, count and the mask then stay in registers (with the ends in locals,
// TurboFan stored every lane's hash to the stack after each byte). 0.83–0.89 times the CPU per
// byte of the loop of one byte per turn with a branch over each match's code (issue 19,
// tooling/bench/xet-chunker-ab.mjs). One test for the four lanes (the product of their top 16
// bits, or an OR of `h < 2^48`) and 5 or 6 lanes took more CPU than a branch per lane and byte.
const UNROLL = 8;

/** Lane `lane`'s hash after the byte `at` bytes after p in its stretch, left on the stack. */
const laneStep = (c: WasmWriter, lane: number, at = 0) =>
  c
    .op(op.localGet, 3 + lane, op.i64Const, 1, op.i64Shl)
    .op(op.localGet, 0, op.i32Load8u, 0)
    .uleb(lane * LANE_CAPACITY + at)
    .op(op.i32Const, 3, op.i32Shl, op.i64Load, 3, 0)
    .op(op.i64Add, op.localTee, 3 + lane);
/** Whether the hash on the stack matches (top 16 bits zero), as an i32. */
const matches = (c: WasmWriter) => c.op(op.i64Const).sleb64(MASK).op(op.i64And, op.i64Eqz);
/** Appends that byte's position to lane `lane`'s list when the hash on the stack matches. */
const recordMatch = (c: WasmWriter, lane: number, at = 0) => {
  const end = CANDIDATE_ENDS + 4 * lane;
  matches(c).op(op.if, op.void);
  c.op(op.i32Const, 0, op.i32Load, 2).uleb(end).op(op.localTee, 7, op.localGet, 0);
  if (lane * LANE_CAPACITY + at > 0)
    c.op(op.i32Const)
      .sleb64(BigInt(lane * LANE_CAPACITY + at))
      .op(op.i32Add);
  c.op(op.i32Store, 2, 0);
  c.op(op.i32Const, 0, op.localGet, 7, op.i32Const, 4, op.i32Add, op.i32Store, 2).uleb(end);
  c.op(op.end);
};
/** The lanes' next `n` bytes, each recorded when it matches. */
const recordingSteps = (c: WasmWriter, n: number) => {
  for (let at = 0; at < n; at++)
    for (let lane = 0; lane < LANES; lane++) recordMatch(laneStep(c, lane, at), lane, at);
};
const advance = (c: WasmWriter, local: number, by: number) =>
  c.op(op.localGet, local, op.i32Const).sleb64(BigInt(by)).op(op.i32Add, op.localSet, local);
/** Gives the lanes the hashes of the 64 bytes before p (from zero, reading them). */
const warmUp = (c: WasmWriter) => {
  for (let lane = 0; lane < LANES; lane++) c.op(op.i64Const, 0, op.localSet, 3 + lane);
  advance(c, 0, -64);
  c.op(op.i32Const).sleb64(64n).op(op.localSet, 8);
  c.op(op.block, op.void, op.loop, op.void);
  c.op(op.localGet, 8, op.i32Eqz, op.brIf, 1);
  for (let lane = 0; lane < LANES; lane++) laneStep(c, lane).op(op.drop);
  advance(c, 0, 1);
  advance(c, 8, -1);
  c.op(op.br, 0, op.end, op.end);
};
const candidatesBody = (w: WasmWriter) =>
  w.body([2, LANES, I64, 2, I32], (c) => {
    for (let lane = 0; lane < LANES; lane++) {
      c.op(op.i32Const, 0, op.localGet, 2, op.i32Const).sleb64(BigInt(lane * 4 * LANE_CAPACITY));
      c.op(op.i32Add, op.i32Store, 2).uleb(CANDIDATE_ENDS + 4 * lane);
    }
    warmUp(c);
    // A byte at a time until count is a multiple of UNROLL.
    c.op(op.block, op.void, op.loop, op.void);
    c.op(op.localGet, 1, op.i32Const, UNROLL - 1, op.i32And, op.i32Eqz, op.brIf, 1);
    recordingSteps(c, 1);
    advance(c, 0, 1);
    advance(c, 1, -1);
    c.op(op.br, 0, op.end, op.end);
    c.op(op.block, op.void, op.loop, op.void);
    c.op(op.localGet, 1, op.i32Eqz, op.brIf, 1);
    c.op(op.block, op.void);
    for (let at = 0; at < UNROLL; at++)
      for (let lane = 0; lane < LANES; lane++) matches(laneStep(c, lane, at)).op(op.brIf, 0);
    advance(c, 0, UNROLL);
    advance(c, 1, -UNROLL);
    c.op(op.br, 1, op.end);
    // A match in this turn: the turn again, from the hashes before it, recording.
    warmUp(c);
    recordingSteps(c, UNROLL);
    advance(c, 0, UNROLL);
    advance(c, 1, -UNROLL);
    c.op(op.br, 0, op.end, op.end);
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
