import type { NamedFeature } from "@hfkit/cards";
import * as A from "apache-arrow";
import { describe, expect, test } from "vitest";
import { ClassLabel, List, Value } from "../features/model.js";
import { BatchEncoder, type Row } from "./batch.js";

// The byte-level JSONL reader against the row path (JSON.parse, then `append`): for every line,
// either the same row, or the same error, or (a line it does not take) nothing appended at all.

const features: NamedFeature[] = [
  { name: "id", feature: Value("int64") },
  { name: "text", feature: Value("string") },
  { name: "score", feature: Value("float64") },
  { name: "ok", feature: Value("bool") },
  { name: "small", feature: Value("int8") },
  { name: "f32", feature: Value("float32") },
  { name: "half", feature: Value("float16") },
  { name: "u", feature: Value("uint32") },
  { name: "label", feature: ClassLabel({ names: ["neg", "pos"] }) },
  { name: "tags", feature: List(Value("string")) },
  { name: "big", feature: Value("large_string") },
];

/** Lines the byte-level reader must take itself. */
const TAKEN = [
  '{"id": 1, "text": "plain", "score": 0.5, "ok": true}',
  '{"id":2,"text":"héllo ✓ 😀 ümlaut","score":-12.25,"ok":false}',
  '  { "text" : "spaces" , "id" : 3 }  ',
  '{"id": 4, "text": "tabs\tare not allowed in JSON strings"}'.replace("\t", " "),
  "{}",
  '{"id": null, "text": null, "score": null, "ok": null, "tags": null}',
  '{"score": 0}',
  '{"score": -0}',
  '{"score": -0.0}',
  '{"score": 123456789012345}',
  '{"score": 1234567890.12345}',
  '{"score": 0.1}',
  '{"score": 0.30000000000000004}',
  '{"score": 1e3}',
  '{"score": 1E-7}',
  '{"score": 2.5e+10}',
  '{"score": 5e-324}',
  '{"score": 1.7976931348623157e308}',
  '{"score": 1e400}',
  '{"score": -1e400}',
  '{"score": 12345678901234567890}',
  '{"score": 123.4567890123456789}',
  '{"score": 0.0000000000000000000001}',
  '{"score": 1.00000000000000000000000001}',
  '{"id": 9007199254740991}',
  '{"id": -9007199254740991}',
  '{"id": 10.0}',
  '{"id": 1e2}',
  '{"small": -128, "u": 4294967295}',
  '{"f32": 3.14159265358979, "half": 0.333}',
  '{"label": 1}',
  '{"label": -1}',
  '{"big": "large string column"}',
  '{"text": ""}',
  '{"text": "a \\u-like text without a backslash"}'.replace("\\u", "u"),
];

/** Valid JSON the byte-level reader leaves to the row path (which gives the row or the error). */
const LEFT = [
  '{"text": "with \\"escapes\\" and \\n"}',
  '{"text": "\\u00e9"}',
  '{"te\\u0078t": "escaped key"}',
  '{"id": 1, "id": 2}',
  '{"tags": ["a", "b"]}',
  '{"tags": []}',
  '{"label": "pos"}',
  '{"text": 5}',
  '{"id": "5"}',
  '{"ok": 1}',
  '{"id": true}',
  '{"text": {"nested": 1}}',
  '{"unknown": 1}',
  '{"__proto__": 1}',
  "[1, 2]",
  '"a string"',
  "null",
  "1",
];

/** Lines the byte-level reader takes, whose value its column refuses: the row path's error. */
const REFUSED = [
  '{"small": 300}',
  '{"small": -129}',
  '{"u": -1}',
  '{"id": 1.5}',
  '{"id": 9007199254740993}',
  '{"label": 2}',
  '{"label": 0.5}',
];

/** Not JSON: left to the row path (JSON.parse names the problem). */
const INVALID = [
  '{"id": 01}',
  '{"id": 1.}',
  '{"id": .5}',
  '{"id": +1}',
  '{"id": -}',
  '{"id": 1e}',
  '{"id": 0x10}',
  '{"id": 1,}',
  '{"id": 1} x',
  '{"id" 1}',
  '{"text": "raw\ttab"}',
  '{"text": "unterminated}',
  '{"id": nul}',
  '{"ok": tru}',
  '{"ok": fals}',
  "{",
  "",
  "   ",
];

function ipc(encoder: BatchEncoder): Uint8Array {
  const batch = encoder.flush(true)!;
  return A.tableToIPC(new A.Table([batch]), "stream");
}

