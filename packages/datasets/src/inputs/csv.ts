import { isUtf8 } from "node:buffer";
import { basename } from "node:path";
import type { Feature, NamedFeature } from "@hfkit/cards";
import type { Row } from "../encode/batch.js";
import { dataError } from "../errors.js";
import { endOf, fileBytes } from "./bytes.js";
import {
  CHUNK_ROWS,
  type CsvLines,
  type CsvRead,
  type CsvTable,
  LazyRowChunk,
  type RowChunk,
  type RowSource,
} from "./source.js";

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

/** How the byte path (encode/csv-line.ts) may read a column of this feature. */
function csvRead(feature: Feature): CsvRead {
  if (feature.type !== "value") return "other";
  const dtype = feature.dtype;
  if (dtype === "string" || dtype === "large_string") return "text";
  if (/^u?int(8|16|32|64)$/.test(dtype) || dtype.startsWith("duration")) return "int";
  if (/^float/.test(dtype)) return "float";
  return "other";
}

/** Whole-record lines whose rows are made when asked for (`LazyRowChunk`). */
class CsvChunk extends LazyRowChunk {
  constructor(
    file: string,
    public csv: CsvLines | undefined,
  ) {
    super(file);
  }

  protected make(): { rows: Row[]; lines: number[] } {
    const csv = this.csv!;
    this.csv = undefined;
    return { rows: csv.starts.map((_, i) => csv.table.row(csv, i)), lines: csv.lines };
  }
}

/**
 * CSV or TSV with a header line. Column types are inferred from the first `inferenceRows`
 * rows (int64, float64, bool or string; an empty unquoted cell is null) unless `features`
 * declares them; a later cell that does not fit fails with its line and column.
 *
 * The bytes are read as they come: lines are found with `indexOf` in each chunk (never decoded
 * as a whole). The header and the inference sample take the string path (`quotedRecord`,
 * `split`); once the types are known, the lines that are whole records are handed on as bytes
 * (`RowChunk.csv`), which the shard writer reads straight into its columns (encode/csv-line.ts),
 * and a record with a line break inside a quoted field is made into its row here.
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
    let table: CsvTable | undefined;
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
      table = {
        names: header!,
        delimiter: delim,
        reads: features.map((f) => csvRead(f.feature)),
        cells: converters,
        row: (lines, i) => lineRow(lines.buffer, lines.starts[i]!, lines.ends[i]!, lines.lines[i]!),
      };
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
    /** The record of one whole line `buffer[start, end)` on the string path. */
    const lineRecord = (buffer: Buffer, start: number, end: number, line: number): Record_ => {
      const text = buffer.toString("utf8", start, end);
      return !text.includes('"')
        ? { fields: text.split(delimiter), quoted: NOT_QUOTED, line }
        : quotedRecord(`${text}\n`, delim, file, line);
    };
    const lineRow = (buffer: Buffer, start: number, end: number, line: number): Row =>
      convert(lineRecord(buffer, start, end, line));

    // What is ready to be yielded, in the file's order: chunks of byte lines and of rows.
    const out: RowChunk[] = [];
    let rows: Row[] = [];
    let numbers: number[] = [];
    const closeRows = (): void => {
      if (rows.length === 0) return;
      out.push({ rows, file, lines: numbers });
      rows = [];
      numbers = [];
    };
    // The byte lines of the buffer being read (one buffer per chunk: its bytes are not copied).
    let run: { buffer: Buffer; starts: number[]; ends: number[]; lines: number[] } | undefined;
    const closeRun = (): void => {
      if (!run) return;
      const { buffer, starts, ends } = run;
      // a text field's bytes are copied as they are only when they are what decoding and
      // encoding them again gives (invalid UTF-8 would become U+FFFD)
      const utf8 = isUtf8(buffer.subarray(starts[0]!, ends[ends.length - 1]!));
      out.push(new CsvChunk(file, { ...run, utf8, table: table! }));
      run = undefined;
    };
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
      if (!table) {
        sample.push(record);
        if (sample.length >= inferenceRows) {
          prepare();
          flushSample();
        }
        return;
      }
      closeRun();
      rows.push(convert(record));
      numbers.push(record.line);
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
        if (table && byteDelimiter) {
          // a whole record: its row is made from its bytes later (or from this buffer's text)
          closeRows();
          if (run?.buffer !== buffer) {
            closeRun();
            run = { buffer, starts: [], ends: [], lines: [] };
          }
          run.starts.push(start);
          run.ends.push(end);
          run.lines.push(number);
          return;
        }
        take(lineRecord(buffer, start, end, number));
        return;
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

    /**
     * Every complete line of `buffer` from `from`, to `line`; returns where the unfinished tail
     * starts. A function of its own, not a loop in this generator: V8 then optimises this small
     * loop alone rather than the whole generator (profiled on 50 k CSV rows: compiling the
     * generator took ~30-50 ms of a background thread in every process).
     */
    const lines = (buffer: Buffer, from: number): number => {
      let at = from;
      // the next quote in the buffer, searched once and moved forward
      let quoteAt = buffer.indexOf(34, at);
      for (;;) {
        const nl = buffer.indexOf(10, at);
        if (nl === -1) return at;
        const end = endOf(buffer, nl, at);
        let quotes = 0;
        while (quoteAt !== -1 && quoteAt < end) {
          quotes++;
          quoteAt = buffer.indexOf(34, quoteAt + 1);
        }
        line(buffer, at, end, quotes);
        at = nl + 1;
      }
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
        const end = endOf(joined, joined.length, 0);
        line(joined, 0, end, countQuotes(joined, 0, end));
        at = nl + 1;
      }
      at = lines(buffer, at);
      if (at < buffer.length) carry = Buffer.from(buffer.subarray(at));
      // the lines of this buffer go now: the stream may reuse its memory once asked for more
      closeRun();
      if (rows.length >= CHUNK_ROWS) closeRows();
      if (out.length > 0) yield* out.splice(0);
    }
    if (carry) {
      const end = endOf(carry, carry.length, 0);
      line(carry, 0, end, countQuotes(carry, 0, end));
    }
    if (acc !== undefined)
      throw dataError({ file, line: accLine }, "a quoted field is not closed before the end of the file");
    if (!header) throw dataError({ file, line: 1 }, "the file is empty; a CSV needs a header line");
    if (!table) {
      prepare();
      flushSample();
    }
    closeRun();
    closeRows();
    if (out.length > 0) yield* out.splice(0);
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
