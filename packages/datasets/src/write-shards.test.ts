// The second pass reads the temporary Arrow file (the spill) and stops at the last row it
// needs, before the end of that file: its handle must still be closed when writeShards ends,
// on success and on failure, not left to garbage collection (where Node warns "Closing file
// descriptor N on garbage collection", DEP0137). Linux shows a process's open files, deleted
// ones included, in /proc/self/fd.
import { mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { writeShards } from "./write-shards.js";

const work = mkdtempSync(join(tmpdir(), "hfkit-datasets-spill-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The spill files this process still holds open. */
function openSpills(): string[] {
  return readdirSync("/proc/self/fd").flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.includes(work) && target.includes("split.arrows") ? [target] : [];
    } catch {
      return []; // closed between the listing and the read
    }
  });
}

const rows = Array.from({ length: 10 }, (_, i) => ({ n: i, text: `row ${i}` }));

describe.skipIf(process.platform !== "linux")("the spill's file handle", () => {
  test("is closed when the shards are written", async () => {
    const result = await writeShards({
      data: rows,
      numShards: 3,
      outputDir: join(work, "ok"),
      tempDir: work,
    });
    expect(result.shards.map((s) => s.rows)).toEqual([4, 3, 3]);
    expect(openSpills()).toEqual([]);
  });

  test("is closed when writing fails after the first shard", async () => {
    const failing = writeShards({
      data: rows,
      numShards: 3,
      outputDir: join(work, "failing"),
      tempDir: work,
      onShard: (shard) => {
        if (shard.index === 0) throw new Error("the upload of shard 0 failed");
      },
    });
    await expect(failing).rejects.toThrow("the upload of shard 0 failed");
    expect(openSpills()).toEqual([]);
  });
});

// A split foreseen (from the file's size) to fit one shard is not written to the spill past the
// first `rowGroupBytes`: the spill is only read for several shards. The CLI gives each split as
// a list of files, so one file in a list must be foreseen as one file is.
describe("the spill of a split that fits one shard", () => {
  const big = Array.from({ length: 40_000 }, (_, i) => ({ id: i, text: `row ${i} ${"y".repeat(i % 50)}` }));
  const path = join(work, "one-shard.jsonl");
  writeFileSync(path, big.map((r) => `${JSON.stringify(r)}\n`).join(""));

  /** Bytes of the spill when the shard is done (the temporary folder is removed afterwards). */
  async function spilled(data: string | string[] | typeof big, name: string) {
    const tempDir = mkdtempSync(join(work, `${name}-`));
    let bytes = -1;
    const result = await writeShards({
      data,
      outputDir: join(work, `${name}-out`),
      tempDir,
      rowGroupBytes: 100_000,
      onShard: () => {
        const [dir] = readdirSync(tempDir);
        bytes = statSync(join(tempDir, dir!, "split.arrows")).size;
      },
    });
    expect(result.shards).toHaveLength(1);
    return { bytes, numBytes: result.numBytes };
  }

  test("one file, alone or in a list: only the first rowGroupBytes; rows given in memory: all of it", async () => {
    const alone = await spilled(path, "alone");
    const listed = await spilled([path], "listed");
    const inMemory = await spilled(big, "memory");
    expect(alone.bytes).toBeLessThan(alone.numBytes / 2);
    expect(listed.bytes).toBe(alone.bytes);
    expect(inMemory.bytes).toBeGreaterThan(inMemory.numBytes);
  });
});
