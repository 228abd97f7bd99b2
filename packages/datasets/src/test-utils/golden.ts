import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Row } from "../encode/batch.js";
import {
  Array2D,
  ClassLabel,
  type FeaturesInput,
  Json,
  LargeList,
  List,
  Sequence,
  Struct,
  Value,
} from "../features/model.js";

/**
 * The golden captures of Python datasets 5.0.1, committed in tooling/golden/datasets-5.0.1
 * (its README says how they were made). `HFKIT_GOLDEN_DIR` points elsewhere.
 */
export const GOLDEN =
  process.env.HFKIT_GOLDEN_DIR ??
  join(dirname(fileURLToPath(import.meta.url)), "../../../../tooling/golden/datasets-5.0.1");

export function golden(path: string): string {
  return readFileSync(join(GOLDEN, path), "utf8");
}

/** The features of golden s3 (every feature type), declared as a user would. */
export const S3_FEATURES: FeaturesInput = {
  label: ClassLabel({ names: ["cat", "dog", "bird"] }),
  ints: List(Value("int64")),
  fixed3: List(Value("int32"), 3),
  large_strs: LargeList(Value("string")),
  seq_legacy: Sequence(Value("int16")),
  list_of_struct: List({ a: Value("int32"), b: Value("string") }),
  nested: Struct({
    outer: Struct({ inner: Value("float32"), tags: List(Value("string")) }),
    flag: Value("bool"),
  }),
  blob: Value("binary"),
  matrix: Array2D({ shape: [2, 3], dtype: "float32" }),
  js: Json(),
  ts: Value("timestamp[us]"),
  ts_tz: Value("timestamp[ms, tz=UTC]"),
  day: Value("date32"),
  money: Value("decimal128(10, 2)"),
  small: Value("int8"),
  u16: Value("uint16"),
  f32: Value("float32"),
  lstr: Value("large_string"),
};

const JS_VALUES = [
  { k: 1, nested: { l: [1, 2, 3] } },
  [1, "two", null],
  "plain string",
  42,
  null,
  { mixed: true },
];
const SMALL = [-128, -1, 0, 1, 64, 127];
const U16 = [0, 1, 2, 65535, 300, 7];
const F32 = [0.1, 1.5, -2.25, 3.0, 0.0, 1e10];

/** The six rows of golden s3, as JS values. */
export function s3Rows(): Row[] {
  return Array.from({ length: 6 }, (_, i) => ({
    label: i % 3,
    ints: Array.from({ length: i }, (_, j) => j),
    fixed3: [i, i + 1, i + 2],
    large_strs: [`s${i}`, "ß"],
    seq_legacy: [i, -i],
    list_of_struct: Array.from({ length: i % 3 }, (_, j) => ({ a: j, b: `b${j}` })),
    nested: { outer: { inner: i * 0.5, tags: Array.from({ length: i }, () => "x") }, flag: i % 2 === 0 },
    blob: new Uint8Array(Array.from({ length: i + 1 }, () => [i, 0, 255, i]).flat()),
    matrix: [
      [i, i + 0.5, i + 1],
      [-i, 0, 1.25],
    ],
    js: JS_VALUES[i],
    ts: `2024-01-0${i + 2}T03:04:05.67890${i + 1}`,
    ts_tz: new Date(Date.UTC(2024, 5, 1, 12, 0, 0, i)),
    day: new Date(Date.UTC(2020, 1, 28 + i)),
    money: (i * 1234.01).toFixed(2),
    small: SMALL[i],
    u16: U16[i],
    f32: F32[i],
    lstr: `large ${i} ✓`,
  }));
}
