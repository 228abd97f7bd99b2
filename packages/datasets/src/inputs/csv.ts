import { basename } from "node:path";
import type { Feature, NamedFeature } from "@hfkit/cards";
import type { Row } from "../encode/batch.js";
import { POW10 } from "../encode/json-line.js";
import { dataError } from "../errors.js";
import { fileBytes } from "./bytes.js";
import { CHUNK_ROWS, type RowChunk, type RowSource } from "./source.js";

export interface CsvOptions {
  /** Field separator; `\t` for `.tsv` files, `,` otherwise. */
  delimiter?: string;
  /** Rows read to infer each column's type (default 10,000). */
  inferenceRows?: number;
}

/** One parsed record and the line it starts on. */
interface Record_ {
  fields: string[];
  quoted: boolean[];
  line: number;
}

const NOT_QUOTED: boolean[] = [];

/**
 * Parses one quoted record (RFC 4180: quotes, doubled quotes, line breaks inside quotes) from
 * `s`, which holds the whole record and ends with its line break. `line` is where it starts.
 */
function quotedRecord(s: string, delim: number, file: string, line: number): Record_ {
  const fields: string[] = [];
  const quoted: boolean[] = [];
  let field = "";
  let inQuotes = false;
  let wasQuoted = false;
  let afterQuote = false;
  let lines = 0;
  let i = 0;
  let runStart = 0;
  const n = s.length;
  const endField = () => {
    fields.push(field);
    quoted.push(wasQuoted);
    field = "";
    wasQuoted = false;
    afterQuote = false;
  };
  while (i < n) {
    const c = s.charCodeAt(i);
    if (inQuotes) {
      if (c === 34) {
        if (s.charCodeAt(i + 1) === 34) {
          field += s.slice(runStart, i + 1);
          i += 2;
          runStart = i;
          continue;
        }
        field += s.slice(runStart, i);
        inQuotes = false;
        afterQuote = true;
        runStart = ++i;
        continue;
      }
      if (c === 10) lines++;
      i++;
      continue;
    }
    if (c === delim) {
      field += s.slice(runStart, i);
      endField();
      runStart = ++i;
      continue;
    }
    if (c === 10 || c === 13) {
      field += s.slice(runStart, i);
      endField();
      return { fields, quoted, line };
    }
    if (c === 34 && field === "" && runStart === i && !afterQuote) {
      inQuotes = true;
      wasQuoted = true;
      runStart = ++i;
      continue;
    }
    if (afterQuote) {
      throw dataError(
        { file, line: line + lines },
        `unexpected character ${JSON.stringify(s[i])} after a closing quote; double a quote inside a quoted field ("")`,
      );
    }
    i++;
  }
  if (inQuotes) throw dataError({ file, line }, "a quoted field is not closed before the end of the file");
  field += s.slice(runStart, n);
  endField();
  return { fields, quoted, line };
}

type CellKind = "int" | "float" | "bool" | "string";

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf|Infinity|nan|NaN)$/i;
const BOOL = /^(true|false|True|False|TRUE|FALSE)$/;

function cellKind(text: string): CellKind {
  if (INT.test(text)) return "int";
  if (FLOAT.test(text)) return "float";
  if (BOOL.test(text)) return "bool";
  return "string";
}

function widen(a: CellKind | undefined, b: CellKind): CellKind {
  if (a === undefined || a === b) return b;
  if ((a === "int" && b === "float") || (a === "float" && b === "int")) return "float";
  return "string";
}

const KIND_DTYPE: Record<CellKind, string> = {
  int: "int64",
  float: "float64",
  bool: "bool",
  string: "string",
};

