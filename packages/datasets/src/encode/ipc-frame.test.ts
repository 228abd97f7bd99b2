import type { NamedFeature } from "@hfkit/cards";
import * as A from "apache-arrow";
import { describe, expect, test } from "vitest";
import { ClassLabel, Json, List, Value } from "../features/model.js";
import { FramePool, ipcFrame } from "../writer/frames.js";
import { createParquetWasmWriter } from "../writer/parquet-wasm.js";
import { BatchEncoder, type Row } from "./batch.js";

// A batch framed straight from the builders (FlatFrames) must be the very bytes apache-arrow's
// writer makes of the same batch through `finish()` and the writer's layout: the writer thread
// and the spill see no difference, so the shards are the same.

const layout = createParquetWasmWriter().layout;

function named(features: Record<string, ReturnType<typeof Value>>): NamedFeature[] {
  return Object.entries(features).map(([name, feature]) => ({ name, feature }));
}

/** Frames of `batches` through both paths: [apache-arrow's, the builders'], and whether the fast path was taken. */
function frames(
  features: NamedFeature[],
  batches: Row[][],
): { expected: Buffer[]; got: Buffer[]; flat: boolean } {
  const slow = new BatchEncoder(features);
  const fast = new BatchEncoder(features);
  const toWriter = layout(slow.schema);
  const layoutSchema = toWriter(new BatchEncoder(features).flush(true)!).schema;
  const pool = new FramePool();
  const expected: Buffer[] = [];
  const got: Buffer[] = [];
  for (const rows of batches) {
    for (const row of rows) {
      slow.append(row);
      fast.append(row);
    }
    expected.push(Buffer.from(ipcFrame(toWriter(slow.flush()!))));
    const frame = fast.flushFrame(toWriter, layoutSchema, pool)!;
    expect(frame.rows).toBe(rows.length);
    got.push(Buffer.from(frame.ipc));
    // the next frame reuses this buffer: its old bytes must not leak into padding
    frame.ipc.fill(0xab);
    pool.recycle(frame.ipc.buffer as ArrayBuffer);
  }
  expect(fast.nbytes()).toBe(slow.nbytes());
  expect(fast.cursor.row).toBe(slow.cursor.row);
  return { expected, got, flat: (fast as unknown as { flat: unknown }).flat !== null };
}

const flatFeatures = named({
  i8: Value("int8"),
  i16: Value("int16"),
  i32: Value("int32"),
  i64: Value("int64"),
  u8: Value("uint8"),
  u16: Value("uint16"),
  u32: Value("uint32"),
  u64: Value("uint64"),
  f16: Value("float16"),
  f32: Value("float32"),
  f64: Value("float64"),
  flag: Value("bool"),
  text: Value("string"),
  big: Value("large_string"),
  bin: Value("binary"),
  lbin: Value("large_binary"),
  day: Value("date32"),
  ms: Value("timestamp[ms]"),
  us: Value("time64[us]"),
  dur: Value("duration[ns]"),
  none: Value("null"),
  label: ClassLabel({ names: ["neg", "pos", "mid"] }),
  json: Json(),
});

function flatRow(i: number, nulls: boolean): Row {
  const n = (v: unknown) => (nulls && i % 7 === 3 ? null : v);
  return {
    i8: n((i % 250) - 125),
    i16: n(i * 3 - 1000),
    i32: n(i * 1000 - 7),
    i64: n(i * 1_000_003 - 5e12),
    u8: n(i % 256),
    u16: n(i % 65536),
    u32: n(i * 17),
    u64: n(i * 1_000_000_007),
    f16: n(i / 8),
    f32: n(i / 3),
    f64: n(Math.PI * i),
    flag: nulls && i % 5 === 1 ? null : i % 3 === 0,
    text: n(i % 11 === 0 ? "" : `row ${i} ✓ ${"x".repeat(i % 13)}`),
    big: n(`large ${i}`),
    bin: n(new Uint8Array([i & 255, 1, 2].slice(0, i % 4))),
    lbin: n(new Uint8Array([7, i & 255])),
    day: n(i * 86_400_000),
    ms: n(i * 1001),
    us: n(i * 5),
    dur: n(i),
    none: null,
    label: n(i % 3),
    json: n({ n: i, s: `v${i}` }),
  };
}

describe("IPC frames straight from the builders", () => {
  test("are apache-arrow's bytes for every flat type, with and without nulls, batch after batch", () => {
    const batches: Row[][] = [];
    let i = 0;
    // sizes that are not multiples of 8 or 64, a one-row batch, a full 8,192-row one
    for (const [size, nulls] of [
      [1000, false],
      [13, true],
      [1, true],
      [8192, true],
      [77, false],
      [64, true],
    ] as const) {
      batches.push(Array.from({ length: size }, () => flatRow(i++, nulls)));
    }
    const { expected, got, flat } = frames(flatFeatures, batches);
    expect(flat).toBe(true);
    for (let b = 0; b < expected.length; b++) expect(got[b]!.equals(expected[b]!)).toBe(true);
    // and apache-arrow reads the values back
    const table = A.tableFromIPC(got[3]!);
    expect(table.numRows).toBe(8192);
    expect(table.getChild("text")!.get(0)).toBe(flatRow(1014, true).text);
    const firstNull = [0, 1, 2, 3, 4, 5, 6].find((k) => (1014 + k) % 7 === 3)!;
    expect(table.getChild("i32")!.get(firstNull)).toBe(null);
    expect(table.getChild("i32")!.get(firstNull + 1)).toBe(flatRow(1015 + firstNull, true).i32);
  });

  test("an all-null bool column and a column of nulls only are apache-arrow's bytes", () => {
    const features = named({ flag: Value("bool"), text: Value("string"), n: Value("int64") });
    const rows = Array.from({ length: 30 }, () => ({ flag: null, text: null, n: null }));
    const { expected, got, flat } = frames(features, [rows, rows.slice(0, 9)]);
    expect(flat).toBe(true);
    expect(got).toEqual(expected);
  });

  test("schemas with a column the writer relays or a nested column keep apache-arrow's path", () => {
    const relaid = named({ id: Value("int64"), at: Value("date64") });
    const rows = Array.from({ length: 20 }, (_, i) => ({ id: i, at: i * 86_400_000 }));
    const a = frames(relaid, [rows]);
    expect(a.flat).toBe(false);
    expect(a.got).toEqual(a.expected);
    const nested: NamedFeature[] = [
      { name: "id", feature: Value("int64") },
      { name: "tags", feature: List(Value("string")) },
    ];
    const b = frames(nested, [Array.from({ length: 20 }, (_, i) => ({ id: i, tags: [`t${i}`] }))]);
    expect(b.flat).toBe(false);
    expect(b.got).toEqual(b.expected);
  });
});
