import { createHash } from "node:crypto";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { WriteShardsOptions } from "../types.js";
import { writeShards } from "../write-shards.js";
import { GrowingFileHash } from "./growing-hash.js";

// A push hands each shard's SHA-256 to the upload (announced as the LFS oid, never checked
// again on this side), so it must be the digest of exactly the bytes on disk.
const work = mkdtempSync(join(tmpdir(), "hfkit-datasets-growing-hash-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function written(options: Omit<WriteShardsOptions, "outputDir">) {
  const result = await writeShards({ ...options, outputDir: join(work, `out-${n++}`) });
  return result.shards.map((s) => ({ ...s, content: readFileSync(s.localPath) }));
}

function jsonl(name: string, count: number): string {
  const path = join(work, name);
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ id: i, text: `row ${i} ${"x".repeat(i % 29)}`, score: i / 7 }),
  );
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

describe("shards hashed while they are written (sha256)", { timeout: 120_000 }, () => {
  test("one shard of many row groups: the digest of its bytes, the bytes those written without it", async () => {
    const data = jsonl("one.jsonl", 80_000);
    const hashed = await written({ data, sha256: true, rowGroupBytes: 100_000 });
    const plain = await written({ data, rowGroupBytes: 100_000 });
    expect(hashed).toHaveLength(1);
    expect(hashed[0]!.sha256).toBe(sha256(hashed[0]!.content));
    expect(hashed[0]!.content.equals(plain[0]!.content)).toBe(true);
    expect(plain[0]!.sha256).toBeUndefined();
  });

  test("several shards, the first written in the first pass and the others from the spill", async () => {
    const shards = await written({
      data: jsonl("three.jsonl", 90_001),
      sha256: true,
      rowGroupBytes: 200_000,
      maxShardSize: "1MB",
    });
    expect(shards.length).toBeGreaterThan(1);
    for (const shard of shards) expect(shard.sha256).toBe(sha256(shard.content));
  });

  test("rows given as an array, spilled, and a split of zero rows", async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => ({ id: i, text: `t${i}` }));
    const [shard] = await written({ data: rows, sha256: true, numShards: 1 });
    expect(shard!.sha256).toBe(sha256(shard!.content));
    const [empty] = await written({
      data: [],
      sha256: true,
      features: { id: { type: "value", dtype: "int64" } },
    });
    expect(empty!.sha256).toBe(sha256(empty!.content));
  });
});

describe("GrowingFileHash", () => {
  test("hashes a file as it grows, and gives no digest when it did not grow front to back", async () => {
    const path = join(work, "grow.bin");
    writeFileSync(path, "");
    const grow = new GrowingFileHash(path);
    const parts = [Buffer.alloc(5 << 20, 1), Buffer.from("middle"), Buffer.alloc(3 << 20, 2)];
    let size = 0;
    for (const part of parts) {
      appendFileSync(path, part);
      size += part.byteLength;
      grow.written(size);
    }
    expect(await grow.finish(size)).toBe(sha256(Buffer.concat(parts)));

    // The reported size went back: the writer rewrote something.
    const back = new GrowingFileHash(path);
    back.written(size);
    back.written(10);
    expect(await back.finish(size)).toBeUndefined();

    // The file on disk is not the size the writer says it closed at.
    expect(await new GrowingFileHash(path).finish(size + 1)).toBeUndefined();
    const longer = new GrowingFileHash(path);
    const hashedShort = longer.finish(size - 1);
    expect(await hashedShort).toBeUndefined();
  });
});
