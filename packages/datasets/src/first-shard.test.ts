import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { Row } from "./encode/batch.js";
import { hyparquetRead } from "./test-utils/hyparquet.js";
import type { WriteShardsOptions } from "./types.js";
import { writeShards } from "./write-shards.js";

// One plain file lets the writer foresee the shard count and write shard 0 during the first pass
// (write-shards.ts). Whether the guess holds or not, the shards must be those of the path that
// cannot guess (the same rows given as an array): same names, row counts, row groups and rows.
const work = mkdtempSync(join(tmpdir(), "hfkit-datasets-first-shard-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

async function shards(options: Omit<WriteShardsOptions, "outputDir">) {
  const result = await writeShards({ ...options, outputDir: join(work, `out-${n++}`) });
  return Promise.all(
    result.shards.map(async (s) => ({
      path: s.pathInRepo,
      rows: s.rows,
      read: await hyparquetRead(s.localPath),
      bytes: readFileSync(s.localPath),
    })),
  );
}

// one string per row: a mismatch stays cheap to print (hyparquet reads int64 as bigint)
const key = (row: Row) => `${row.id}|${row.text}`;
const flat = (written: { read: { rows: Row[] } }[]) => written.flatMap((s) => s.read.rows.map(key));

function jsonl(name: string, rows: Row[]): string {
  const path = join(work, name);
  writeFileSync(path, rows.map((r) => `${JSON.stringify(r)}\n`).join(""));
  return path;
}

// ~8,192-row batches of about 0.3 MB of Arrow: the row groups are sized after the first batch
// (rowGroupBytes), the count is foreseen from the second, and shard 0 holds about 30,000 rows.
const sizes = { rowGroupBytes: 200_000, maxShardSize: "1MB" } as const;

// Each test writes and reads back two sets of shards (~2.5 s idle); on CI's loaded 2-core VM
// one took over the default 20 s, so they get a generous bound.
describe("shards of one JSONL file written while it is read", { timeout: 120_000 }, () => {
  test("a split of two shards: the same shards as from an array, shard 0 written in the first pass", async () => {
    const rows = Array.from({ length: 60_001 }, (_, i) => ({
      id: i,
      text: `row ${i} ${"x".repeat(i % 17)}`,
    }));
    const fromFile = await shards({ data: jsonl("even.jsonl", rows), ...sizes });
    const fromArray = await shards({ data: rows, ...sizes });
    expect(fromFile.map((s) => [s.path, s.rows])).toEqual([
      ["data/train-00000-of-00002.parquet", 30_001],
      ["data/train-00001-of-00002.parquet", 30_000],
    ]);
    expect(fromFile.map((s) => [s.path, s.rows, s.read.rowGroups, s.read.kv.huggingface])).toEqual(
      fromArray.map((s) => [s.path, s.rows, s.read.rowGroups, s.read.kv.huggingface]),
    );
    expect(flat(fromFile)).toEqual(rows.map(key));
    for (let i = 0; i < 2; i++) expect(fromFile[i]!.bytes.equals(fromArray[i]!.bytes)).toBe(true);
  });

  test("a guess proven wrong (the rows grow at the end) falls back to writing every shard from the spill", async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => ({
      id: i,
      text: i < 45_000 ? `r${i}` : `r${i} ${"long text ".repeat(20)}`,
    }));
    const fromFile = await shards({ data: jsonl("growing.jsonl", rows), ...sizes });
    const fromArray = await shards({ data: rows, ...sizes });
    expect(fromFile.map((s) => [s.path, s.rows, s.read.rowGroups])).toEqual(
      fromArray.map((s) => [s.path, s.rows, s.read.rowGroups]),
    );
    expect(fromFile.length).toBeGreaterThan(2);
    expect(flat(fromFile)).toEqual(rows.map(key));
    for (let i = 0; i < fromFile.length; i++)
      expect(fromFile[i]!.bytes.equals(fromArray[i]!.bytes)).toBe(true);
  });

  test("a split foreseen over maxShardSize that ends under it is one shard, as from an array", async () => {
    // the first half predicts far more Arrow bytes than the padded second half brings
    const path = join(work, "padded.jsonl");
    const rows = Array.from({ length: 40_000 }, (_, i) => ({
      id: i,
      text: i < 20_000 ? "z".repeat(300) : "",
    }));
    writeFileSync(
      path,
      rows.map((r) => `${JSON.stringify(r).replace(",", `,${r.text ? "" : " ".repeat(1000)}`)}\n`).join(""),
    );
    const options = { rowGroupBytes: 2_000_000, maxShardSize: "10MB" } as const;
    const fromFile = await shards({ data: path, ...options });
    const fromArray = await shards({ data: rows, ...options });
    expect(fromFile.map((s) => [s.path, s.rows, s.read.rowGroups])).toEqual([
      ["data/train-00000-of-00001.parquet", 40_000, fromArray[0]!.read.rowGroups],
    ]);
    expect(fromArray).toHaveLength(1);
    expect(flat(fromFile)).toEqual(rows.map(key));
  });
  test("a file foreseen larger than two row groups (no provisional writer) gives the shard of an array", async () => {
    // the first batch (~0.8 MB of Arrow) is under rowGroupBytes, but the file's size already
    // shows several row groups: the rows are held until the row group size is known
    const rows = Array.from({ length: 120_000 }, (_, i) => ({
      id: i,
      text: `${i} ${"w".repeat(80 + (i % 9))}`,
    }));
    const options = { rowGroupBytes: 1_000_000, maxShardSize: "100MB" } as const;
    const fromFile = await shards({ data: jsonl("large.jsonl", rows), ...options });
    const fromArray = await shards({ data: rows, ...options });
    expect(fromFile.map((s) => [s.path, s.rows])).toEqual([["data/train-00000-of-00001.parquet", 120_000]]);
    expect(fromFile[0]!.read.rowGroups.length).toBeGreaterThan(5);
    expect(fromFile[0]!.read.rowGroups).toEqual(fromArray[0]!.read.rowGroups);
    expect(flat(fromFile)).toEqual(rows.map(key));
    expect(fromFile[0]!.bytes.equals(fromArray[0]!.bytes)).toBe(true);
  });

  test("a file foreseen larger than two row groups that ends within one is one row group, as from an array", async () => {
    // dense first rows, then rows padded with spaces: the first batch predicts far more Arrow
    // bytes than the split has
    const path = join(work, "thin.jsonl");
    const rows = Array.from({ length: 40_000 }, (_, i) => ({
      id: i,
      text: i < 30_000 ? "z".repeat(20) : "",
    }));
    writeFileSync(
      path,
      rows.map((r) => `${JSON.stringify(r).replace(",", `,${r.text ? "" : " ".repeat(5000)}`)}\n`).join(""),
    );
    const options = { rowGroupBytes: 2_000_000, maxShardSize: "100MB" } as const;
    const fromFile = await shards({ data: path, ...options });
    const fromArray = await shards({ data: rows, ...options });
    expect(fromFile.map((s) => [s.path, s.rows, s.read.rowGroups.length])).toEqual([
      ["data/train-00000-of-00001.parquet", 40_000, 1],
    ]);
    expect(flat(fromFile)).toEqual(rows.map(key));
    expect(fromFile[0]!.bytes.equals(fromArray[0]!.bytes)).toBe(true);
  });
});