/** The row path's outcome for a line: its row, or the error it throws. */
function rowPath(line: string): { row?: Row; error?: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { error: `JSON: ${(error as Error).message}` };
  }
  const encoder = new BatchEncoder(features);
  try {
    encoder.append(value as Row);
  } catch (error) {
    return { error: (error as Error).message };
  }
  return { row: value as Row };
}

describe("JSONL lines read from their bytes", () => {
  test.each(TAKEN)("takes %s, with the row path's values", (line) => {
    const direct = new BatchEncoder(features);
    const parsed = new BatchEncoder(features);
    expect(direct.appendJsonLine(Buffer.from(line), 0, Buffer.byteLength(line))).toBe(true);
    parsed.append(JSON.parse(line) as Row);
    expect([direct.rows, direct.cursor.row]).toEqual([1, 1]);
    expect(ipc(direct)).toEqual(ipc(parsed));
  });

  test.each(LEFT.concat(INVALID))("leaves %s to the row path, appending nothing", (line) => {
    const encoder = new BatchEncoder(features);
    expect(encoder.appendJsonLine(Buffer.from(line), 0, Buffer.byteLength(line))).toBe(false);
    expect([encoder.rows, encoder.cursor.row]).toEqual([0, 0]);
    expect(ipc(encoder)).toEqual(ipc(new BatchEncoder(features)));
  });

  test.each(REFUSED)("fails %s with the row path's error", (line) => {
    const expected = rowPath(line).error;
    expect(expected).toMatch(/^row 0, column/);
    const encoder = new BatchEncoder(features);
    expect(() => encoder.appendJsonLine(Buffer.from(line), 0, Buffer.byteLength(line))).toThrow(expected);
  });

  test("reads a line in the middle of a buffer, and many rows into one batch", () => {
    const direct = new BatchEncoder(features);
    const parsed = new BatchEncoder(features);
    const text = `garbage${TAKEN.join("\n")}\ntail`;
    const buffer = Buffer.from(text);
    let at = Buffer.byteLength("garbage");
    for (const line of TAKEN) {
      const end = at + Buffer.byteLength(line);
      expect(direct.appendJsonLine(buffer, at, end)).toBe(true);
      parsed.append(JSON.parse(line) as Row);
      at = end + 1;
    }
    expect(direct.rows).toBe(TAKEN.length);
    expect(ipc(direct)).toEqual(ipc(parsed));
  });

  test("a line left after its text was read leaves no trace in the rows after it", () => {
    // the text of a string column is copied while it is read, before the line is known to be
    // taken: a line left to the row path afterwards must not leave those bytes in the column
    const lines = [
      '{"id": 1, "text": "first"}',
      '{"text": "copied, then the line is refused", "id": 01}',
      '{"text": "copied too", "text": "a key twice"}',
      '{"text": "long ✓ text that is read and then dropped", "score": 1.}',
      '{"id": 2, "text": "second", "ok": true}',
      '{"text": "an escape \\n after the start"}',
      '{"text": "third"}',
    ];
    const direct = new BatchEncoder(features);
    const parsed = new BatchEncoder(features);
    for (const line of lines) {
      let row: Row | undefined;
      try {
        row = JSON.parse(line) as Row;
      } catch {
        row = undefined;
      }
      if (!direct.appendJsonLine(Buffer.from(line), 0, Buffer.byteLength(line))) {
        if (row === undefined) continue;
        direct.append(row);
      }
      parsed.append(row!);
    }
    // first, second, the key twice (JSON.parse keeps the last), the escape, third
    expect([direct.rows, parsed.rows]).toEqual([5, 5]);
    expect(ipc(direct)).toEqual(ipc(parsed));
  });

  test("reads random JSON numbers as JSON.parse does (fast path and the rest)", () => {
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const digits = (count: number) => Array.from({ length: count }, () => Math.floor(random() * 10)).join("");
    const direct = new BatchEncoder([{ name: "x", feature: Value("float64") }]);
    const parsed = new BatchEncoder([{ name: "x", feature: Value("float64") }]);
    for (let i = 0; i < 20_000; i++) {
      const int = `${Math.floor(random() * 9) + 1}${digits(Math.floor(random() * 17))}`;
      const fraction = random() < 0.8 ? `.${digits(1 + Math.floor(random() * 22))}` : "";
      const exponent = random() < 0.15 ? `e${random() < 0.5 ? "-" : ""}${Math.floor(random() * 330)}` : "";
      const line = `{"x": ${random() < 0.3 ? "-" : ""}${random() < 0.3 ? "0" : int}${fraction}${exponent}}`;
      expect(direct.appendJsonLine(Buffer.from(line), 0, line.length)).toBe(true);
      parsed.append(JSON.parse(line) as Row);
    }
    expect(ipc(direct)).toEqual(ipc(parsed));
  });

  test("reads text four bytes at a time: a quote, escape or control byte at every offset of a word", () => {
    // scanJsonString tests whole 32-bit words for a quote, a backslash or a byte under 0x20 and
    // copies the words without one; the bytes next to those (and UTF-8 bytes with the same low
    // seven bits: 0xa2, 0xdc, 0xa0) must be copied as they are, each marker found wherever it
    // falls in a word, at every alignment of the line in its buffer and of its end
    const markers = ["\\n", '\\"', "\\\\", "\u0001", "\u001f", "\t"];
    const neighbours = ["!", "#", "[", "]", " ", "\u007f", "¢", "ܐ", "\u00a0", "é", "😀"];
    const lines: string[] = [];
    for (let length = 0; length < 13; length++) {
      const base = "abcdefghijklm".slice(0, length);
      for (let at = 0; at <= length; at++) {
        for (const insert of [...markers, ...neighbours]) {
          const text = base.slice(0, at) + insert + base.slice(at);
          lines.push(`{"text": "${text}"}`, `{"text":"${text}","id":${length}}`);
        }
      }
    }
    // texts past the builder's first 64 KiB, which it then grows (words are written to the new bytes)
    lines.push(
      `{"text": "${"long ¢ text ".repeat(7000)}"}`,
      `{"text": "${"x".repeat(200_001)}"}`,
      '{"text": "after"}',
    );
    const columns: NamedFeature[] = [
      { name: "id", feature: Value("int64") },
      { name: "text", feature: Value("string") },
    ];
    const direct = new BatchEncoder(columns);
    const parsed = new BatchEncoder(columns);
    let taken = 0;
    for (const [i, line] of lines.entries()) {
      const pad = "xyz".slice(0, i % 4);
      const buffer = Buffer.from(`${pad}${line}`);
      let row: Row | undefined;
      try {
        row = JSON.parse(line) as Row;
      } catch {
        row = undefined;
      }
      const took = direct.appendJsonLine(buffer, pad.length, buffer.length);
      // taken exactly when the line is JSON with no escape in its text
      expect([line, took]).toEqual([line, row !== undefined && !line.includes("\\")]);
      if (!took) continue;
      taken++;
      parsed.append(row!);
    }
    expect([direct.rows, parsed.rows]).toEqual([taken, taken]);
    expect(ipc(direct)).toEqual(ipc(parsed));
    expect(taken).toBeGreaterThan(1000);
  });

  test("matches keys in any order, only whole names, and names with a quote or backslash only escaped", () => {
    const columns: NamedFeature[] = [
      { name: "id", feature: Value("int64") },
      { name: "text", feature: Value("string") },
      { name: 'a"b', feature: Value("int64") },
      { name: "back\\slash", feature: Value("int64") },
    ];
    // [line, taken by the byte-level reader]
    const cases: [string, boolean][] = [
      ['{"id": 1, "text": "a"}', true],
      ['{"text": "b", "id": 2}', true],
      ['{"text": "c"}', true],
      ['{"id": 3}', true],
      ['{"text": "d", "id": 4, "text": "twice"}', false],
      ['{"tex": "short key"}', false],
      ['{"texts": "long key"}', false],
      ['{"id": 5, "idx": 6}', false],
      ['{"textX: "not JSON"}', false],
      ['{"id": 7, "textX: "not JSON"}', false],
      ['{"a\\"b": 8}', false],
      ['{"a"b": 9}', false],
      // after "text", the key tried first is the next column's name, a"b: its bytes are no key
      ['{"text": "x", "a"b": 9}', false],
      ['{"id": 1, "text": "x", "a"b": 9, "back\\slash": 10}', false],
      ['{"back\\\\slash": 10}', false],
      ['{"back\\slash": 11}', false],
      ['{"id": 12, "text": "e"}', true],
    ];
    const direct = new BatchEncoder(columns);
    const parsed = new BatchEncoder(columns);
    for (const [line, taken] of cases) {
      expect([line, direct.appendJsonLine(Buffer.from(line), 0, Buffer.byteLength(line))]).toEqual([
        line,
        taken,
      ]);
      if (taken) parsed.append(JSON.parse(line) as Row);
    }
    expect(ipc(direct)).toEqual(ipc(parsed));
  });

  test("is not used when a column is named like an object's inherited property", () => {
    const encoder = new BatchEncoder([{ name: "constructor", feature: Value("string") }]);
    const line = '{"constructor": "x"}';
    expect(encoder.appendJsonLine(Buffer.from(line), 0, line.length)).toBe(false);
  });
});
