import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test, vi } from "vitest";
import { BatchEncoder } from "./encode/batch.js";
import { SampledJsonlChunk } from "./inputs/jsonl.js";
import { writeShards } from "./write-shards.js";

// The first rows of a JSONL file are parsed to infer the features (JSON.parse, FeatureInference),
// the sample's rows only, not the rest of the read that holds its last row. The writer then reads
// them into the columns from their bytes, as it reads every later line,
// rather than appending the parsed rows (the object path: each string encoded to UTF-8 again,
// and a second row reader to warm up in a cold process; profiled on a 20 k-row push, ~20 ms of
// the main thread). The shard is the same bytes either way.
const work = mkdtempSync(join(tmpdir(), "hfkit-datasets-jsonl-once-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
});

// 12,000 rows of ~120 bytes: the inference sample (10,000 rows) spans two 1 MiB reads, and the
// rows after it in the second read are held with the sample.
const rows = Array.from({ length: 12_000 }, (_, i) => ({
  id: i,
  text: `row ${i} ${"the quick brown fox jumps over the lazy dog ".repeat(2)}`,
  label: ["neg", "pos", "mixed"][i % 3],
  score: i / 8,
}));

describe("a JSONL file's inferred rows", { timeout: 60_000 }, () => {
  test("are read into the columns from their bytes, not appended again as parsed rows", async () => {
    const path = join(work, "rows.jsonl");
    writeFileSync(path, `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
    const fromBytes = vi.spyOn(BatchEncoder.prototype, "appendJsonLine");
    const fromRows = vi.spyOn(BatchEncoder.prototype, "append");
    const parse = vi.spyOn(JSON, "parse");
    const file = await writeShards({ data: path, outputDir: join(work, "jsonl"), tempDir: work });
    expect(file.numExamples).toBe(rows.length);
    expect(fromRows).not.toHaveBeenCalled();
    expect(fromBytes).toHaveBeenCalledTimes(rows.length);
    // the sample's rows only: the rest of the second read is not parsed for it
    expect(parse.mock.calls.filter(([text]) => String(text).startsWith('{"id":'))).toHaveLength(10_000);
    vi.restoreAllMocks();

    // the same rows given as objects (the object path): the same features and the same bytes
    const objects = await writeShards({ data: rows, outputDir: join(work, "rows"), tempDir: work });
    expect(file.features).toEqual(objects.features);
    const bytes = readFileSync(file.shards[0]!.localPath);
    expect(bytes.equals(readFileSync(objects.shards[0]!.localPath))).toBe(true);
  });

  test("a line the byte-level reader does not take is not parsed a second time", async () => {
    // list values are read through JSON.parse: the sample's rows are parsed once, for the
    // inference, and the writer takes those rows
    const path = join(work, "lists.jsonl");
    const some = rows.slice(0, 3000).map((r, i) => ({ ...r, tags: i % 7 === 0 ? null : ["a", `t${i % 5}`] }));
    writeFileSync(path, `${some.map((r) => JSON.stringify(r)).join("\n")}\n`);
    const parse = vi.spyOn(JSON, "parse");
    const result = await writeShards({ data: path, outputDir: join(work, "lists"), tempDir: work });
    const rowsParsed = parse.mock.calls.filter(([text]) => String(text).startsWith('{"id":')).length;
    vi.restoreAllMocks();
    expect(result.numExamples).toBe(some.length);
    expect(rowsParsed).toBe(some.length);
    const objects = await writeShards({ data: some, outputDir: join(work, "lists-rows"), tempDir: work });
    expect(readFileSync(result.shards[0]!.localPath).equals(readFileSync(objects.shards[0]!.localPath))).toBe(
      true,
    );
  });

  test("a bad line in the inference sample still fails before anything is written, naming its line", async () => {
    const path = join(work, "bad.jsonl");
    const lines = rows.slice(0, 50).map((r) => JSON.stringify(r));
    lines[41] = '{"id": 41, "text": oops}';
    writeFileSync(path, `${lines.join("\n")}\n`);
    await expect(writeShards({ data: path, outputDir: join(work, "bad"), tempDir: work })).rejects.toThrow(
      /bad\.jsonl, line 42: not valid JSON/,
    );
  });

  test("a held chunk's rows, for a reader that needs them, reuse the sample's and parse the rest", () => {
    const text = '{"a":1}\n\n{"a":2}\n{"a":3}\n';
    const buffer = Buffer.from(text);
    const starts: number[] = [];
    const ends: number[] = [];
    for (let at = 0; at < buffer.length; ) {
      const nl = buffer.indexOf(10, at);
      starts.push(at);
      ends.push(nl);
      at = nl + 1;
    }
    const first = { a: 1 };
    // the sample took the first two lines (one of them blank)
    const chunk = new SampledJsonlChunk(
      "x.jsonl",
      { buffer, starts, ends, firstLine: 5, ascii: true, utf8: true },
      [first, undefined],
    );
    buffer.fill(0); // the stream's memory, reused: the chunk kept a copy
    expect(chunk.rows).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(chunk.rows[0]).toBe(first);
    expect(chunk.lines).toEqual([5, 7, 8]);
    expect(chunk.jsonl.buffer.toString()).toBe(text);
  });
});
