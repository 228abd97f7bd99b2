import { encode, I32, MODULE_HEADER, V128, WasmWriter } from "./wasm-asm.js";

// The BLAKE3 SIMD kernel's module (blake3-simd.ts says what its two functions do), written
// out instruction by instruction. Its bytes ship in wasm-bytes.ts, checked against this file by
// wasm-bytes.test.ts: assembling them at run time cost the first Xet hash of a process 10–20 ms
// of CPU (issue 19).

const CHUNK_START = 1;
const CHUNK_END = 2;

/** The current block's message words, lane-major (16 vectors), read by the rounds. */
const MSG = 256;

const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const PERMUTATION = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];

const op = {
  loop: 0x03,
  brIf: 0x0d,
  end: 0x0b,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i32Const: 0x41,
  i32Eq: 0x46,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Or: 0x72,
  void: 0x40,
} as const;

// Constant runs are encoded once per module; everything else is appended to one writer.
const simd = (w: WasmWriter, code: number) => w.op(0xfd).uleb(code);
const v128Load = (w: WasmWriter, offset: number) => simd(w, 0x00).op(4).uleb(offset);
const v128Store = (w: WasmWriter, offset: number) => simd(w, 0x0b).op(4).uleb(offset);
const v128Const = (w: WasmWriter, words: readonly number[]) => {
  simd(w, 0x0c);
  for (const word of words)
    w.op(word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, (word >>> 24) & 0xff);
  return w;
};
/** i8x16.shuffle picking 32-bit lanes (0–3 from the first operand, 4–7 from the second). */
const shuffle32 = (lanes: readonly number[]) =>
  encode((w) => {
    simd(w, 0x0d);
    for (const l of lanes) w.op(4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3);
  });
const shuffle8 = (bytes: readonly number[]) => encode((w) => simd(w, 0x0d).append(bytes));
/** i32.const: one byte of signed LEB128 for -64..63 (every constant of the rounds). */
const i32Const = (w: WasmWriter, value: number) =>
  value >= -64 && value < 64 ? w.op(op.i32Const, value & 0x7f) : w.op(op.i32Const).sleb64(BigInt(value | 0));
const get = (w: WasmWriter, local: number) => w.op(op.localGet).uleb(local);
const set = (w: WasmWriter, local: number) => w.op(op.localSet).uleb(local);
const tee = (w: WasmWriter, local: number) => w.op(op.localTee).uleb(local);

/** The constant runs of both functions (built with the module, not at import). */
function runs() {
  const simdOp = (code: number) => encode((w) => simd(w, code));
  return {
    i32x4Splat: simdOp(0x11),
    v128Or: simdOp(0x50),
    v128Xor: simdOp(0x51),
    i32x4Shl: simdOp(0xab),
    i32x4ShrU: simdOp(0xad),
    i32x4Add: simdOp(0xae),
    /** Rotations by 16 and 8 move whole bytes (one shuffle); by 12 and 7, two shifts and an or. */
    rotr16: shuffle8([2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13]),
    rotr8: shuffle8([1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12]),
    interleaveLow: shuffle32([0, 4, 1, 5]),
    interleaveHigh: shuffle32([2, 6, 3, 7]),
    lowHalves: shuffle32([0, 1, 4, 5]),
    highHalves: shuffle32([2, 3, 6, 7]),
  };
}
type Runs = ReturnType<typeof runs>;

/** The v128 locals of both functions, after their i32 parameters and locals. */
function vLocals(first: number) {
  const range = (start: number, n: number) => Array.from({ length: n }, (_, i) => start + i);
  return {
    cv: range(first, 8),
    s: range(first + 8, 16),
    m: range(first + 24, 16),
    t: range(first + 40, 4),
    r: range(first + 44, 4),
    count: 48,
  };
}
type VLocals = ReturnType<typeof vLocals>;

/** Columns of a 4×4 matrix of words held as four rows (in `from`), into `to`: rows ⇄ lanes. */
function transpose(w: WasmWriter, R: Runs, L: VLocals, from: readonly number[], to: readonly number[]): void {
  const [r0, r1, r2, r3] = from as [number, number, number, number];
  const [t0, t1, t2, t3] = L.t as [number, number, number, number];
  const pair = (a: number, b: number, shuffle: Uint8Array, out: number) =>
    set(get(get(w, a), b).append(shuffle), out);
  pair(r0, r1, R.interleaveLow, t0);
  pair(r0, r1, R.interleaveHigh, t1);
  pair(r2, r3, R.interleaveLow, t2);
  pair(r2, r3, R.interleaveHigh, t3);
  pair(t0, t2, R.lowHalves, to[0] as number);
  pair(t0, t2, R.highHalves, to[1] as number);
  pair(t1, t3, R.lowHalves, to[2] as number);
  pair(t1, t3, R.highHalves, to[3] as number);
}

