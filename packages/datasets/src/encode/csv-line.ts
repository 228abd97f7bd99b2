import type { CsvLines, CsvTable } from "../inputs/source.js";
import { type Builder, BytesBuilder } from "./builder-base.js";
import { POW10 } from "./json-line.js";

// CSV lines read from their bytes straight into the column builders, without a string per line,
// a row object per line, or text decoded and encoded again (profiled on 1 M rows: the reader's
// per-line values and row objects, `append` encoding each text again, and their garbage were
// over half of the main thread's work).
//
// It takes the lines whose every field it reads as the string path (csv.ts) would: a line with
// the header's field count, quoted fields closed before the next delimiter, no quote inside an
// unquoted field and no CR in a line with quotes; a field its column's converter refuses leaves
// the line to the string path too, which names the problem. The fields' values go through the
// same converters, and into the builders in the features' order, so rows, errors and shard bytes
// are the same.

enum Field {
  Null = 0,
  /** A text column's value as its bytes `starts[c], ends[c]`. */
  Bytes = 1,
  /** `numbers[c]`. */
  Number = 2,
  /** `values[c]`. */
  Value = 3,
}

enum Read {
  Text = 0,
  Int = 1,
  Float = 2,
  Other = 3,
}

// Buffer's own UTF-8 decoder without toString's argument checks and encoding lookup (a sixth of
// the reader's time on 1 M rows); it has been on Buffer.prototype since Node 0.x, undocumented.
type Utf8Slice = (this: Buffer, start: number, end: number) => string;
const utf8Slice: Utf8Slice =
  (Buffer.prototype as unknown as { utf8Slice?: Utf8Slice }).utf8Slice ??
  function (this: Buffer, start: number, end: number) {
    return this.toString("utf8", start, end);
  };

/** `[+-]?digits` of at most 15 digits as a number (what `Number()` of its text gives); undefined for anything else. */
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

/**
 * `[+-]?digits[.digits]` with at most 15 digits in all as a number (exact: an integer below 2^53
 * over an exact power of ten is what `Number()` of its text gives); undefined for anything else.
 */
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

export class CsvLineReader {
  private readonly count: number;
  private readonly delimiter: number;
  private readonly reads: Uint8Array;
  private readonly cells: readonly ((text: string) => unknown)[];
  /** Per builder (the features' order), the CSV column it takes, or -1 (always null). */
  private readonly columnOf: Int32Array;
  private readonly fields: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly numbers: Float64Array;
  private readonly values: unknown[];
  // The next delimiter, quote and CR at or after the line being read in the current chunk (or
  // -1, none left): moved forward only, so each chunk is searched once from end to end.
  private chunk: CsvLines | undefined;
  private nextDelimiter = -1;
  private nextQuote = -1;
  private nextCr = -1;

  /** A reader of this file's lines into these builders, or undefined when a column is not among the features. */
  static for(
    table: CsvTable,
    names: readonly string[],
    builders: readonly Builder[],
  ): CsvLineReader | undefined {
    const columnOf = new Int32Array(names.length);
    for (let j = 0; j < names.length; j++) columnOf[j] = table.names.indexOf(names[j]!);
    // a column that is not a feature: the row path names it; a name given twice, or one that
    // is an object's inherited property ("__proto__"…): the row object has its own idea of it
    if (
      table.names.some(
        (name, c) => !names.includes(name) || table.names.indexOf(name) !== c || name in Object.prototype,
      )
    )
      return undefined;
    return new CsvLineReader(table, columnOf, builders);
  }

  private constructor(
    table: CsvTable,
    columnOf: Int32Array,
    private readonly builders: readonly Builder[],
  ) {
    const count = table.names.length;
    this.count = count;
    this.delimiter = table.delimiter;
    this.cells = table.cells;
    this.columnOf = columnOf;
    const builderOf = new Map<number, Builder>();
    columnOf.forEach((c, j) => {
      if (c !== -1) builderOf.set(c, builders[j]!);
    });
    this.reads = Uint8Array.from(table.reads, (read, c) => {
      switch (read) {
        case "text": {
          // its bytes go in as they are only where the builder takes text unconverted
          const builder = builderOf.get(c);
          return builder instanceof BytesBuilder && builder.plainText ? Read.Text : Read.Other;
        }
        case "int":
          return Read.Int;
        case "float":
          return Read.Float;
        default:
          return Read.Other;
      }
    });
    this.fields = new Uint8Array(count);
    this.starts = new Int32Array(count);
    this.ends = new Int32Array(count);
    this.numbers = new Float64Array(count);
    this.values = new Array<unknown>(count).fill(undefined);
  }

