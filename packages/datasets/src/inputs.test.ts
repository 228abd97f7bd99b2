import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as A from "apache-arrow";
import { afterAll, describe, expect, test } from "vitest";
import type { Row } from "./encode/batch.js";
import { DatasetError } from "./errors.js";
import { featuresToArrowSchema } from "./features/arrow.js";
import { ClassLabel, List, Value } from "./features/model.js";
import { lines } from "./inputs/bytes.js";
import { parquetBatches } from "./inputs/parquet.js";
import { readParquetRows } from "./read/read-parquet.js";
import { hyparquetRead } from "./test-utils/hyparquet.js";
import type { WriteShardsOptions } from "./types.js";
import { writeShards } from "./write-shards.js";

const work = mkdtempSync(join(tmpdir(), "hfkit-datasets-inputs-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

function file(name: string, content: string | Uint8Array): string {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

async function write(options: Omit<WriteShardsOptions, "outputDir">) {
  const outputDir = join(work, `out-${n++}`);
  const result = await writeShards({ ...options, outputDir });
  const rows: Row[] = [];
  for (const shard of result.shards) rows.push(...(await hyparquetRead(shard.localPath)).rows);
  return { result, rows };
}

async function failure(options: Omit<WriteShardsOptions, "outputDir">): Promise<DatasetError> {
  try {
    await writeShards({ ...options, outputDir: join(work, `bad-${n++}`) });
  } catch (error) {
    if (DatasetError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a DatasetError");
}

const JSONL = '{"text": "a", "n": 1}\n{"text": "b ✓", "n": 2, "tags": ["x"]}\r\n\n{"text": null, "n": 3}\n';

describe("JSON Lines", () => {
  test.each([
    ["plain", "rows.jsonl", JSONL],
    ["gzip", "rows.jsonl.gz", gzipSync(JSONL)],
  ])("%s: rows in order, features inferred, blank lines and CRLF skipped", async (_, name, content) => {
    const { result, rows } = await write({ data: file(name, content) });
    expect(result.features.map((f) => [f.name, f.feature])).toEqual([
      ["text", { type: "value", dtype: "string" }],
      ["n", { type: "value", dtype: "int64" }],
      ["tags", { type: "list", feature: { type: "value", dtype: "string" } }],
    ]);
    expect(rows).toEqual([
      { text: "a", n: 1n, tags: null },
      { text: "b ✓", n: 2n, tags: ["x"] },
      { text: null, n: 3n, tags: null },
    ]);
  });

  test("lines cut anywhere by the read chunks come out whole, numbered, without CR/LF", async () => {
    const text = 'ab\r\n{"x": "é✓"}\n\nlong line over three chunks\nlast';
    const bytes = Buffer.from(text);
    const expected = text.split("\n").map((l) => l.replace(/\r$/, ""));
    // every way of cutting the bytes in two and in single-byte chunks
    const cuts = [...Array.from({ length: bytes.length + 1 }, (_, at) => [at]), [3, 4, 5, 6, 7]];
    for (const cut of cuts) {
      const at = [0, ...cut, bytes.length];
      const pieces = at.slice(1).map((end, i) => bytes.subarray(at[i], end));
      async function* source() {
        yield* pieces;
      }
      const got: [number, string][] = [];
      for await (const { buffer, starts, ends, firstLine } of lines(source())) {
        starts.forEach((start, i) => {
          got.push([firstLine + i, buffer.toString("utf8", start, ends[i])]);
        });
      }
      expect(got).toEqual(expected.map((l, i) => [i + 1, l]));
    }
    const single: string[] = [];
    async function* bytewise() {
      for (const b of bytes) yield Uint8Array.of(b);
    }
    for await (const { buffer, starts, ends } of lines(bytewise()))
      starts.forEach((start, i) => {
        single.push(buffer.toString("utf8", start, ends[i]));
      });
    expect(single).toEqual(expected);
  });

  test("zstd (.zst)", async () => {
    const { rows } = await write({ data: join(import.meta.dirname, "../test/fixtures/rows.jsonl.zst") });
    expect(rows.map((r) => r.text)).toEqual(["zstd row one", "zstd row two ✓", null]);
  });

  test("a malformed line fails with the file and the line", async () => {
    const error = await failure({ data: file("broken.jsonl", '{"a": 1}\n{"a": 2\n') });
    expect(error.message).toMatch(/^broken\.jsonl, line 2: not valid JSON/);
    expect([error.file, error.line]).toEqual(["broken.jsonl", 2]);
  });

  test("a value that conflicts with the features fails with file, line and column", async () => {
    const error = await failure({
      data: file("typed.jsonl", '{"label": "pos"}\n{"label": "neg"}\n{"label": "maybe"}\n'),
      features: { label: ClassLabel({ names: ["neg", "pos"] }) },
    });
    expect(error.message).toBe(
      'typed.jsonl, line 3, column "label": unknown label "maybe"; the ClassLabel names are neg, pos',
    );
    expect(error.column).toBe("label");
  });

  test("a column missing from declared features is named with the fix", async () => {
    const error = await failure({
      data: file("extra.jsonl", '{"a": 1, "b": 2}\n'),
      features: { a: Value("int64") },
    });
    expect(error.message).toMatch(
      /extra\.jsonl, line 1, column "b": column "b" is not in the features \(a\); declare it/,
    );
  });

  test("mixed types in one column say how to declare them", async () => {
    const error = await failure({ data: file("mixed.jsonl", '{"a": 1}\n{"a": "x"}\n') });
    expect(error.message).toMatch(
      /mixed\.jsonl, line 2, column "a": mixes int and string values; declare the column's type/,
    );
  });
});

describe("JSON Lines read from bytes", () => {
  // ~3 MB over several reads, batches and the inference sample: most lines are read from their
  // bytes, the others (escapes, lists, invalid UTF-8, blank) by JSON.parse
  function mixedJsonl(): Buffer {
    const parts: (string | Buffer)[] = [];
    for (let i = 0; i < 25_000; i++) {
      const text =
        i % 97 === 0
          ? String.raw`say \"hi\"\n`
          : i % 89 === 0
            ? String.raw`\u00e9t\u00e9`
            : `row ${i} ${"é✓ ".repeat(i % 5)}${"x".repeat(i % 120)}`;
      const score =
        i % 13 === 0 ? "null" : i % 17 === 0 ? `${i}e-3` : i % 19 === 0 ? "-0" : `${(i * 7.31) % 1000}`;
      const fields = [`"id": ${i}`, `"text": "${text}"`, `"score": ${score}`];
      if (i % 3 === 0) fields.push(`"ok": ${i % 2 === 0}`);
      if (i % 101 === 0) fields.push(`"tags": ["a", "${i}"]`);
      if (i % 7 === 0) fields.reverse();
      parts.push(`{${fields.join(i % 11 === 0 ? " ,  " : ", ")}}${i % 23 === 0 ? "\r\n" : "\n"}`);
      if (i % 1000 === 0) parts.push(i % 2000 === 0 ? "\n" : "   \n");
      // a read whose bytes are not valid UTF-8 (decoded with U+FFFD by the row path)
      if (i === 15_000)
        parts.push(
          Buffer.from([...Buffer.from('{"id": -1, "text": "bad '), 0xff, 0xc3, ...Buffer.from('"}\n')]),
        );
    }
    return Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : p)));
  }

  test("a file and the same rows parsed by JSON.parse make byte-identical shards", async () => {
    const bytes = mixedJsonl();
    const parsed: Row[] = [];
    let start = 0;
    for (;;) {
      const nl = bytes.indexOf(10, start);
      if (nl === -1) break;
      const line = bytes.toString("utf8", start, bytes[nl - 1] === 13 ? nl - 1 : nl);
      if (line.trim() !== "") parsed.push(JSON.parse(line) as Row);
      start = nl + 1;
    }
    expect(parsed.length).toBe(25_001);
    const fromFile = await writeShards({
      data: file("mixed.jsonl", bytes),
      outputDir: join(work, `out-${n++}`),
    });
    const fromRows = await writeShards({ data: parsed, outputDir: join(work, `out-${n++}`) });
    expect(fromFile.numExamples).toBe(25_001);
    expect(fromFile.features).toEqual(fromRows.features);
    expect(fromFile.shards.length).toBe(1);
    const shard = readFileSync(fromFile.shards[0]!.localPath);
    expect(shard.equals(readFileSync(fromRows.shards[0]!.localPath))).toBe(true);
    // and what is in it: escapes decoded, invalid UTF-8 replaced, as JSON.parse gives them
    const { rows } = await hyparquetRead(fromFile.shards[0]!.localPath);
    expect(rows[0]).toEqual({ id: 0n, text: 'say "hi"\n', score: null, ok: true, tags: ["a", "0"] });
    expect(rows[15_001]).toEqual({ id: -1n, text: "bad \ufffd\ufffd", score: null, ok: null, tags: null });
    expect(rows[19]).toEqual({
      id: 19n,
      text: `row 19 ${"é✓ ".repeat(4)}${"x".repeat(19)}`,
      score: -0,
      ok: null,
      tags: null,
    });
  }, 120_000);

  test("a value its column refuses, past the inference sample, fails with file, line and column", async () => {
    const lines = Array.from({ length: 12_000 }, (_, i) => `{"id": ${i % 100}, "text": "t${i}"}`);
    lines[11_000] = '{"id": 300, "text": "too big"}';
    const error = await failure({
      data: file("range.jsonl", `${lines.join("\n")}\n`),
      features: { id: Value("int8"), text: Value("string") },
    });
    expect(error.message).toBe(
      'range.jsonl, line 11001, column "id": 300 is out of range for int8 (-128…127)',
    );
    lines[11_000] = '{"id": 3, "text": "unterminated}';
    const broken = await failure({ data: file("late.jsonl", `${lines.join("\n")}\n`) });
    expect(broken.message).toMatch(
      /^late\.jsonl, line 11001: not valid JSON \(.+\); each line must be one JSON object$/,
    );
  });
});

describe("JSON arrays", () => {
  test("an array of objects, nested brackets and escaped quotes inside strings", async () => {
    const { rows } = await write({
      data: file("rows.json", '[\n {"s": "a ] } \\" [", "l": [[1], [2, 3]]},\n {"s": "b", "l": []}\n]\n'),
    });
    expect(rows).toEqual([
      { s: 'a ] } " [', l: [[1n], [2n, 3n]] },
      { s: "b", l: [] },
    ]);
  });

  test("a file that is not one array is refused with its line", async () => {
    const error = await failure({ data: file("object.json", '\n{"a": 1}') });
    expect(error.message).toBe(
      "object.json, line 2: a JSON dataset file must be one array of objects; for one object per line use .jsonl",
    );
  });
});

describe("CSV and TSV", () => {
  const CSV =
    'id,name,score,ok,note\r\n1,"Smith, J.",1.5,true,"line one\nline two"\r\n2,Ünïcode,2,false,""\r\n3,,NaN,TRUE,"say ""hi"""\r\n';

  test('quoting, line breaks in quotes, CRLF; types inferred; an empty cell is null, an empty quoted cell is ""', async () => {
    const { result, rows } = await write({ data: file("people.csv", CSV) });
    expect(result.features.map((f) => (f.feature as { dtype: string }).dtype)).toEqual([
      "int64",
      "string",
      "float64",
      "bool",
      "string",
    ]);
    expect(rows[0]).toEqual({ id: 1n, name: "Smith, J.", score: 1.5, ok: true, note: "line one\nline two" });
    expect(rows[1]).toEqual({ id: 2n, name: "Ünïcode", score: 2, ok: false, note: "" });
    expect(rows[2]!.name).toBeNull();
    expect(rows[2]!.note).toBe('say "hi"');
    expect(Number.isNaN(rows[2]!.score)).toBe(true);
  });

  test("declared features override the inferred ones", async () => {
    const { result, rows } = await write({
      data: file("labels.csv", "text,label\nhi,pos\nbye,neg\n"),
      features: { text: Value("large_string"), label: ClassLabel({ names: ["neg", "pos"] }) },
    });
    expect(result.features[0]!.feature).toEqual({ type: "value", dtype: "large_string" });
    expect(rows.map((r) => r.label)).toEqual([1n, 0n]);
  });

  test("inference over a sample: a later cell that does not fit names its line and column", async () => {
    const lines = ["n"];
    for (let i = 0; i < 20; i++) lines.push(String(i));
    lines.push("oops");
    const error = await failure({
      data: file("late.csv", `${lines.join("\n")}\n`),
      csv: { inferenceRows: 10 },
    });
    expect(error.message).toBe('late.csv, line 22, column "n": expected an integer (int64), got "oops"');
  });

  test("a row with the wrong number of fields is refused", async () => {
    const error = await failure({ data: file("short.csv", "a,b\n1,2\n3\n") });
    expect(error.message).toMatch(/^short\.csv, line 3: has 1 fields, the header has 2/);
  });

  test("quoted fields with line breaks survive the 1 MiB read boundaries", async () => {
    const rows = Array.from(
      { length: 30_000 },
      (_, i) => `${i},"a ""b""\nc ${"x".repeat(i % 90)}",plain ${i}`,
    );
    const { rows: read } = await write({ data: file("big.csv", `id,quoted,plain\n${rows.join("\r\n")}\n`) });
    expect(read).toHaveLength(30_000);
    expect(read[29_999]).toEqual({
      id: 29_999n,
      quoted: `a "b"\nc ${"x".repeat(29_999 % 90)}`,
      plain: "plain 29999",
    });
    expect(read.every((r, i) => r.id === BigInt(i))).toBe(true);
  });

  test("TSV", async () => {
    const { rows } = await write({ data: file("rows.tsv", "a\tb\n1\tx, y\n") });
    expect(rows).toEqual([{ a: 1n, b: "x, y" }]);
  });

  // Once the types are inferred, lines are read from their bytes (encode/csv-line.ts): these
  // files are read with a 1-row sample (bytes) and a whole-file one (strings), which must agree.
  const bothPaths = async (name: string, content: string | Uint8Array) => {
    const path = file(name, content);
    const bytes = await write({ data: path, csv: { inferenceRows: 1 } });
    const strings = await write({ data: path, csv: { inferenceRows: 1_000_000 } });
    expect(bytes.result.features).toEqual(strings.result.features);
    expect(bytes.rows).toEqual(strings.rows);
    return bytes;
  };

  test("numbers from bytes equal Number() of their text, exponents, NaN and big integers included", async () => {
    const floats = [
      "1.5",
      "-0.0",
      "+2.25",
      "1.",
      ".5",
      "-.5",
      "90.187",
      "0.1",
      "0.3",
      "123456789012.345",
      "1234567890123456.7",
      "9007199254740993.5",
      "1e3",
      "-2.5E-4",
      "nan",
      "Infinity",
      "-inf",
      "007.10",
    ];
    const ints = [
      "0",
      "-0",
      "+7",
      "123456789012345",
      "-999999999999999",
      "9007199254740993",
      "-1234567890123456789",
    ];
    const lines = ["f,i"];
    for (let k = 0; k < Math.max(floats.length, ints.length); k++)
      lines.push(`${floats[k % floats.length]},${ints[k % ints.length]}`);
    const { rows } = await bothPaths("numbers.csv", `${lines.join("\n")}\n`);
    rows.forEach((row, k) => {
      const text = floats[k % floats.length]!;
      const lower = text.toLowerCase();
      const expected = lower === "nan" ? Number.NaN : lower === "-inf" ? -Infinity : Number(text);
      expect(Object.is(row.f, expected)).toBe(true);
      expect(row.i).toBe(BigInt(ints[k % ints.length]!));
    });
  });

  test("unquoted rows across the 1 MiB read boundaries, CRLF, empty cells, UTF-8, a BOM and a quoted header", async () => {
    const body = Array.from({ length: 40_000 }, (_, i) =>
      i % 7 === 3
        ? `${i},,${i % 5 ? "ü✓ " : ""}${"z".repeat(i % 50)},`
        : `${i},${(i + 0.5) / 8},t${i},"q ""${i}"""`,
    );
    const content = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`"id",score,"text",quoted\r\n${body.join("\r\n")}\r\n`),
    ]);
    const { result, rows } = await bothPaths("bom.csv", content);
    expect(result.features.map((f) => [f.name, (f.feature as { dtype: string }).dtype])).toEqual([
      ["id", "int64"],
      ["score", "float64"],
      ["text", "string"],
      ["quoted", "string"],
    ]);
    expect(rows).toHaveLength(40_000);
    expect(rows[3]).toEqual({ id: 3n, score: null, text: `ü✓ ${"z".repeat(3)}`, quoted: null });
    expect(rows[39_999]).toEqual({ id: 39_999n, score: 39_999.5 / 8, text: "t39999", quoted: 'q "39999"' });
  });

  test("quoted fields read from bytes: doubled quotes, delimiters and line breaks inside, quoted numbers and empty strings", async () => {
    const lines = [
      '1,"a, b",plain,"n/a"',
      '2,"say ""hi""","",3',
      '3,"multi\nline, ""x""",z,',
      '4,"",w"q"r,4.5',
      '5,"tab\there ✓","c",""',
      '6,"cr\rinside",d,7',
      '7,"a""",",",8',
    ];
    const body = Array.from({ length: 3_000 }, (_, i) => lines[i % lines.length]!.replace(/^\d+/, String(i)));
    const { rows } = await bothPaths("quoted.csv", `id,text,other,num\r\n${body.join("\r\n")}\r\n`);
    expect(rows.slice(0, 7)).toEqual([
      { id: 0n, text: "a, b", other: "plain", num: "n/a" },
      { id: 1n, text: 'say "hi"', other: "", num: "3" },
      { id: 2n, text: 'multi\nline, "x"', other: "z", num: null },
      { id: 3n, text: "", other: 'w"q"r', num: "4.5" },
      { id: 4n, text: "tab\there ✓", other: "c", num: "" },
      { id: 5n, text: "cr\rinside", other: "d", num: "7" },
      { id: 6n, text: 'a"', other: ",", num: "8" },
    ]);
  });

  test.each([
    [
      "text after a closing quote",
      'n,s\n1,a\n2,"b"x\n',
      'bad.csv, line 3: unexpected character "x" after a closing quote',
    ],
    ["a quoted field count", 'n,s\n1,a\n2,"b","c"\n', "bad.csv, line 3: has 3 fields, the header has 2"],
    [
      "a quoted bad number",
      'n,s\n1,a\n"2.5",b\n',
      'bad.csv, line 3, column "n": expected an integer (int64), got "2.5"',
    ],
    [
      "a count error before a bad value",
      "n,s\n1,a\nx,b,c\n",
      "bad.csv, line 3: has 3 fields, the header has 2",
    ],
  ])("read from bytes, %s is named as the string path names it", async (_, content, message) => {
    const error = await failure({ data: file("bad.csv", content), csv: { inferenceRows: 1 } });
    expect(error.message.startsWith(message)).toBe(true);
  });

  test("gzip CSV read from bytes: chunks of any size", async () => {
    const body = Array.from({ length: 5_000 }, (_, i) => `${i},${i}.25,w${"é".repeat(i % 9)}`).join("\n");
    const { rows } = await bothPaths("small.csv.gz", gzipSync(`a,b,c\n${body}\n`));
    expect(rows).toHaveLength(5_000);
    expect(rows[4_999]).toEqual({ a: 4_999n, b: 4_999.25, c: `w${"é".repeat(4_999 % 9)}` });
  });

  test("TSV read from bytes", async () => {
    const { rows } = await bothPaths(
      "many.tsv",
      `a\tb\n${Array.from({ length: 50 }, (_, i) => `${i}\tx, ${i}`).join("\n")}`,
    );
    expect(rows[49]).toEqual({ a: 49n, b: "x, 49" });
  });

  test.each([
    [
      "a bad number",
      "n,s\n1,a\n2.5,b\n",
      'bad.csv, line 3, column "n": expected an integer (int64), got "2.5"',
    ],
    ["too few fields", "n,s\n1,a\n2\n", "bad.csv, line 3: has 1 fields, the header has 2"],
    ["too many fields", "n,s\n1,a\n2,b,c\n", "bad.csv, line 3: has 3 fields, the header has 2"],
  ])("read from bytes, %s names its line (and column)", async (_, content, message) => {
    const error = await failure({ data: file("bad.csv", content), csv: { inferenceRows: 1 } });
    expect(error.message.startsWith(message)).toBe(true);
  });
});

