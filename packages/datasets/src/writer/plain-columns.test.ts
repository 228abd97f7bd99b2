import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pythonSkipReason, runPython } from "@hfkit/testing/python";
import { afterAll, describe, expect, test } from "vitest";
import { hyparquetRead } from "../test-utils/hyparquet.js";
import { writeShards } from "../write-shards.js";

// Numeric columns whose first 8,192 values are (nearly) all different are written without a
// dictionary (BatchEncoder.plainColumns); every other column keeps datasets' snappy + dictionary.

const work = mkdtempSync(join(tmpdir(), "hfkit-plain-columns-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function rows(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: i,
    x: i * 0.5 + 0.25,
    small: i % 200, // int64 too, repeated
    flag: (i * 7919) % 65_536, // all different, not in order (7919 is odd: no repeat before 65,536 rows)
    sometimes: i === 3 ? null : i, // all different but one null
    repeats: i % 50 === 0 ? -1 : i, // 2% repeats: over the 1% that keeps a dictionary
    label: `l${i % 3}`,
  }));
}

async function dictionaries(path: string) {
  const { columns } = await hyparquetRead(path);
  return Object.fromEntries(columns!.map((c) => [c.path, [c.codec, c.dictionary]]));
}

describe("columns written without a dictionary", () => {
  test("numbers all different in the first batch: PLAIN; repeated numbers and text: dictionary", async () => {
    const data = rows(20_000);
    const result = await writeShards({ data, outputDir: join(work, "one") });
    const path = result.shards[0]!.localPath;
    expect(await dictionaries(path)).toEqual({
      id: ["SNAPPY", false],
      x: ["SNAPPY", false],
      small: ["SNAPPY", true],
      flag: ["SNAPPY", false],
      sometimes: ["SNAPPY", false],
      repeats: ["SNAPPY", true],
      label: ["SNAPPY", true],
    });
    const read = await hyparquetRead(path);
    expect(read.rows.length).toBe(20_000);
    expect(
      read.rows.map((r) => ({
        ...r,
        id: Number(r.id),
        small: Number(r.small),
        flag: Number(r.flag),
        sometimes: r.sometimes === null ? null : Number(r.sometimes),
        repeats: Number(r.repeats),
      })),
    ).toEqual(data);
  });

  test("every shard of a split gets the same columns", async () => {
    const result = await writeShards({ data: rows(20_000), numShards: 3, outputDir: join(work, "three") });
    expect(result.shards).toHaveLength(3);
    for (const shard of result.shards) {
      const d = await dictionaries(shard.localPath);
      expect([d.id, d.x, d.small]).toEqual([
        ["SNAPPY", false],
        ["SNAPPY", false],
        ["SNAPPY", true],
      ]);
    }
  });

  test("a split smaller than the first batch keeps a dictionary on every column, as pyarrow", async () => {
    const result = await writeShards({ data: rows(8191), outputDir: join(work, "small") });
    const d = await dictionaries(result.shards[0]!.localPath);
    expect(Object.values(d).every(([, dictionary]) => dictionary)).toBe(true);
  });
});

describe.skipIf(pythonSkipReason())("a shard with PLAIN columns in Python", () => {
  test("datasets loads it with the features and values written", async () => {
    const data = rows(10_000);
    const result = await writeShards({ data, outputDir: join(work, "python") });
    const out = await runPython(
      "import json, sys, datasets\n" +
        "datasets.disable_progress_bars()\n" +
        "ds = datasets.load_dataset('parquet', data_files=sys.argv[1], split='train', cache_dir=sys.argv[2])\n" +
        "print(json.dumps({'features': {k: v.dtype for k, v in ds.features.items()}, 'rows': ds.to_list()}))\n",
      {
        args: [result.shards[0]!.localPath, join(work, "py-cache")],
        env: { HF_HOME: join(work, "hf") },
        timeoutMs: 300_000,
      },
    );
    const answer = JSON.parse(out.trim().split("\n").at(-1)!) as {
      features: Record<string, string>;
      rows: unknown[];
    };
    expect(answer.features).toEqual({
      id: "int64",
      x: "float64",
      small: "int64",
      flag: "int64",
      sometimes: "int64",
      repeats: "int64",
      label: "string",
    });
    expect(answer.rows).toEqual(data);
  }, 300_000);
});