  /**
   * Appends the row of line `i` of `lines` to the builders and returns true, or returns false,
   * having appended nothing, when the line is one for the string path.
   */
  append(lines: CsvLines, i: number): boolean {
    const b = lines.buffer;
    const start = lines.starts[i]!;
    const end = lines.ends[i]!;
    if (lines !== this.chunk) {
      this.chunk = lines;
      this.nextDelimiter = b.indexOf(this.delimiter, start);
      this.nextQuote = b.indexOf(34, start);
      this.nextCr = -2; // searched for only in lines with quotes
    }
    const delimiter = this.delimiter;
    let nextQuote = this.nextQuote;
    if (nextQuote !== -1 && nextQuote < start) nextQuote = this.nextQuote = b.indexOf(34, start);
    const quoted = nextQuote !== -1 && nextQuote < end;
    if (quoted) {
      // the string path ends a record with quotes at a CR
      if (this.nextCr === -2 || (this.nextCr !== -1 && this.nextCr < start))
        this.nextCr = b.indexOf(13, start);
      if (this.nextCr !== -1 && this.nextCr < end) return false;
    }
    const { count, fields, starts, ends, reads } = this;
    const utf8 = lines.utf8;
    let at = start;
    for (let c = 0; c < count; c++) {
      const last = c === count - 1;
      let s: number;
      let e: number;
      let escaped = false;
      if (quoted && at < end && b[at] === 34) {
        // "…", with "" for a quote inside
        let close = b.indexOf(34, at + 1);
        while (close !== -1 && close < end && b[close + 1] === 34) {
          escaped = true;
          close = b.indexOf(34, close + 2);
        }
        if (close === -1 || close >= end) return false;
        const after = close + 1;
        if (after === end ? !last : last || b[after] !== delimiter) return false;
        s = at + 1;
        e = close;
        at = after + 1;
      } else {
        let next = this.nextDelimiter;
        if (next !== -1 && next < at) next = this.nextDelimiter = b.indexOf(delimiter, at);
        const stop = next !== -1 && next < end ? next : end;
        if ((stop === end) !== last) return false;
        if (quoted) {
          if (nextQuote !== -1 && nextQuote < at) nextQuote = this.nextQuote = b.indexOf(34, at);
          if (nextQuote !== -1 && nextQuote < stop) return false;
        }
        s = at;
        e = stop;
        at = stop + 1;
        if (s === e) {
          // an empty unquoted field is null
          fields[c] = Field.Null;
          continue;
        }
      }
      const read = reads[c]!;
      if (read === Read.Text && utf8 && !escaped) {
        fields[c] = Field.Bytes;
        starts[c] = s;
        ends[c] = e;
        continue;
      }
      if (read === Read.Int && !escaped) {
        const value = intFromBytes(b, s, e);
        if (value !== undefined) {
          fields[c] = Field.Number;
          this.numbers[c] = value;
          continue;
        }
      } else if (read === Read.Float && !escaped) {
        const value = floatFromBytes(b, s, e);
        if (value !== undefined) {
          fields[c] = Field.Number;
          this.numbers[c] = value;
          continue;
        }
      }
      let text = utf8Slice.call(b, s, e);
      if (escaped) text = text.replaceAll('""', '"');
      try {
        this.values[c] = this.cells[c]!(text);
      } catch {
        return false;
      }
      fields[c] = Field.Value;
    }
    // every field read: only now is anything appended, in the features' order as on the row path
    const { builders, columnOf } = this;
    for (let j = 0; j < builders.length; j++) {
      const builder = builders[j]!;
      const c = columnOf[j]!;
      switch (c === -1 ? Field.Null : fields[c]) {
        case Field.Null:
          builder.append(null);
          break;
        case Field.Bytes:
          (builder as BytesBuilder).appendUtf8(b, starts[c]!, ends[c]!);
          break;
        case Field.Number:
          // the builder's own conversion: range checks and messages as on the row path
          builder.append(this.numbers[c]);
          break;
        default:
          builder.append(this.values[c]);
          this.values[c] = undefined;
      }
    }
    return true;
  }
}
