import { body, I32, name, section, sleb64, uleb, V128, vector, wasm, wasmChannel } from "./wasm-asm.js";

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

const CHUNK_START = 1;
const CHUNK_END = 2;
const PARENT = 4;
const ROOT = 8;
const KEYED_HASH = 16;

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

const simd = (code: number, ...immediates: number[]) => [0xfd, ...uleb(code), ...immediates];
const v128Load = (offset: number) => simd(0x00, 4, ...uleb(offset));
const v128Store = (offset: number) => simd(0x0b, 4, ...uleb(offset));
const v128Const = (words: number[]) =>
  simd(0x0c, ...words.flatMap((w) => [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff]));
/** i8x16.shuffle picking 32-bit lanes (0–3 from the first operand, 4–7 from the second). */
const shuffle32 = (lanes: number[]) =>
  simd(0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
const shuffle8 = (bytes: number[]) => simd(0x0d, ...bytes);
const i32x4Splat = simd(0x11);
const v128Or = simd(0x50);
const v128Xor = simd(0x51);
const i32x4Shl = simd(0xab);
const i32x4ShrU = simd(0xad);
const i32x4Add = simd(0xae);
/** i32.const: one byte of signed LEB128 for -64..63 (every constant of the rounds). */
const i32Const = (value: number) =>
  value >= -64 && value < 64 ? [op.i32Const, value & 0x7f] : [op.i32Const, ...sleb64(BigInt(value | 0))];
const get = (local: number) => [op.localGet, ...uleb(local)];
const set = (local: number) => [op.localSet, ...uleb(local)];
const tee = (local: number) => [op.localTee, ...uleb(local)];

/** Rotations by 16 and 8 move whole bytes (one shuffle); by 12 and 7, two shifts and an or. */
const ROTR16_SHUFFLE = shuffle8([2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13]);
const ROTR8_SHUFFLE = shuffle8([1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12]);

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
function transpose(L: VLocals, from: number[], to: number[]): number[] {
  const [r0, r1, r2, r3] = from as [number, number, number, number];
  const [t0, t1, t2, t3] = L.t as [number, number, number, number];
  return [
    ...[...get(r0), ...get(r1), ...shuffle32([0, 4, 1, 5]), ...set(t0)],
    ...[...get(r0), ...get(r1), ...shuffle32([2, 6, 3, 7]), ...set(t1)],
    ...[...get(r2), ...get(r3), ...shuffle32([0, 4, 1, 5]), ...set(t2)],
    ...[...get(r2), ...get(r3), ...shuffle32([2, 6, 3, 7]), ...set(t3)],
    ...[...get(t0), ...get(t2), ...shuffle32([0, 1, 4, 5]), ...set(to[0] as number)],
    ...[...get(t0), ...get(t2), ...shuffle32([2, 3, 6, 7]), ...set(to[1] as number)],
    ...[...get(t1), ...get(t3), ...shuffle32([0, 1, 4, 5]), ...set(to[2] as number)],
    ...[...get(t1), ...get(t3), ...shuffle32([2, 3, 6, 7]), ...set(to[3] as number)],
  ];
}

/** Loads lane l's 16 message words from `base` + `stride` l into m0..m15 (word-major). */
function loadMessage(L: VLocals, base: number, stride: number): number[] {
  const code: number[] = [];
  for (let g = 0; g < 4; g++) {
    for (let lane = 0; lane < 4; lane++)
      code.push(...get(base), ...v128Load(stride * lane + 16 * g), ...set(L.r[lane] as number));
    code.push(...transpose(L, L.r, L.m.slice(4 * g, 4 * g + 4)));
  }
  // Kept in memory rather than in locals: the rounds read each word as an operand, and the
  // state's 16 vectors keep the registers (as the reference's SSE4.1 code does).
  for (let w = 0; w < 16; w++)
    code.push(...i32Const(0), ...get(L.m[w] as number), ...v128Store(MSG + 16 * w));
  return code;
}

/** Stores the chaining values cv0..cv7 (word-major) as lane l's 32 bytes at `out` + 32 l. */
function storeCvs(L: VLocals, out: number): number[] {
  const code: number[] = [];
  for (let half = 0; half < 2; half++) {
    code.push(...transpose(L, L.cv.slice(4 * half, 4 * half + 4), L.r));
    for (let lane = 0; lane < 4; lane++)
      code.push(...get(out), ...get(L.r[lane] as number), ...v128Store(32 * lane + 16 * half));
  }
  return code;
}

/** Appends the parts to `code` (a loop: spreading ~30,000 small arrays took 0.1 s). */
function emit(code: number[], ...parts: readonly (number | readonly number[])[]): void {
  for (const part of parts) {
    if (typeof part === "number") code.push(part);
    else for (const byte of part) code.push(byte);
  }
}

function g(
  code: number[],
  L: VLocals,
  a: number,
  b: number,
  c: number,
  d: number,
  x: number,
  y: number,
): void {
  const [A, B, C, D] = [L.s[a], L.s[b], L.s[c], L.s[d]] as number[] as [number, number, number, number];
  const [getA, getB, getC, getD] = [get(A), get(B), get(C), get(D)];
  const X = [...i32Const(0), ...v128Load(MSG + 16 * x)];
  const Y = [...i32Const(0), ...v128Load(MSG + 16 * y)];
  const rotr = (n: number) => [
    ...tee(B),
    ...i32Const(n),
    ...i32x4ShrU,
    ...getB,
    ...i32Const(32 - n),
    ...i32x4Shl,
    ...v128Or,
    ...set(B),
  ];
  emit(code, getA, getB, i32x4Add, X, i32x4Add, set(A));
  emit(code, getD, getA, v128Xor, tee(D), getD, ROTR16_SHUFFLE, set(D));
  emit(code, getC, getD, i32x4Add, set(C));
  emit(code, getB, getC, v128Xor, rotr(12));
  emit(code, getA, getB, i32x4Add, Y, i32x4Add, set(A));
  emit(code, getD, getA, v128Xor, tee(D), getD, ROTR8_SHUFFLE, set(D));
  emit(code, getC, getD, i32x4Add, set(C));
  emit(code, getB, getC, v128Xor, rotr(7));
}

/**
 * One compression of four lanes: state from cv0..cv7, the IV, and the counter, block length
 * and flags vectors that `counterLenFlags` pushes (in that order); seven rounds over the
 * message words at MSG; the new chaining values back into cv0..cv7.
 */
function compress(L: VLocals, counterLenFlags: number[]): number[] {
  const code: number[] = [];
  for (let i = 0; i < 8; i++) emit(code, get(L.cv[i] as number), set(L.s[i] as number));
  for (let i = 0; i < 4; i++) emit(code, i32Const(IV[i] as number), i32x4Splat, set(L.s[8 + i] as number));
  emit(code, counterLenFlags, set(L.s[15] as number), set(L.s[14] as number));
  emit(code, set(L.s[13] as number), set(L.s[12] as number));
  let w = Array.from({ length: 16 }, (_, i) => i);
  for (let round = 0; round < 7; round++) {
    const m = (i: number) => w[i] as number;
    g(code, L, 0, 4, 8, 12, m(0), m(1));
    g(code, L, 1, 5, 9, 13, m(2), m(3));
    g(code, L, 2, 6, 10, 14, m(4), m(5));
    g(code, L, 3, 7, 11, 15, m(6), m(7));
    g(code, L, 0, 5, 10, 15, m(8), m(9));
    g(code, L, 1, 6, 11, 12, m(10), m(11));
    g(code, L, 2, 7, 8, 13, m(12), m(13));
    g(code, L, 3, 4, 9, 14, m(14), m(15));
    const previous = w;
    w = PERMUTATION.map((p) => previous[p] as number);
  }
  for (let i = 0; i < 8; i++) {
    emit(code, get(L.s[i] as number), get(L.s[i + 8] as number), v128Xor, set(L.cv[i] as number));
  }
  return code;
}

/** cv0..cv7 = the key words (memory 0..32), in every lane. */
function loadKey(L: VLocals): number[] {
  return L.cv.flatMap((local, i) => [
    ...i32Const(0),
    op.i32Load,
    2,
    ...uleb(4 * i),
    ...i32x4Splat,
    ...set(local),
  ]);
}

// $chunks: params 0 in, 1 out, 2 counter, 3 flags, 4 blocks, 5 lastLen, 6 endFlags; locals
// 7 b (block index), 8 p (block address), 9 last (this block is the last), then the v128s.
function chunksBody(): number[] {
  const L = vLocals(10);
  const [IN, OUT, COUNTER, FLAGS, BLOCKS, LAST_LEN, END_FLAGS, B, P, LAST] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const counterLenFlags = [
    ...[...get(COUNTER), ...i32x4Splat, ...v128Const([0, 1, 2, 3]), ...i32x4Add],
    ...v128Const([0, 0, 0, 0]),
    ...[...get(LAST_LEN), ...i32Const(64), ...get(LAST), op.select, ...i32x4Splat],
    ...[
      ...get(FLAGS),
      ...i32Const(CHUNK_START),
      ...i32Const(0),
      ...get(B),
      ...i32Const(0),
      op.i32Eq,
      op.select,
      op.i32Or,
    ],
    ...[
      ...get(END_FLAGS),
      ...i32Const(CHUNK_END),
      op.i32Or,
      ...i32Const(0),
      ...get(LAST),
      op.select,
      op.i32Or,
    ],
    ...i32x4Splat,
  ];
  return body(
    [2, 3, I32, L.count, V128],
    [
      ...loadKey(L),
      ...[...i32Const(0), ...set(B), ...get(IN), ...set(P)],
      ...[op.loop, op.void],
      ...[...get(B), ...get(BLOCKS), ...i32Const(1), op.i32Sub, op.i32Eq, ...set(LAST)],
      ...loadMessage(L, P, 1024),
      ...compress(L, counterLenFlags),
      ...[...get(P), ...i32Const(64), op.i32Add, ...set(P)],
      ...[...get(B), ...i32Const(1), op.i32Add, ...tee(B), ...get(BLOCKS), op.i32LtU, op.brIf, 0],
      op.end,
      ...storeCvs(L, OUT),
    ],
  );
}

// $parents: params 0 in, 1 out, 2 flags, then the v128s.
function parentsBody(): number[] {
  const L = vLocals(3);
  const [IN, OUT, FLAGS] = [0, 1, 2];
  const counterLenFlags = [
    ...v128Const([0, 0, 0, 0]),
    ...v128Const([0, 0, 0, 0]),
    ...v128Const([64, 64, 64, 64]),
    ...get(FLAGS),
    ...i32x4Splat,
  ];
  return body(
    [1, L.count, V128],
    [...loadKey(L), ...loadMessage(L, IN, 64), ...compress(L, counterLenFlags), ...storeCvs(L, OUT)],
  );
}

/** The module's bytes, assembled on first use (not at import: most commands never hash Xet). */
const moduleBytes = () =>
  new Uint8Array(
    [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00].concat(
      section(
        1,
        vector([
          [0x60, 7, I32, I32, I32, I32, I32, I32, I32, 0],
          [0x60, 3, I32, I32, I32, 0],
        ]),
      ),
      section(3, vector([[0], [1]])),
      section(5, vector([[0x00, 1]])),
      section(
        7,
        vector([
          name("memory").concat([2, 0]),
          name("chunks").concat([0, 0]),
          name("parents").concat([0, 1]),
        ]),
      ),
      section(10, vector([chunksBody(), parentsBody()])),
    ),
  );

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
    const bytes = moduleBytes();
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