function parseNumber(text: string): number {
  const lower = text.toLowerCase();
  if (lower === "nan") return Number.NaN;
  if (lower === "inf" || lower === "+inf" || lower === "infinity" || lower === "+infinity")
    return Number.POSITIVE_INFINITY;
  if (lower === "-inf" || lower === "-infinity") return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** A converter from a cell's text to the value the feature's builder takes. */
function cellConverter(feature: Feature): (text: string) => unknown {
  if (feature.type === "classLabel") return (text) => (INT.test(text) ? Number(text) : text);
  if (
    feature.type === "list" ||
    feature.type === "largeList" ||
    feature.type === "struct" ||
    feature.type === "array"
  ) {
    return (text) => {
      try {
        return JSON.parse(text);
      } catch {
        throw new Error(
          `expected JSON for this ${feature.type} column, got ${JSON.stringify(text.slice(0, 40))}`,
        );
      }
    };
  }
  if (feature.type !== "value") return (text) => text;
  const dtype = feature.dtype;
  if (/^u?int(8|16|32)$/.test(dtype)) {
    return (text) => {
      if (!INT.test(text)) throw new Error(`expected an integer (${dtype}), got ${JSON.stringify(text)}`);
      return Number(text);
    };
  }
  if (/^u?int64$/.test(dtype) || dtype.startsWith("duration")) {
    return (text) => {
      if (!INT.test(text)) throw new Error(`expected an integer (${dtype}), got ${JSON.stringify(text)}`);
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : BigInt(text);
    };
  }
  if (/^float/.test(dtype)) {
    return (text) => {
      if (!FLOAT.test(text) && !INT.test(text))
        throw new Error(`expected a number (${dtype}), got ${JSON.stringify(text)}`);
      return parseNumber(text);
    };
  }
  if (dtype === "bool") {
    return (text) => {
      if (!BOOL.test(text)) throw new Error(`expected true or false, got ${JSON.stringify(text)}`);
      return text.toLowerCase() === "true";
    };
  }
  if (dtype === "binary" || dtype === "large_binary") return (text) => Buffer.from(text, "utf8");
  return (text) => text;
}

// Buffer's own UTF-8 decoder without toString's argument checks and encoding lookup (a sixth of
// the reader's time on 1 M rows); it has been on Buffer.prototype since Node 0.x, undocumented.
type Utf8Slice = (this: Buffer, start: number, end: number) => string;
const utf8Slice: Utf8Slice =
  (Buffer.prototype as unknown as { utf8Slice?: Utf8Slice }).utf8Slice ??
  function (this: Buffer, start: number, end: number) {
    return this.toString("utf8", start, end);
  };

/** A converter from a cell's bytes (`buffer[start, end)`, UTF-8, unquoted) to its value. */
type ByteConverter = (buffer: Buffer, start: number, end: number) => unknown;

/** `[+-]?digits` of at most 15 digits as a number; undefined for anything else. */
function intFromBytes(buffer: Buffer, start: number, end: number): number | undefined {
  let i = start;
  const sign = buffer[i];
  if (sign === 45 || sign === 43) i++;
  if (i === end || end - i > 15) return undefined;
  let value = 0;
  for (; i < end; i++) {
    const d = buffer[i]! - 48;
    if (d < 0 || d > 9) return undefined;
    value = value * 10 + d;
  }
  return sign === 45 ? -value : value;
}

/** `[+-]?digits[.digits]` with at most 15 digits in all as a number; undefined for anything else. */
function floatFromBytes(buffer: Buffer, start: number, end: number): number | undefined {
  let i = start;
  const sign = buffer[i];
  if (sign === 45 || sign === 43) i++;
  let mantissa = 0;
  let digits = 0;
  let scale = -1;
  for (; i < end; i++) {
    const c = buffer[i]!;
    if (c === 46 && scale === -1) {
      scale = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return undefined;
    mantissa = mantissa * 10 + d;
    digits++;
    if (scale !== -1) scale++;
  }
  if (digits === 0 || digits > 15) return undefined;
  const value = scale > 0 ? mantissa / POW10[scale]! : mantissa;
  return sign === 45 ? -value : value;
}

/**
 * The byte-level twin of {@link cellConverter} for the common types (integers, floats, strings):
 * numbers are parsed from the bytes without a string, strings are decoded once. Anything the
 * fast paths do not take (exponents, NaN, big integers, errors) goes through `text`, so the
 * values and the error messages are the same as the string path's.
 */
function byteConverter(feature: Feature, text: (text: string) => unknown): ByteConverter {
  const slow: ByteConverter = (buffer, start, end) => text(buffer.toString("utf8", start, end));
  if (feature.type !== "value") return slow;
  const dtype = feature.dtype;
  if (dtype === "string" || dtype === "large_string") {
    return (buffer, start, end) => utf8Slice.call(buffer, start, end);
  }
  if (/^u?int(8|16|32|64)$/.test(dtype) || dtype.startsWith("duration")) {
    return (buffer, start, end) => intFromBytes(buffer, start, end) ?? slow(buffer, start, end);
  }
  if (/^float/.test(dtype)) {
    return (buffer, start, end) => floatFromBytes(buffer, start, end) ?? slow(buffer, start, end);
  }
  return slow;
}

/**
 * CSV or TSV with a header line. Column types are inferred from the first `inferenceRows`
 * rows (int64, float64, bool or string; an empty unquoted cell is null) unless `features`
 * declares them; a later cell that does not fit fails with its line and column.
 *
 * The bytes are read as they come: lines and fields are found with `indexOf` in each chunk
 * (never decoded as a whole), and once the types are known a line without a quote goes from its
 * bytes straight to its row's values. Lines with quotes, and the header and inference sample,
 * take the string path (`quotedRecord`, `split`).
 */
export function readCsv(
  path: string,
  options: CsvOptions & { features?: readonly NamedFeature[]; signal?: AbortSignal } = {},
): RowSource {
  const file = basename(path);
  const delimiter = options.delimiter ?? (/\.tsv(\.gz|\.zst)?$/i.test(path) ? "\t" : ",");
  const inferenceRows = options.inferenceRows ?? 10_000;
  const declared = new Map(options.features?.map((f) => [f.name, f.feature]));
  const meter: { fraction?: () => number } = {};
  const source: RowSource = {
    chunks: undefined as unknown as AsyncIterable<RowChunk>,
    progress: () => meter.fraction?.() ?? Number.NaN,
  };
  const delim = delimiter.charCodeAt(0);
  // the byte path finds fields by one byte; other separators always take the string path
  const byteDelimiter = delimiter.length === 1 && delim < 128 && delim !== 34 && delim !== 10 && delim !== 13;

  async function* chunks(): AsyncGenerator<RowChunk> {
    let header: string[] | undefined;
    const sample: Record_[] = [];
    let converters: ((text: string) => unknown)[] = [];
    let fromBytes: ByteConverter[] = [];
    let template: Row = {};
    let ready = false;
    const prepare = () => {
      const kinds: (CellKind | undefined)[] = header!.map(() => undefined);
      for (const record of sample) {
        record.fields.forEach((text, i) => {
          if (text === "" && !record.quoted[i]) return;
          kinds[i] = widen(kinds[i], cellKind(text));
        });
      }
      const features: NamedFeature[] = header!.map((name, i) => ({
        name,
        feature: declared.get(name) ?? { type: "value", dtype: KIND_DTYPE[kinds[i] ?? "string"] },
      }));
      source.features = features;
      converters = features.map((f) => cellConverter(f.feature));
      fromBytes = features.map((f, i) => byteConverter(f.feature, converters[i]!));
      template = Object.fromEntries(features.map((f) => [f.name, null]));
      ready = true;
    };
    const convert = (record: Record_): Row => {
      if (record.fields.length !== header!.length) {
        throw dataError(
          { file, line: record.line },
          `has ${record.fields.length} fields, the header has ${header!.length}; quote fields that contain "${delimiter === "\t" ? "\\t" : delimiter}"`,
        );
      }
      const row: Row = {};
      for (let i = 0; i < header!.length; i++) {
        const text = record.fields[i]!;
        if (text === "" && !record.quoted[i]) {
          row[header![i]!] = null;
          continue;
        }
        try {
          row[header![i]!] = converters[i]!(text);
        } catch (error) {
          throw dataError({ file, line: record.line, column: header![i]! }, (error as Error).message);
        }
      }
      return row;
    };
    let rows: Row[] = [];
    let numbers: number[] = [];
    const flushSample = (): void => {
      for (const record of sample) {
        rows.push(convert(record));
        numbers.push(record.line);
      }
      sample.length = 0;
    };
    /** A whole record read on the string path: the header, a sample row, or a row. */
    const take = (record: Record_): void => {
      if (!header) {
        header = record.fields.map((f) => f.trim());
        header.forEach((name, i) => {
          if (name === "")
            throw dataError({ file, line: record.line }, `column ${i + 1} of the header has no name`);
        });
        for (const name of declared.keys()) {
          if (!header.includes(name))
            throw dataError(
              { file, line: record.line, column: name },
              `the features declare "${name}" but the header has ${header.join(", ")}`,
            );
        }
        return;
      }
      if (!ready) {
        sample.push(record);
        if (sample.length >= inferenceRows) {
          prepare();
          flushSample();
        }
        return;
      }
      rows.push(convert(record));
      numbers.push(record.line);
    };
    // The next delimiter at or after the current line's start in the buffer being read (or -1):
    // moved forward only, so each buffer is searched once from end to end.
    let next = -1;
    // the same for a quote and a CR, looked for only in lines with quotes
    let nextQuote = -1;
    let nextCr = -1;
    /** Points the searches at `from` in a buffer starting to be read. */
    const scan = (buffer: Buffer, from: number): void => {
      next = byteDelimiter ? buffer.indexOf(delim, from) : -1;
      nextQuote = buffer.indexOf(34, from);
      nextCr = buffer.indexOf(13, from);
    };
    /**
     * A line once the types are known, from its bytes: its fields and values, or false when the
     * line is anything but plain (a field count that differs from the header's, a value its
     * converter refuses, a quote inside an unquoted field, a CR, text after a closing quote),
     * and the string path reads it again and says what is wrong. `quoted`: the line has quotes
     * (an even number of them, so no quoted field goes on to the next line).
     */
    const fast = (buffer: Buffer, start: number, end: number, line: number, quoted: boolean): boolean => {
      const names = header!;
      const count = names.length;
      if (quoted) {
        if (nextCr !== -1 && nextCr < start) nextCr = buffer.indexOf(13, start);
        if (nextCr !== -1 && nextCr < end) return false;
      }
      // a copy of a template has the rows' final shape at once (no transition per column)
      const row: Row = { ...template };
      let at = start;
      try {
        for (let column = 0; column < count; column++) {
          const last = column === count - 1;
          if (quoted && buffer[at] === 34 && at < end) {
            // "…", with "" for a quote inside
            let close = buffer.indexOf(34, at + 1);
            let doubled = false;
            while (close !== -1 && close < end && buffer[close + 1] === 34) {
              doubled = true;
              close = buffer.indexOf(34, close + 2);
            }
            if (close === -1 || close >= end) return false;
            const after = close + 1;
            if (after === end ? !last : last || buffer[after] !== delim) return false;
            let text = utf8Slice.call(buffer, at + 1, close);
            if (doubled) text = text.replaceAll('""', '"');
            row[names[column]!] = converters[column]!(text);
            at = after + 1;
            continue;
          }
          if (next !== -1 && next < at) next = buffer.indexOf(delim, at);
          const stop = next !== -1 && next < end ? next : end;
          if ((stop === end) !== last) return false;
          if (quoted) {
            if (nextQuote !== -1 && nextQuote < at) nextQuote = buffer.indexOf(34, at);
            if (nextQuote !== -1 && nextQuote < stop) return false;
          }
          row[names[column]!] = stop === at ? null : fromBytes[column]!(buffer, at, stop);
          at = stop + 1;
        }
      } catch {
        return false;
      }
      rows.push(row);
      numbers.push(line);
      return true;
    };

    // Lines continuing a quoted field, joined until their quotes balance.
    let acc: string | undefined;
    let accQuotes = 0;
    let accLine = 0;
    let lineNumber = 1;
    /** One line `buffer[start, end)` (its line break and a CR before it excluded). */
    const line = (buffer: Buffer, start: number, end: number, quotes: number): void => {
      const number = lineNumber++;
      if (acc === undefined && quotes % 2 === 0) {
        if (end === start) return;
        if (ready && byteDelimiter && fast(buffer, start, end, number, quotes > 0)) return;
        if (quotes === 0) {
          take({
            fields: buffer.toString("utf8", start, end).split(delimiter),
            quoted: NOT_QUOTED,
            line: number,
          });
          return;
        }
      }
      const text = buffer.toString("utf8", start, end);
      if (acc === undefined) {
        acc = text;
        accQuotes = quotes;
        accLine = number;
      } else {
        acc += `\n${text}`;
        accQuotes += quotes;
      }
      if (accQuotes % 2 === 0) {
        const record = quotedRecord(`${acc}\n`, delim, file, accLine);
        acc = undefined;
        take(record);
      }
    };
    const countQuotes = (buffer: Buffer, start: number, end: number): number => {
      let quotes = 0;
      for (let q = buffer.indexOf(34, start); q !== -1 && q < end; q = buffer.indexOf(34, q + 1)) quotes++;
      return quotes;
    };

    // The tail of the last chunk that has no line break yet (copied: never a whole chunk kept).
    let carry: Buffer | undefined;
    let first = true;
    for await (const chunk of fileBytes(path, options.signal, meter)) {
      const buffer = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let at = 0;
      if (first && buffer.length > 0) {
        // a UTF-8 byte order mark is not part of the first column's name
        first = false;
        if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) at = 3;
      }
      if (carry) {
        const nl = buffer.indexOf(10);
        if (nl === -1) {
          carry = Buffer.concat([carry, buffer]);
          continue;
        }
        const joined = Buffer.concat([carry, buffer.subarray(0, nl)]);
        carry = undefined;
        const end = joined.length > 0 && joined[joined.length - 1] === 13 ? joined.length - 1 : joined.length;
        scan(joined, 0);
        line(joined, 0, end, countQuotes(joined, 0, end));
        at = nl + 1;
      }
      // the next quote and delimiter in the buffer, each searched once and moved forward
      let quoteAt = buffer.indexOf(34, at);
      scan(buffer, at);
      for (;;) {
        const nl = buffer.indexOf(10, at);
        if (nl === -1) break;
        const end = nl > at && buffer[nl - 1] === 13 ? nl - 1 : nl;
        let quotes = 0;
        while (quoteAt !== -1 && quoteAt < end) {
          quotes++;
          quoteAt = buffer.indexOf(34, quoteAt + 1);
        }
        line(buffer, at, end, quotes);
        at = nl + 1;
      }
      if (at < buffer.length) carry = Buffer.from(buffer.subarray(at));
      if (rows.length >= CHUNK_ROWS) {
        yield { rows, file, lines: numbers };
        rows = [];
        numbers = [];
      }
    }
    if (carry) {
      const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
      scan(carry, 0);
      line(carry, 0, end, countQuotes(carry, 0, end));
    }
    if (acc !== undefined)
      throw dataError({ file, line: accLine }, "a quoted field is not closed before the end of the file");
    if (!header) throw dataError({ file, line: 1 }, "the file is empty; a CSV needs a header line");
    if (!ready) {
      prepare();
      flushSample();
    }
    if (rows.length > 0) yield { rows, file, lines: numbers };
  }
  source.chunks = chunks();
  return source;
}

/** Reads the header and the inference sample, so `features` is known before the rows flow. */
export async function primeCsv(source: RowSource): Promise<RowSource> {
  const iterator = source.chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* rest(): AsyncGenerator<RowChunk> {
    if (!first.done) yield first.value;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return {
    chunks: rest(),
    features: source.features,
    ...(source.progress ? { progress: source.progress } : {}),
  };
}
