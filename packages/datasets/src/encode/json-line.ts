import * as A from "apache-arrow";
import { type Builder, BytesBuilder } from "./builder-base.js";

// JSONL lines read from their bytes straight into the column builders, without JSON.parse and
// without a row object (profiled on 1 M rows: parsing, decoding each line to a string, encoding
// its text again and the garbage of it all were over half of the main thread).
//
// It takes the lines it can read with certainty of the same result: one flat object whose keys
// are columns (each once, no escapes), with strings without escapes or control characters
// (bytes copied as they are, from a chunk known to be valid UTF-8) in text columns, JSON numbers
// in numeric columns, true/false in bool columns, null anywhere. Any other line (a nested value,
// an escape, a value of another kind, an unknown or repeated key, invalid JSON, a blank line) is
// left to JSON.parse and the row path, which give its row or name its problem as before.

enum Kind {
  Missing = 0,
  Null = 1,
  Text = 2,
  Number = 3,
  True = 4,
  False = 5,
}

enum Column {
  /** Any column: null or missing only. */
  Other = 0,
  Text = 1,
  Number = 2,
  Bool = 3,
}

/**
 * 10^k for k ≤ 22, each exact as a double: an integer below 2^53 divided by one is correctly
 * rounded, the value JSON.parse and Number() give for the same decimal text (Clinger's fast
 * path). Shared with the CSV byte reader (inputs/csv.ts).
 */
export const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** The digit at `b[i]` (0–9), or -1. */
function digitAt(b: Buffer, i: number, end: number): number {
  if (i >= end) return -1;
  const d = b[i]! - 0x30;
  return d >= 0 && d <= 9 ? d : -1;
}

/** The closing quote of the string whose text starts at `b[i]`, or -1 when it has an escape or a control character (or no end). */
function stringEnd(b: Buffer, i: number, end: number): number {
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === 0x22) return i;
    if (c === 0x5c || c < 0x20) return -1;
  }
  return -1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

export class JsonLineReader {
  private readonly names: Buffer[];
  /** Per column: its name has no quote, backslash or control character (`expected` may match it). */
  private readonly plainNames: boolean[];
  private readonly columns: Column[];
  private readonly kinds: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly numbers: Float64Array;

  /** A reader for these builders' columns, or undefined when a column name rules it out. */
  static for(names: readonly string[], builders: readonly Builder[]): JsonLineReader | undefined {
    // a missing key reads as the object's inherited property ("constructor", "toString"…) on
    // the row path: those rows stay there
    if (names.some((name) => name in Object.prototype)) return undefined;
    return new JsonLineReader(names, builders);
  }

  private constructor(
    names: readonly string[],
    private readonly builders: readonly Builder[],
  ) {
    this.names = names.map((name) => Buffer.from(name, "utf8"));
    this.plainNames = this.names.map((name) => name.every((c) => c !== 0x22 && c !== 0x5c && c >= 0x20));
    this.columns = builders.map((b) => {
      switch (b.type.typeId) {
        case A.Type.Int:
        case A.Type.Float:
          return Column.Number;
        case A.Type.Bool:
          return Column.Bool;
        case A.Type.Utf8:
        case A.Type.LargeUtf8:
          return b instanceof BytesBuilder && b.plainText ? Column.Text : Column.Other;
        default:
          return Column.Other;
      }
    });
    const n = names.length;
    this.kinds = new Uint8Array(n);
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.numbers = new Float64Array(n);
  }

  /** Which column the key `b[start, end)` names, or -1. Tries `guess` (the column after the last key) first. */
  private column(b: Buffer, start: number, end: number, guess: number): number {
    const names = this.names;
    const length = end - start;
    const n = names.length;
    for (let k = 0, c = guess; k < n; k++, c++) {
      if (c >= n) c -= n;
      const name = names[c]!;
      if (name.length !== length) continue;
      let j = 0;
      while (j < length && name[j] === b[start + j]) j++;
      if (j === length) return c;
    }
    return -1;
  }

  /**
   * `guess` (the column after the last key, the first after the last column) when the key at
   * `b[start]` is its name, read up to its closing quote; else -1. One pass over the key where
   * `stringEnd` and then `column` took two (profiled: a sixth of this reader's time on a 4-column
   * line). A name with no quote, backslash or control character can only match its own bytes.
   */
  private expected(b: Buffer, start: number, end: number, guess: number): number {
    const c = guess < this.names.length ? guess : 0;
    const name = this.names[c]!;
    const length = name.length;
    if (!this.plainNames[c] || start + length >= end || b[start + length] !== 0x22) return -1;
    for (let j = 0; j < length; j++) if (name[j] !== b[start + j]) return -1;
    return c;
  }