/** Loads lane l's 16 message words from `base` + `stride` l into m0..m15 (word-major). */
function loadMessage(w: WasmWriter, R: Runs, L: VLocals, base: number, stride: number): void {
  for (let g = 0; g < 4; g++) {
    for (let lane = 0; lane < 4; lane++)
      set(v128Load(get(w, base), stride * lane + 16 * g), L.r[lane] as number);
    transpose(w, R, L, L.r, L.m.slice(4 * g, 4 * g + 4));
  }
  // Kept in memory rather than in locals: the rounds read each word as an operand, and the
  // state's 16 vectors keep the registers (as the reference's SSE4.1 code does).
  for (let m = 0; m < 16; m++) v128Store(get(i32Const(w, 0), L.m[m] as number), MSG + 16 * m);
}

/** Stores the chaining values cv0..cv7 (word-major) as lane l's 32 bytes at `out` + 32 l. */
function storeCvs(w: WasmWriter, R: Runs, L: VLocals, out: number): void {
  for (let half = 0; half < 2; half++) {
    transpose(w, R, L, L.cv.slice(4 * half, 4 * half + 4), L.r);
    for (let lane = 0; lane < 4; lane++)
      v128Store(get(get(w, out), L.r[lane] as number), 32 * lane + 16 * half);
  }
}

function g(
  w: WasmWriter,
  R: Runs,
  L: VLocals,
  a: number,
  b: number,
  c: number,
  d: number,
  x: number,
  y: number,
) {
  const [A, B, C, D] = [L.s[a], L.s[b], L.s[c], L.s[d]] as number[] as [number, number, number, number];
  const message = (word: number) => v128Load(i32Const(w, 0), MSG + 16 * word);
  const rotr = (n: number) => {
    i32Const(tee(w, B), n).append(R.i32x4ShrU);
    i32Const(get(w, B), 32 - n)
      .append(R.i32x4Shl)
      .append(R.v128Or);
    set(w, B);
  };
  // Each half: a += b + m; d = (d ^ a) >>> 16 (then 8); c += d; b = (b ^ c) >>> 12 (then 7).
  const half = (word: number, rotateD: Uint8Array, rotateB: number) => {
    get(get(w, A), B).append(R.i32x4Add);
    message(word).append(R.i32x4Add);
    set(w, A);
    get(tee(get(get(w, D), A).append(R.v128Xor), D), D).append(rotateD);
    set(w, D);
    set(get(get(w, C), D).append(R.i32x4Add), C);
    get(get(w, B), C).append(R.v128Xor);
    rotr(rotateB);
  };
  half(x, R.rotr16, 12);
  half(y, R.rotr8, 7);
}

/**
 * One compression of four lanes: state from cv0..cv7, the IV, and the counter, block length
 * and flags vectors that `counterLenFlags` pushes (in that order); seven rounds over the
 * message words at MSG; the new chaining values back into cv0..cv7.
 */
function compress(w: WasmWriter, R: Runs, L: VLocals, counterLenFlags: (w: WasmWriter) => void): void {
  for (let i = 0; i < 8; i++) set(get(w, L.cv[i] as number), L.s[i] as number);
  for (let i = 0; i < 4; i++) set(i32Const(w, IV[i] as number).append(R.i32x4Splat), L.s[8 + i] as number);
  counterLenFlags(w);
  set(set(w, L.s[15] as number), L.s[14] as number);
  set(set(w, L.s[13] as number), L.s[12] as number);
  let m = Array.from({ length: 16 }, (_, i) => i);
  for (let round = 0; round < 7; round++) {
    const word = (i: number) => m[i] as number;
    g(w, R, L, 0, 4, 8, 12, word(0), word(1));
    g(w, R, L, 1, 5, 9, 13, word(2), word(3));
    g(w, R, L, 2, 6, 10, 14, word(4), word(5));
    g(w, R, L, 3, 7, 11, 15, word(6), word(7));
    g(w, R, L, 0, 5, 10, 15, word(8), word(9));
    g(w, R, L, 1, 6, 11, 12, word(10), word(11));
    g(w, R, L, 2, 7, 8, 13, word(12), word(13));
    g(w, R, L, 3, 4, 9, 14, word(14), word(15));
    const previous = m;
    m = PERMUTATION.map((p) => previous[p] as number);
  }
  for (let i = 0; i < 8; i++) {
    set(get(get(w, L.s[i] as number), L.s[i + 8] as number).append(R.v128Xor), L.cv[i] as number);
  }
}

