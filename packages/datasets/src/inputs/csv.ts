import { basename } from "node:path";
import type { Feature, NamedFeature } from "@hfkit/cards";
import type { Row } from "../encode/batch.js";
import { dataError } from "../errors.js";
import { fileBytes, lines } from "./bytes.js";
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
 * RFC 4180 records of a text stream: quotes, doubled quotes, line breaks inside quotes, CRLF.
 * A line without a quote is split natively; only quoted records are read character by character.
 */
async function* records(
  chunks: AsyncIterable<Uint8Array>,
  delimiter: string,
  file: string,
): AsyncGenerator<Record_[]> {
  const delim = delimiter.charCodeAt(0);
  let line = 1;
  let out: Record_[] = [];

  /** Parses one quoted record starting at `at`; undefined when `s` ends before the record does. */
  const quotedRecord = (
    s: string,
    at: number,
    last: boolean,
  ): { record: Record_; next: number } | undefined => {
    const fields: string[] = [];
    const quoted: boolean[] = [];
    let field = "";
    let inQuotes = false;
    let wasQuoted = false;
    let afterQuote = false;
    let lines = 0;
    let i = at;
    let runStart = at;
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
          if (i + 1 >= n && !last) return undefined;
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
        if (c === 13 && i + 1 >= n && !last) return undefined;
        endField();
        const next = c === 13 && s.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
        const record = { fields, quoted, line };
        line += lines + 1;
        return { record, next };
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
    if (!last) return undefined;
    if (inQuotes) throw dataError({ file, line }, "a quoted field is not closed before the end of the file");
    field += s.slice(runStart, n);
    endField();
    const record = { fields, quoted, line };
    line += lines + 1;
    return { record, next: n };
  };

  // Lines are found in the bytes (as for JSONL), so big strings are never scanned or sliced;
  // a line with an odd number of quotes continues a quoted field on the next line.
  let acc: string | undefined;
  let accQuotes = 0;
  let accLine = 0;
  for await (const { buffer, starts, ends, firstLine } of lines(chunks)) {
    // the next quote in the buffer, searched once and moved forward (never rescanned per line)
    let nextQuote = buffer.indexOf(34);
    for (let k = 0; k < starts.length; k++) {
      const start = starts[k]!;
      const end = ends[k]!;
      if (nextQuote !== -1 && nextQuote < start) nextQuote = buffer.indexOf(34, start);
      let quotes = 0;
      while (nextQuote !== -1 && nextQuote < end) {
        quotes++;
        nextQuote = buffer.indexOf(34, nextQuote + 1);
      }
      if (acc === undefined && quotes === 0) {
        if (end > start) {
          out.push({
            fields: buffer.toString("utf8", start, end).split(delimiter),
            quoted: NOT_QUOTED,
            line: firstLine + k,
          });
        }
        continue;
      }
      const text = buffer.toString("utf8", start, end);
      if (acc === undefined) {
        acc = text;
        accQuotes = quotes;
        accLine = firstLine + k;
      } else {
        acc += `\n${text}`;
        accQuotes += quotes;
      }
      if (accQuotes % 2 === 0) {
        line = accLine;
        out.push(quotedRecord(`${acc}\n`, 0, true)!.record);
        acc = undefined;
      }
    }
    if (out.length >= 1024) {
      yield out;
      out = [];
    }
  }
  if (acc !== undefined)
    throw dataError({ file, line: accLine }, "a quoted field is not closed before the end of the file");
  if (out.length > 0) yield out;
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

/**
 * CSV or TSV with a header line. Column types are inferred from the first `inferenceRows`
 * rows (int64, float64, bool or string; an empty unquoted cell is null) unless `features`
 * declares them; a later cell that does not fit fails with its line and column.
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
  const iterator = records(fileBytes(path, options.signal, meter), delimiter, file);

  async function* chunks(): AsyncGenerator<RowChunk> {
    let header: string[] | undefined;
    const sample: Record_[] = [];
    let converters: ((text: string) => unknown)[] = [];
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
    for await (const batch of iterator) {
      for (const record of batch) {
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
          continue;
        }
        if (!ready) {
          sample.push(record);
          if (sample.length >= inferenceRows) {
            prepare();
            flushSample();
          }
          continue;
        }
        rows.push(convert(record));
        numbers.push(record.line);
      }
      if (rows.length >= CHUNK_ROWS) {
        yield { rows, file, lines: numbers };
        rows = [];
        numbers = [];
      }
    }
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
