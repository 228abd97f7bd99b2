import { describe, expect, it } from "vitest";
import { inferFeatures } from "./infer.js";

const dtypes = (rows: Record<string, unknown>[]) =>
  inferFeatures(rows).map(({ name, feature }) => [name, feature.type === "value" ? feature.dtype : feature]);

// A value of the kind its column already has is skipped without a merge (encode/infer.ts): the
// columns' order, nulls before and after values, int widened to float, lists and the conflict's
// row must come out as pyarrow infers them.
describe("inferFeatures", () => {
  it("keeps first-seen column order, with nulls before or after values", () => {
    expect(
      dtypes([
        { a: null, b: 1, c: null },
        { a: 1, b: null, c: null },
        { a: 2.5, b: 2, c: null },
      ]),
    ).toEqual([
      ["a", "float64"],
      ["b", "int64"],
      ["c", "null"],
    ]);
  });

  it("merges list items across rows and widens ints seen after floats", () => {
    expect(
      inferFeatures([
        { l: [1], x: 0.5 },
        { l: [2.5], x: 3 },
        { l: [], x: null },
      ]),
    ).toEqual([
      { name: "l", feature: { type: "list", feature: { type: "value", dtype: "float64" } } },
      { name: "x", feature: { type: "value", dtype: "float64" } },
    ]);
  });

  it("refuses a column that mixes kinds at the row that mixes them", () => {
    expect(() => inferFeatures([{ a: 1 }, { a: 2 }, { a: "x" }])).toThrow(
      /^row 2, column "a": mixes int and string values/,
    );
  });
});
