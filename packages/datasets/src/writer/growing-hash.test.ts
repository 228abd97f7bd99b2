import { createHash } from "node:crypto";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { WriteShardsOptions } from "../types.js";
import { writeShards } from "../write-shards.js";
import { hashXetFile } from "@hfkit/xet";
import { type ChunksFrom, GrowingFileHash, GrowingXetChunks } from "./growing-hash.js";

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

/** Bytes of a xorshift generator: no repeats, so content-defined chunking finds its own cuts. */
function randomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

// The chunks go to the upload as `{ path, sha256, chunks }`, which cuts the file at their sizes
// and sends their hashes without computing either again: they must be exactly the chunks
// `@hfkit/xet` computes from the bytes (the same cuts, the same hashes, in order).
describe("Xet chunks of a shard as it closes (xetChunks)", { timeout: 120_000 }, () => {
  test("each split's last shard gets the chunks of its bytes, the others none", async () => {
    const shards = await written({
      data: jsonl("xet.jsonl", 90_001),
      sha256: true,
      xetChunks: true,
      rowGroupBytes: 200_000,
      maxShardSize: "1MB",
    });
    expect(shards.length).toBeGreaterThan(1);
    for (const shard of shards.slice(0, -1)) expect(shard.xetChunks).toBeUndefined();
    const last = shards.at(-1)!;
    const expected = await hashXetFile({ content: last.content });
    expect(last.xetChunks).toEqual(expected.chunks);
    expect(last.sha256).toBe(expected.sha256);

    const [one] = await written({ data: jsonl("xet-one.jsonl", 40_000), sha256: true, xetChunks: true });
    expect(one!.xetChunks).toEqual((await hashXetFile({ content: one!.content })).chunks);
    // Without a digest there are no chunks (the upload takes them with the SHA-256 only).
    const [bare] = await written({ data: jsonl("xet-bare.jsonl", 1_000), xetChunks: true });
    expect(bare!.xetChunks).toBeUndefined();
  });

  test("a shard too large for one thread at the close: its second half chunked on the writer thread", async () => {
    // Random hex text: ~45 MB of Parquet that snappy cannot shrink, more than the close leaves
    // to one thread (16 MiB).
    const path = join(work, "xet-large.jsonl");
    const hex = randomBytes(24_000_000, 5).toString("hex");
    const lines = [];
    for (let i = 0; i < 300_000; i++) lines.push(JSON.stringify({ id: i, text: hex.slice(i * 160, i * 160 + 160) }));
    writeFileSync(path, `${lines.join("\n")}\n`);
    const [shard] = await written({ data: path, sha256: true, xetChunks: true });
    expect(shard!.bytes).toBeGreaterThan(40 << 20);
    expect(shard!.xetChunks).toEqual((await hashXetFile({ content: shard!.content })).chunks);
  });
});

describe("GrowingXetChunks", { timeout: 120_000 }, () => {
  const path = join(work, "grow-xet.bin");
  // 3 MiB on disk when it starts, then pieces of odd sizes; a run of zeros forces 128 KiB cuts.
  const parts = [
    randomBytes(3 << 20, 7),
    randomBytes(1_234_567, 11),
    Buffer.alloc(700_000),
    randomBytes(37 << 20, 13),
  ];
  const size = parts.reduce((sum, p) => sum + p.byteLength, 0);
  /** The file written piece by piece, the chunker told of each as the writer thread would. */
  const grown = () => {
    writeFileSync(path, parts[0]!);
    const chunker = new GrowingXetChunks(path, parts[0]!.byteLength);
    let at = parts[0]!.byteLength;
    for (const part of parts.slice(1)) {
      appendFileSync(path, part);
      at += part.byteLength;
      chunker.written(at);
    }
    return chunker;
  };
  /** What the writer thread does: @hfkit/xet's chunker started at `from`, on the bytes from there. */
  const fromMiddle = async (from: number, to: number): Promise<ChunksFrom> => {
    const ends: number[] = [];
    const hashes: string[] = [];
    let at = from;
    const bytes = readFileSync(path).subarray(from, to);
    const xet = await hashXetFile({ content: bytes });
    for (const chunk of xet.chunks) {
      at += chunk.size;
      ends.push(at);
      hashes.push(chunk.hash);
    }
    return { ends, hashes };
  };

  test("two threads from the close on give @hfkit/xet's chunks of the whole file", async () => {
    const asked: number[] = [];
    const chunks = await grown().finish(size, (from, to) => {
      asked.push(from, to);
      return fromMiddle(from, to);
    });
    const expected = await hashXetFile({ path });
    expect(chunks).toEqual(expected.chunks);
    expect(chunks!.length).toBeGreaterThan(300);
    expect(asked[1]).toBe(size);
    expect(asked[0]).toBeGreaterThan(size / 4);

    // The other thread's chunks are taken from the first cut both found: marked, they show up
    // after it, this thread's own before.
    const marked = await grown().finish(size, async (from, to) => {
      const theirs = await fromMiddle(from, to);
      return { ends: theirs.ends, hashes: theirs.hashes.map((h) => `theirs:${h}`) };
    });
    const first = marked!.findIndex((c) => c.hash.startsWith("theirs:"));
    expect(first).toBeGreaterThan(0);
    expect(marked!.slice(0, first)).toEqual(expected.chunks.slice(0, first));
    expect(marked!.slice(first).map((c) => ({ ...c, hash: c.hash.slice(7) }))).toEqual(expected.chunks.slice(first));

    // The other thread failing: this one chunks the rest itself.
    expect(await grown().finish(size, async () => undefined)).toEqual(expected.chunks);
  });

  test("one thread: no chunks when more than half is left at the close; none for a file that did not grow front to back", async () => {
    writeFileSync(path, Buffer.concat(parts));
    expect(await new GrowingXetChunks(path, 0).finish(size)).toBeUndefined();
    const back = new GrowingXetChunks(path, size);
    back.written(10);
    expect(await back.finish(size, fromMiddle)).toBeUndefined();
    expect(await new GrowingXetChunks(path, size).finish(size + 1, fromMiddle)).toBeUndefined();
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