/** cv0..cv7 = the key words (memory 0..32), in every lane. */
function loadKey(w: WasmWriter, R: Runs, L: VLocals): void {
  L.cv.forEach((local, i) => {
    set(
      i32Const(w, 0)
        .op(op.i32Load, 2)
        .uleb(4 * i)
        .append(R.i32x4Splat),
      local,
    );
  });
}

// $chunks: params 0 in, 1 out, 2 counter, 3 flags, 4 blocks, 5 lastLen, 6 endFlags; locals
// 7 b (block index), 8 p (block address), 9 last (this block is the last), then the v128s.
function chunksBody(w: WasmWriter, R: Runs): void {
  const L = vLocals(10);
  const [IN, OUT, COUNTER, FLAGS, BLOCKS, LAST_LEN, END_FLAGS, B, P, LAST] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const counterLenFlags = (c: WasmWriter) => {
    v128Const(get(c, COUNTER).append(R.i32x4Splat), [0, 1, 2, 3]).append(R.i32x4Add);
    v128Const(c, [0, 0, 0, 0]);
    get(i32Const(get(c, LAST_LEN), 64), LAST)
      .op(op.select)
      .append(R.i32x4Splat);
    i32Const(get(i32Const(i32Const(get(c, FLAGS), CHUNK_START), 0), B), 0).op(op.i32Eq, op.select, op.i32Or);
    get(i32Const(i32Const(get(c, END_FLAGS), CHUNK_END).op(op.i32Or), 0), LAST).op(op.select, op.i32Or);
    c.append(R.i32x4Splat);
  };
  w.body([2, 3, I32, L.count, V128], (c) => {
    loadKey(c, R, L);
    get(set(i32Const(c, 0), B), IN);
    set(c, P);
    c.op(op.loop, op.void);
    set(i32Const(get(get(c, B), BLOCKS), 1).op(op.i32Sub, op.i32Eq), LAST);
    loadMessage(c, R, L, P, 1024);
    compress(c, R, L, counterLenFlags);
    set(i32Const(get(c, P), 64).op(op.i32Add), P);
    get(tee(i32Const(get(c, B), 1).op(op.i32Add), B), BLOCKS).op(op.i32LtU, op.brIf, 0);
    c.op(op.end);
    storeCvs(c, R, L, OUT);
  });
}

// $parents: params 0 in, 1 out, 2 flags, then the v128s.
function parentsBody(w: WasmWriter, R: Runs): void {
  const L = vLocals(3);
  const [IN, OUT, FLAGS] = [0, 1, 2];
  const counterLenFlags = (c: WasmWriter) => {
    v128Const(c, [0, 0, 0, 0]);
    v128Const(c, [0, 0, 0, 0]);
    v128Const(c, [64, 64, 64, 64]);
    get(c, FLAGS).append(R.i32x4Splat);
  };
  w.body([1, L.count, V128], (c) => {
    loadKey(c, R, L);
    loadMessage(c, R, L, IN, 64);
    compress(c, R, L, counterLenFlags);
    storeCvs(c, R, L, OUT);
  });
}

const EXPORTS = [
  ["memory", 2, 0],
  ["chunks", 0, 0],
  ["parents", 0, 1],
] as const;

/** The module's bytes, assembled on first use (not at import: most commands never hash Xet). */
export function blake3ModuleBytes(): Uint8Array {
  const R = runs();
  return new WasmWriter()
    .append(MODULE_HEADER)
    .section(1, (w) =>
      w.uleb(2).op(0x60, 7, I32, I32, I32, I32, I32, I32, I32, 0).op(0x60, 3, I32, I32, I32, 0),
    )
    .section(3, (w) => w.op(2, 0, 1))
    .section(5, (w) => w.op(1, 0x00, 1))
    .section(7, (w) => w.vector(EXPORTS, (v, [name, kind, index]) => v.name(name).op(kind, index)))
    .section(10, (w) => {
      w.uleb(2);
      chunksBody(w, R);
      parentsBody(w, R);
    })
    .bytes();
}
