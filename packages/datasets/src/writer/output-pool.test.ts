import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { hyparquetRead } from "../test-utils/hyparquet.js";
import { writeShards } from "../write-shards.js";

// The writer thread copies each row group out of wasm memory into a buffer it reuses once that
// row group is on disk (parquet-wasm.ts). Reuse too early and a row group on disk holds another's
// bytes; so every value is read back by an independent reader, over many row groups of growing
// size (a later one outgrows the buffers made for the first ones) in two shards written by the
// same thread one after the other (the buffers pass from one file to the next).
const work = mkdtempSync(join(tmpdir(), "hfkit-datasets-output-pool-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// letters from a fixed LCG, so that snappy leaves the row groups about their Arrow size
let seed = 7;
const letters = (n: number) =>
  Array.from({ length: n }, () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return String.fromCharCode(97 + (seed % 26));
  }).join("");
// 20 letters at the start, ~260 at the end: the row groups grow as the rows do
const rows = Array.from({ length: 40_000 }, (_, i) => ({
  id: i,
  text: letters(20 + Math.floor(i / 166)),
  score: i / 7,
}));

describe("row groups written from the writer thread's reused buffers", { timeout: 120_000 }, () => {
  test("hold their own rows, in order, across row groups of growing size and across shards", async () => {
    const result = await writeShards({
      data: rows,
      numShards: 2,
      rowGroupBytes: 150_000,
      outputDir: join(work, "out"),
      tempDir: work,
    });
    const read = await Promise.all(result.shards.map((s) => hyparquetRead(s.localPath)));
    // enough row groups, each well over the size below which chunks are copied plainly (64 KiB)
    expect(read.map((r) => r.rowGroups.length)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(Math.min(...read.map((r) => r.rowGroups.length))).toBeGreaterThan(8);
    const back = read.flatMap((r) => r.rows);
    expect(back.length).toBe(rows.length);
    const mismatch = back.findIndex(
      (row, i) =>
        Number(row.id) !== rows[i]!.id || row.text !== rows[i]!.text || row.score !== rows[i]!.score,
    );
    expect(mismatch).toBe(-1);
  });
});