describe("records and Arrow", () => {
  test("an async iterable of records", async () => {
    async function* gen() {
      for (let i = 0; i < 5; i++) yield { i, even: i % 2 === 0 };
    }
    const { rows } = await write({ data: gen() });
    expect(rows.map((r) => r.even)).toEqual([true, false, true, false, true]);
  });

  test("an Arrow table keeps its types; huggingface metadata in its schema gives ClassLabel back", async () => {
    const features = [
      { name: "label", feature: ClassLabel({ names: ["a", "b"] }) },
      { name: "tags", feature: List(Value("string")) },
      { name: "x", feature: Value("float32") },
    ];
    const schema = featuresToArrowSchema(features);
    const table = new A.Table(schema, {
      label: A.vectorFromArray([1n, 0n], new A.Int64()),
      tags: A.vectorFromArray([["p"], []], schema.fields[1]!.type as A.List),
      x: A.vectorFromArray([0.5, 2], new A.Float32()),
    } as never);
    const { result, rows } = await write({ data: table });
    expect(result.features).toEqual(features);
    expect(rows).toEqual([
      { label: 1n, tags: ["p"], x: 0.5 },
      { label: 0n, tags: [], x: 2 },
    ]);
  });

  test("a record-batch stream (RecordBatchReader)", async () => {
    const table = A.tableFromArrays({ id: Int32Array.from([1, 2, 3]), name: ["a", "b", "c"] });
    const reader = A.RecordBatchReader.from(A.tableToIPC(table, "stream"));
    const { result, rows } = await write({ data: reader });
    expect(result.features.map((f) => f.feature)).toEqual([
      { type: "value", dtype: "int32" },
      { type: "value", dtype: "string" },
    ]);
    expect(rows).toEqual([
      { id: 1, name: "a" },
      { id: 2, name: "b" },
      { id: 3, name: "c" },
    ]);
  });

  test("Parquet is re-sharded with its features and exact values", async () => {
    const first = await writeShards({
      data: Array.from({ length: 10 }, (_, i) => ({ t: `2024-01-01T00:00:00.00000${i}`, v: i })),
      features: {
        t: Value("timestamp[us]"),
        v: ClassLabel({ names: Array.from({ length: 10 }, (_, i) => `c${i}`) }),
      },
      outputDir: join(work, "pq-in"),
    });
    const { result } = await write({ data: first.shards[0]!.localPath, numShards: 2, split: "test" });
    expect(result.features).toEqual(first.features);
    expect(result.shards.map((s) => s.rows)).toEqual([5, 5]);
    const micros: bigint[] = [];
    for (const shard of result.shards) {
      for await (const batch of (await parquetBatches(shard.localPath)).batches)
        micros.push(...(batch.getChild("t")!.data[0]!.values as BigInt64Array));
    }
    expect(micros).toEqual(Array.from({ length: 10 }, (_, i) => 1704067200000000n + BigInt(i)));
    const typed = [];
    for await (const row of readParquetRows(result.shards[1]!.localPath)) typed.push(row);
    expect(typed[0]).toEqual({ t: new Date("2024-01-01T00:00:00Z"), v: 5 });
  });
});
