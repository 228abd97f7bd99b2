// Conversions of JS values to the physical values of Arrow types, shared by the column
// builders. Each returns the converted value or throws a message (the builder adds where).

export class ValueProblem extends Error {}

export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Uint8Array) return `bytes(${value.length})`;
  if (value instanceof Date)
    return `Date(${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object" && value !== null) return "an object";
  return String(value);
}

export function problem(message: string): never {
  throw new ValueProblem(message);
}

const ISO =
  /^(-?\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Nanoseconds since the epoch of an ISO 8601 date or date-time (UTC unless it has an offset). */
export function parseIsoNanos(text: string): bigint | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const ms = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
  );
  if (Number.isNaN(ms)) return undefined;
  let nanos = BigInt(ms) * 1_000_000n + BigInt((m[7] ?? "").padEnd(9, "0") || "0");
  const zone = m[8];
  if (zone && zone.toUpperCase() !== "Z") {
    const sign = zone[0] === "-" ? -1n : 1n;
    const digits = zone.slice(1).replace(":", "");
    const minutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
    nanos -= sign * minutes * 60_000_000_000n;
  }
  return nanos;
}

const NANOS_PER_UNIT = [1_000_000_000n, 1_000_000n, 1_000n, 1n] as const;

/** A timestamp in `unit` (0 = s … 3 = ns) from a Date, an ISO string, or a number/bigint already in the unit. */
export function toTimestamp(value: unknown, unit: number): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) problem(`expected an integer count of the timestamp's unit, got ${value}`);
    return BigInt(value);
  }
  let nanos: bigint | undefined;
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) problem("got an invalid Date");
    nanos = BigInt(ms) * 1_000_000n;
  } else if (typeof value === "string") {
    nanos = parseIsoNanos(value);
    if (nanos === undefined) problem(`expected an ISO 8601 date-time, got ${show(value)}`);
  } else {
    problem(`expected a Date, an ISO 8601 string or a number, got ${show(value)}`);
  }
  const per = NANOS_PER_UNIT[unit]!;
  // floor division, so times before 1970 round toward the past like pyarrow's cast of datetimes
  const q = nanos / per;
  return nanos % per !== 0n && nanos < 0n ? q - 1n : q;
}

/** Days since the epoch (date32). */
export function toDays(value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" || value instanceof Date) {
    const ns = toTimestamp(value, 3);
    return Number(ns / 86_400_000_000_000n) - (ns % 86_400_000_000_000n < 0n ? 1 : 0);
  }
  return problem(`expected a Date, a "YYYY-MM-DD" string or a day count, got ${show(value)}`);
}

/** A time of day in `unit` from "HH:MM:SS(.fff)" or a number already in the unit. */
export function toTimeOfDay(value: unknown, unit: number): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (typeof value === "string") {
    const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(value.trim());
    if (m) {
      const nanos =
        BigInt((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0)) * 1e9) +
        BigInt((m[4] ?? "").padEnd(9, "0") || "0");
      return nanos / NANOS_PER_UNIT[unit]!;
    }
  }
  return problem(`expected "HH:MM:SS" or a count of the time's unit, got ${show(value)}`);
}

/** The unscaled integer of a decimal with `scale` digits after the point. */
export function toDecimal(value: unknown, precision: number, scale: number): bigint {
  let text: string;
  if (typeof value === "bigint") text = value.toString();
  else if (typeof value === "number" && Number.isFinite(value)) text = numberToPlain(value);
  else if (typeof value === "string") text = value.trim();
  else return problem(`expected a decimal string or number, got ${show(value)}`);
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === ""))
    return problem(`expected a decimal number, got ${show(value)}`);
  let fraction = (m[3] ?? "").replace(/0+$/, "");
  if (fraction.length > scale)
    problem(`${text} has more than ${scale} digits after the point (the dtype's scale)`);
  fraction = fraction.padEnd(scale, "0");
  const digits = `${m[2] ?? ""}${fraction}`.replace(/^0+/, "") || "0";
  if (digits.length > precision && digits !== "0")
    problem(`${text} needs more than ${precision} digits (the dtype's precision)`);
  const unscaled = BigInt(digits);
  return m[1] === "-" ? -unscaled : unscaled;
}

function numberToPlain(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/\.?0+$/, "");
}

/** Writes a two's complement little-endian integer into `words` (32-bit words) at `at`. */
export function writeWideInt(words: Uint32Array, at: number, count: number, value: bigint): void {
  let v = BigInt.asUintN(count * 32, value);
  for (let i = 0; i < count; i++) {
    words[at + i] = Number(v & 0xffffffffn);
    v >>= 32n;
  }
}

/** Reads a two's complement little-endian integer of `count` 32-bit words. */
export function readWideInt(words: Uint32Array, at: number, count: number): bigint {
  let v = 0n;
  for (let i = count - 1; i >= 0; i--) v = (v << 32n) | BigInt(words[at + i]!);
  return BigInt.asIntN(count * 32, v);
}

/** The decimal text of an unscaled integer (`123456n`, scale 2 → "1234.56"). */
export function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, "0");
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** Bytes of a binary value: Uint8Array (Buffer), ArrayBuffer or a DataView. */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return problem(`expected bytes (a Uint8Array), got ${show(value)}`);
}
