import { describe, expect, it } from "vitest";
import { parseYamlFile } from "./yaml-file.js";

describe("parseYamlFile", () => {
  it("reads a whole file as data and places paths on its own lines", () => {
    const file = parseYamlFile("# a request\nhf_id: acme/reviews\nsplit: 3\ninclude:\n  - '*.parquet'\n");
    expect(file.problems).toEqual([]);
    expect(file.value).toEqual({ hf_id: "acme/reviews", split: 3, include: ["*.parquet"] });
    expect(file.positionOf(["split"])).toEqual({ line: 3, column: 8 });
    expect(file.positionOf(["include", 0])).toEqual({ line: 5, column: 5 });
    expect(file.positionOf(["split"], { key: true })).toEqual({ line: 3, column: 1 });
    // A missing field points at the mapping that lacks it.
    expect(file.positionOf(["description"])).toEqual({ line: 2, column: 1 });
  });

  it("reads lists and scalars, not only mappings", () => {
    expect(parseYamlFile("- a: 1\n- b: 2\n").value).toEqual([{ a: 1 }, { b: 2 }]);
    expect(parseYamlFile("").value).toBeUndefined();
  });

  it("reports syntax errors with their line, and no value", () => {
    const file = parseYamlFile("hf_id: acme/x\ndescription: 'never closed\nsplit: train\n");
    expect(file.value).toBeUndefined();
    expect(file.problems[0]).toMatchObject({ line: 2 });
  });

  it("refuses an alias bomb instead of expanding it", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 6; i++)
      lines.push(
        `${"bcdefg"[i]}: &${"bcdefg"[i]} [${Array(10)
          .fill(`*${i === 0 ? "a" : "bcdefg"[i - 1]}`)
          .join(", ")}]`,
      );
    const file = parseYamlFile(`${lines.join("\n")}\n`);
    expect(file.value).toBeUndefined();
    expect(file.problems.map((p) => p.code)).toContain("ALIAS_LIMIT");
  });
});