  /**
   * Appends the row of the line `b[start, end)` to the builders and returns true, or returns
   * false, having appended nothing, when the line is not one this reader takes.
   */
  append(b: Buffer, start: number, end: number): boolean {
    const kinds = this.kinds;
    const n = kinds.length;
    for (let c = 0; c < n; c++) kinds[c] = Kind.Missing;
    let i = start;
    while (i < end && isSpace(b[i]!)) i++;
    if (b[i] !== 0x7b /* { */ || i >= end) return false;
    i++;
    while (i < end && isSpace(b[i]!)) i++;
    let guess = 0;
    if (b[i] === 0x7d /* } */ && i < end) i++;
    else {
      for (;;) {
        // key
        if (i >= end || b[i] !== 0x22) return false;
        const keyStart = ++i;
        let c = this.expected(b, keyStart, end, guess);
        if (c !== -1) i = keyStart + this.names[c]!.length;
        else {
          i = stringEnd(b, i, end);
          if (i === -1) return false;
          c = this.column(b, keyStart, i, guess);
        }
        if (c === -1 || kinds[c] !== Kind.Missing) return false;
        guess = c + 1;
        i++;
        while (i < end && isSpace(b[i]!)) i++;
        if (i >= end || b[i] !== 0x3a /* : */) return false;
        i++;
        while (i < end && isSpace(b[i]!)) i++;
        if (i >= end) return false;
        // value
        const v = b[i]!;
        if (v === 0x22) {
          const s = ++i;
          // a text column's bytes are copied while the string is read (committed at the end)
          i =
            this.columns[c] === Column.Text
              ? (this.builders[c] as BytesBuilder).scanJsonString(b, i, end)
              : stringEnd(b, i, end);
          if (i === -1) return false;
          kinds[c] = Kind.Text;
          this.starts[c] = s;
          this.ends[c] = i;
          i++;
        } else if (v === 0x2d || (v >= 0x30 && v <= 0x39)) {
          const next = this.number(b, i, end, c);
          if (next < 0) return false;
          kinds[c] = Kind.Number;
          i = next;
        } else if (v === 0x6e /* n */) {
          if (!(i + 4 <= end && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c)) return false;
          kinds[c] = Kind.Null;
          i += 4;
        } else if (v === 0x74 /* t */) {
          if (!(i + 4 <= end && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65)) return false;
          kinds[c] = Kind.True;
          i += 4;
        } else if (v === 0x66 /* f */) {
          if (
            !(
              i + 5 <= end &&
              b[i + 1] === 0x61 &&
              b[i + 2] === 0x6c &&
              b[i + 3] === 0x73 &&
              b[i + 4] === 0x65
            )
          )
            return false;
          kinds[c] = Kind.False;
          i += 5;
        } else return false;
        while (i < end && isSpace(b[i]!)) i++;
        if (i >= end) return false;
        if (b[i] === 0x2c /* , */) {
          i++;
          while (i < end && isSpace(b[i]!)) i++;
          continue;
        }
        if (b[i] !== 0x7d) return false;
        i++;
        break;
      }
    }
    while (i < end && isSpace(b[i]!)) i++;
    if (i !== end) return false;
    // every value fits its column: only then is anything appended
    const columns = this.columns;
    for (let c = 0; c < n; c++) {
      const kind = kinds[c]!;
      if (kind <= Kind.Null) continue;
      const column = columns[c]!;
      if (
        !(
          (kind === Kind.Text && column === Column.Text) ||
          (kind === Kind.Number && column === Column.Number) ||
          (kind >= Kind.True && column === Column.Bool)
        )
      )
        return false;
    }
    const builders = this.builders;
    for (let c = 0; c < n; c++) {
      const builder = builders[c]!;
      switch (kinds[c]) {
        case Kind.Missing:
        case Kind.Null:
          builder.append(null);
          break;
        case Kind.Text:
          // its bytes were copied by scanJsonString
          (builder as BytesBuilder).appendScanned(this.ends[c]! - this.starts[c]!);
          break;
        case Kind.Number:
          // the builder's own conversion: range checks and messages as on the row path
          builder.append(this.numbers[c]);
          break;
        case Kind.True:
          builder.append(true);
          break;
        default:
          builder.append(false);
      }
    }
    return true;
  }

  /** Reads the JSON number at `b[i]` into column `c`'s slot: the index after it, or -1 if it is not one. */
  private number(b: Buffer, i: number, end: number, c: number): number {
    const first = i;
    let negative = false;
    if (b[i] === 0x2d) {
      negative = true;
      i++;
    }
    let mantissa = 0;
    let digits = 0;
    const lead = digitAt(b, i, end);
    if (lead === 0) {
      i++;
      digits = 1;
    } else if (lead > 0) {
      for (let d = lead; d >= 0; d = digitAt(b, i, end)) {
        mantissa = mantissa * 10 + d;
        digits++;
        i++;
      }
    } else return -1;
    let fraction = 0;
    if (i < end && b[i] === 0x2e /* . */) {
      i++;
      for (let d = digitAt(b, i, end); d >= 0; d = digitAt(b, i, end)) {
        mantissa = mantissa * 10 + d;
        fraction++;
        i++;
      }
      if (fraction === 0) return -1;
      digits += fraction;
    }
    let exponent = false;
    if (i < end && (b[i] === 0x65 || b[i] === 0x45) /* e E */) {
      exponent = true;
      i++;
      if (i < end && (b[i] === 0x2b || b[i] === 0x2d)) i++;
      const from = i;
      while (digitAt(b, i, end) >= 0) i++;
      if (i === from) return -1;
    }
    // a digit right after a leading 0 ("01") is not JSON: its end check fails below
    if (!exponent && digits <= 15 && fraction <= 22) {
      const value = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
      this.numbers[c] = negative ? -value : value;
    } else {
      // a valid JSON number: Number() and JSON.parse read it alike
      this.numbers[c] = Number(b.toString("latin1", first, i));
    }
    return i;
  }
}
