import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { NamedFeature } from "@hfkit/cards";
import * as A from "apache-arrow";
import { afterAll, describe, expect, test } from "vitest";
import { DatasetError } from "../errors.js";
import { ClassLabel, List, Value } from "../features/model.js";
import { readCsv } from "../inputs/csv.js";
import type { CsvLines } from "../inputs/source.js";
import type { WriteShardsOptions } from "../types.js";
import { writeShards } from "../write-shards.js";
import { BatchEncoder } from "./batch.js";

// The byte-level CSV reader against the string path (csv.ts: split or quotedRecord, the
// column's converter, then `append`): for every line, the same row, or the same error, or (a
// line it does not take) nothing appended at all; and whole files written both ways make the
// same shard bytes.

const work = mkdtempSync(join(tmpdir(), "hfkit-datasets-csv-line-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

const features: NamedFeature[] = [
  { name: "id", feature: Value("int64") },
  { name: "text", feature: Value("string") },
  { name: "score", feature: Value("float64") },
  { name: "ok", feature: Value("bool") },
  { name: "small", feature: Value("int8") },
  { name: "label", feature: ClassLabel({ names: ["neg", "pos"] }) },
  { name: "big", feature: Value("large_string") },
  { name: "tags", feature: List(Value("string")) },
];
const HEADER = features.map((f) => f.name).join(",");

/** Lines the byte-level reader must take itself. */
const TAKEN = [
  '1,plain,0.5,true,3,pos,big,"[""a""]"',
  "2,héllo ✓ 😀 ümlaut,-12.25,false,-128,0,x,[]",
  ",,,,,,,",
  '3,"a, b",1e3,TRUE,127,neg,"multi ""q"" ✓",',
  '4,"",NaN,False,0,1,"",null',
  '"6",x,"2.5",true,"7",pos,z,[]',
  "7,tab\there,+2.,true,+5,pos,z,[]",
  "-0,x,-0.0,true,-0,pos,z,[]",
  "8,cr\rhere without quotes,.5,true,1,pos,z,[]",
  "9007199254740993,big int,123456789012.345,true,1,pos,z,[]",
  "10,x,1234567890123456.7,true,1,pos,z,[]",
  "11,x,-inf,true,1,pos,z,[]",
  '12,"ends with a quoted field",1,true,1,pos,z,"[""b"", ""c""]"',
  '13,x,1,true,1,pos,",",[]',
];

/** Lines the byte-level reader leaves to the string path (which gives the row or the error). */
const LEFT = [
  '20,a"b"c,1,true,1,pos,z,[]',
  '21,"cr\rinside",1,true,1,pos,z,[]',
  '22,"x"y,1,true,1,pos,z,[]',
  "23,too,few",
  "24,too,many,true,1,pos,z,[],extra",
  '25,"closing quote missing,1,true,1,pos,z,[]"',
  "x,not an int,1,true,1,pos,z,[]",
  "26,x,not a float,true,1,pos,z,[]",
  "27,x,1,maybe,1,pos,z,[]",
  "28,x,1,true,1,pos,z,not json",
  '"2.5",x,1,true,1,pos,z,[]',
];

/** Lines the byte-level reader takes whose value the column's builder refuses: the row path's error. */
const REFUSED = ["30,x,1,true,300,pos,z,[]", "31,x,1,true,1,7,z,[]", "32,x,1,true,1,maybe,z,[]"];

/** Line 3 of a file (after the header and a sample line) as the reader hands it on. */
async function lineOf(line: string): Promise<CsvLines> {
  const path = join(work, `line-${n++}.csv`);
  writeFileSync(path, `${HEADER}\r\n1,sample,1,true,1,pos,z,[]\r\n${line}\r\n`);
  const source = readCsv(path, { features, inferenceRows: 1 });
  for await (const chunk of source.chunks) if (chunk.csv) return chunk.csv;
  throw new Error("no byte lines");
}

function ipc(encoder: BatchEncoder): Uint8Array {
  const batch = encoder.flush(true)!;
  return A.tableToIPC(new A.Table([batch]), "stream");
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected an error");
}

describe("CSV lines read from their bytes", () => {
  test.each(TAKEN)("takes %j, with the string path's values", async (line) => {
    const lines = await lineOf(line);
    const direct = new BatchEncoder(features);
    const strings = new BatchEncoder(features);
    expect(direct.appendCsvLine(lines, 0)).toBe(true);
    strings.append(lines.table.row(lines, 0));
    expect([direct.rows, direct.cursor.row]).toEqual([1, 1]);
    expect(ipc(direct)).toEqual(ipc(strings));
  });

  test.each(LEFT)("leaves %j to the string path, appending nothing", async (line) => {
    const lines = await lineOf(line);
    const encoder = new BatchEncoder(features);
    expect(encoder.appendCsvLine(lines, 0)).toBe(false);
    expect([encoder.rows, encoder.cursor.row]).toEqual([0, 0]);
    expect(ipc(encoder)).toEqual(ipc(new BatchEncoder(features)));
  });

  test.each(REFUSED)("fails %j with the string path's error", async (line) => {
    const lines = await lineOf(line);
    const expected = messageOf(() => new BatchEncoder(features).append(lines.table.row(lines, 0)));
    expect(expected).toMatch(/^row 0, column "(small|label)"/);
    expect(messageOf(() => new BatchEncoder(features).appendCsvLine(lines, 0))).toBe(expected);
  });

  test("is not used when a column of the file is not among the encoder's features", async () => {
    const lines = await lineOf(TAKEN[0]!);
    const encoder = new BatchEncoder(features.slice(1));
    expect(encoder.appendCsvLine(lines, 0)).toBe(false);
  });

  test.each([
    ["a name given twice", "a,a"],
    ["an inherited property's name", "a,__proto__"],
  ])("is not used for a header with %s", async (_, header) => {
    const path = join(work, `header-${n++}.csv`);
    writeFileSync(path, `${header}\n1,2\n3,4\n`);
    const source = readCsv(path, { inferenceRows: 1 });
    let lines: CsvLines | undefined;
    for await (const chunk of source.chunks) lines ??= chunk.csv;
    const encoder = new BatchEncoder([
      { name: "a", feature: Value("int64") },
      { name: "__proto__", feature: Value("int64") },
    ]);
    expect(encoder.appendCsvLine(lines!, 0)).toBe(false);
  });
});

async function write(options: Omit<WriteShardsOptions, "outputDir">) {
  const outputDir = join(work, `out-${n++}`);
  const result = await writeShards({ ...options, outputDir });
  return { result, bytes: result.shards.map((s) => readFileSync(s.localPath)) };
}

async function failure(options: Omit<WriteShardsOptions, "outputDir">): Promise<string> {
  try {
    await writeShards({ ...options, outputDir: join(work, `bad-${n++}`) });
  } catch (error) {
    if (DatasetError.isInstance(error)) return error.message;
    throw error;
  }
  throw new Error("expected a DatasetError");
}

/** A file written with a 1-line sample (lines read from bytes) and a whole-file one (every line on the string path). */
async function bothWays(path: string, options: Omit<WriteShardsOptions, "outputDir" | "data"> = {}) {
  const bytes = await write({ ...options, data: path, csv: { ...options.csv, inferenceRows: 1 } });
  const strings = await write({ ...options, data: path, csv: { ...options.csv, inferenceRows: 10_000_000 } });
  expect(bytes.result.features).toEqual(strings.result.features);
  expect(bytes.bytes.length).toBe(strings.bytes.length);
  for (const [i, shard] of bytes.bytes.entries()) expect(shard.equals(strings.bytes[i]!)).toBe(true);
  return bytes;
}

describe("CSV files read from bytes and from strings make byte-identical shards", () => {
  test("a mixed CSV: every kind of line, a BOM, CRLF, line breaks in quotes, across the 1 MiB reads", async () => {
    const kinds = [...TAKEN, ...LEFT.slice(0, 2), '40,"multi\nline ""quoted""\r\n",1,true,1,pos,z,[]'];
    const body = Array.from({ length: 25_000 }, (_, i) =>
      kinds[i % kinds.length]!.replace(/^[^,]*/, String(i)),
    );
    const path = join(work, "mixed.csv");
    writeFileSync(
      path,
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${HEADER}\r\n${body.join("\r\n")}\r\n`)]),
    );
    const { result } = await bothWays(path, {
      features: Object.fromEntries(features.map((f) => [f.name, f.feature])),
    });
    expect(result.numExamples).toBe(25_000);
  });

  test("inferred types, empty fields as null, invalid UTF-8, gzip", async () => {
    const body = Array.from({ length: 20_000 }, (_, i) =>
      i % 5 === 1 ? `${i},,,"q ""${i}"""` : `${i},${i + 0.25},t${"é".repeat(i % 7)},w${i}`,
    ).join("\n");
    const path = join(work, "inferred.csv.gz");
    writeFileSync(
      path,
      gzipSync(
        Buffer.concat([
          Buffer.from(`a,b,c,d\n${body}\n`),
          Buffer.from([0x31, 0x2c, 0x32, 0x2c, 0xff, 0xfe, 0x2c, 0x78, 0x0a]),
        ]),
      ),
    );
    const { result } = await bothWays(path);
    expect(result.features.map((f) => (f.feature as { dtype: string }).dtype)).toEqual([
      "int64",
      "float64",
      "string",
      "string",
    ]);
  });

  test("TSV, with a type override", async () => {
    const body = Array.from(
      { length: 3_000 },
      (_, i) => `${i % 100}\tx, ${i}\t${i % 2 ? "pos" : "neg"}`,
    ).join("\n");
    const path = join(work, "rows.tsv");
    writeFileSync(path, `n\ttext\tlabel\n${body}\n`);
    const { result } = await bothWays(path, {
      features: {
        n: Value("int8"),
        text: Value("large_string"),
        label: ClassLabel({ names: ["neg", "pos"] }),
      },
    });
    expect(result.features.map((f) => f.feature)).toEqual([
      { type: "value", dtype: "int8" },
      { type: "value", dtype: "large_string" },
      { type: "classLabel", names: ["neg", "pos"] },
    ]);
  });
});

describe("CSV errors read from bytes name the file, line and column as the string path does", () => {
  test.each([
    [
      "a bad number",
      "n,s\n1,a\n2,b\n2.5,c\n",
      { n: Value("int64") },
      'bad.csv, line 4, column "n": expected an integer (int64), got "2.5"',
    ],
    [
      "a bad quoted number",
      'n,s\n1,a\n2,b\n"x",c\n',
      { n: Value("int64") },
      'bad.csv, line 4, column "n": expected an integer (int64), got "x"',
    ],
    [
      "an out-of-range value",
      "n,s\n1,a\n2,b\n300,c\n",
      { n: Value("int8") },
      'bad.csv, line 4, column "n": 300 is out of range for int8',
    ],
    ["a field count", "n,s\n1,a\n2,b\n3,c,d\n", {}, "bad.csv, line 4: has 3 fields, the header has 2"],
  ])("%s", async (_, content, declared, message) => {
    const path = join(work, "bad.csv");
    writeFileSync(path, content);
    const options = Object.keys(declared).length > 0 ? { features: { ...declared, s: Value("string") } } : {};
    const bytes = await failure({ data: path, ...options, csv: { inferenceRows: 1 } });
    const strings = await failure({ data: path, ...options, csv: { inferenceRows: 100 } });
    expect(bytes.slice(0, message.length)).toBe(message);
    expect(bytes).toBe(strings);
  });
});
