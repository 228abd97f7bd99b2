import * as A from "apache-arrow";
import { dataError } from "../errors.js";
import { problem, show, toBytes, toDecimal, ValueProblem, writeWideInt } from "./values.js";

// Column builders: JS values in, Arrow data out, one batch at a time. Each also keeps the
// numbers `Table.nbytes` of pyarrow would report for the whole split held as one chunk (what
// `datasets` uses for `num_bytes` and the shard count): a validity bitmap only when the
// array has a null, fixed-width slots for nulls too, and `4 × n` bytes of offsets (pyarrow counts
// offsets that way: golden s3 `num_bytes` 1435 and `Dataset.from_list(...).data.nbytes` agree).

/** Where the builders are in the input, for error messages. Mutated by the caller per row. */
export interface Cursor {
  file?: string | undefined;
  line?: number | undefined;
  row: number;
}

const TWO_32 = 4294967296;

export abstract class Builder {
  length = 0;
  protected nullAt: number[] = [];
  totalLength = 0;
  totalNulls = 0;
  /** Value bytes over the whole split (fixed-width slots, string bytes…), bitmaps and offsets excluded. */
  protected dataBytes = 0;

  constructor(
    readonly type: A.DataType,
    readonly path: string,
    protected readonly cursor: Cursor,
  ) {}

  append(value: unknown): void {
    if (value === null || value === undefined) {
      this.nullAt.push(this.length);
      this.appendNull();
    } else {
      try {
        this.appendValue(value);
      } catch (error) {
        if (error instanceof ValueProblem) {
          throw dataError({ ...this.cursor, column: this.path }, error.message);
        }
        throw error;
      }
    }
    this.length++;
  }

  /**
   * A valid but empty slot (0, "", []), what pyarrow puts in a struct's children where the
   * struct itself is null: they count no validity bitmap.
   */
  appendEmpty(): void {
    this.appendEmptyValue();
    this.length++;
  }

  protected abstract appendNull(): void;
  protected abstract appendValue(value: unknown): void;
  protected abstract appendEmptyValue(): void;
  protected abstract finishData(
    length: number,
    nullCount: number,
    nullBitmap: Uint8Array | undefined,
  ): A.Data;

  /** The Arrow data appended since the last call, and a fresh start. */
  finish(): A.Data {
    const length = this.length;
    const nullCount = this.nullAt.length;
    let bitmap: Uint8Array | undefined;
    if (nullCount > 0) {
      bitmap = new Uint8Array(((length + 63) >> 6) << 3).fill(0xff);
      for (const i of this.nullAt) bitmap[i >> 3]! &= ~(1 << (i & 7));
    }
    this.totalLength += length;
    this.totalNulls += nullCount;
    const data = this.finishData(length, nullCount, bitmap);
    this.length = 0;
    this.nullAt = [];
    return data;
  }

  /**
   * A flat builder's value buffers for the rows appended since the last finish, as apache-arrow's
   * IPC writer lays them out in a record batch body (validity excluded): views into this
   * builder's own memory, valid until `finishIpc`. Undefined for builders that are not flat.
   */
  ipcBuffers(): Uint8Array[] | undefined {
    return undefined;
  }

  /**
   * Writes the validity bitmap of the rows appended since the last finish into `out` at `at`, as
   * `finish` makes it (every byte written: `out` may hold old bytes), and returns its length (0
   * when no value is null).
   */
  writeValidity(out: Uint8Array, at: number): number {
    const nullAt = this.nullAt;
    if (nullAt.length === 0) return 0;
    const size = ((this.length + 63) >> 6) << 3;
    out.fill(0xff, at, at + size);
    for (let k = 0; k < nullAt.length; k++) {
      const i = nullAt[k]!;
      out[at + (i >> 3)]! &= ~(1 << (i & 7));
    }
    return size;
  }

  /**
   * How many different values the rows appended since the last finish hold (nulls are one value
   * among them); only fixed-width numbers count them, other builders say 0 (see
   * `BatchEncoder.plainColumns`).
   */
  distinctValues(): number {
    return 0;
  }

  /** The nulls among the rows appended since the last finish. */
  get nullCount(): number {
    return this.nullAt.length;
  }

  /**
   * Ends the batch whose buffers `ipcBuffers` gave (their bytes copied out), as `finish` would
   * have, keeping this builder's memory for the next batch.
   */
  finishIpc(): void {
    this.totalLength += this.length;
    this.totalNulls += this.nullAt.length;
    this.resetIpc(this.length);
    this.length = 0;
    this.nullAt.length = 0;
  }

  /** A flat builder's own part of `finishIpc`: count the batch's bytes, start the next batch. */
  protected resetIpc(_length: number): void {}

  /** pyarrow's `nbytes` of everything finished so far, as one chunk. */
  nbytes(): number {
    return (this.totalNulls > 0 ? Math.ceil(this.totalLength / 8) : 0) + this.ownBytes() + this.childBytes();
  }

  protected ownBytes(): number {
    return this.dataBytes;
  }

  protected childBytes(): number {
    return 0;
  }
}

export class NullBuilder extends Builder {
  protected appendNull(): void {}
  protected appendEmptyValue(): void {
    this.nullAt.push(this.length);
  }
  protected appendValue(value: unknown): void {
    problem(`expected null (the column's type is null), got ${show(value)}; declare its features`);
  }
  protected finishData(length: number): A.Data {
    return A.makeData({ type: this.type as A.Null, length, nullCount: length });
  }
  override nbytes(): number {
    return 0;
  }
  override ipcBuffers(): Uint8Array[] {
    return [];
  }
  // a null array has no validity bitmap; every slot counts as a null
  override writeValidity(): number {
    return 0;
  }
  override get nullCount(): number {
    return this.length;
  }
}

export class BoolBuilder extends Builder {
  private bits = new Uint8Array(64);
  private ensure(): void {
    if (this.length >> 3 >= this.bits.length) {
      const next = new Uint8Array(this.bits.length * 2);
      next.set(this.bits);
      this.bits = next;
    }
  }
  protected appendNull(): void {
    this.ensure();
  }
  protected appendEmptyValue(): void {
    this.ensure();
  }
  protected appendValue(value: unknown): void {
    if (typeof value !== "boolean") problem(`expected true or false, got ${show(value)}`);
    this.ensure();
    if (value) this.bits[this.length >> 3]! |= 1 << (this.length & 7);
  }
  protected finishData(length: number, nullCount: number, nullBitmap: Uint8Array | undefined): A.Data {
    const data = this.bits.slice(0, (length + 7) >> 3);
    this.bits = new Uint8Array(64);
    return A.makeData({ type: this.type as A.Bool, length, nullCount, nullBitmap, data });
  }
  protected override ownBytes(): number {
    return Math.ceil(this.totalLength / 8);
  }
  override ipcBuffers(): Uint8Array[] {
    // bits of null slots are never set, so an all-null batch is zeros, as apache-arrow writes it
    return [this.bits.subarray(0, (this.length + 7) >> 3)];
  }
  protected override resetIpc(length: number): void {
    this.bits.fill(0, 0, (length + 7) >> 3);
  }
}

type TypedArray =
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Float32Array
  | Float64Array;
export type TypedCtor = { new (length: number): TypedArray; BYTES_PER_ELEMENT: number };

/** How many different bit patterns the `width`-byte values in `bytes` hold (sorted on a copy). */
function distinctBits(bytes: Uint8Array, width: number): number {
  const count = bytes.byteLength / width;
  const copy = bytes.slice().buffer;
  const sorted =
    width === 8
      ? new BigUint64Array(copy).sort()
      : width === 4
        ? new Uint32Array(copy).sort()
        : width === 2
          ? new Uint16Array(copy).sort()
          : new Uint8Array(copy).sort();
  let distinct = count > 0 ? 1 : 0;
  for (let i = 1; i < count; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  return distinct;
}

/** Fixed-width values of at most 32 bits (ints, floats, date32, time32, float16 bits). */
export class FixedBuilder extends Builder {
  private values: TypedArray;
  constructor(
    type: A.DataType,
    path: string,
    cursor: Cursor,
    private readonly Ctor: TypedCtor,
    private readonly convert: (value: unknown) => number,
  ) {
    super(type, path, cursor);
    this.values = new Ctor(1024);
  }
  private ensure(): void {
    if (this.length >= this.values.length) {
      const next = new this.Ctor(this.values.length * 2);
      next.set(this.values as never);
      this.values = next;
    }
  }
  protected appendNull(): void {
    this.ensure();
    this.values[this.length] = 0;
  }
  protected appendEmptyValue(): void {
    this.appendNull();
  }
  protected appendValue(value: unknown): void {
    this.ensure();
    this.values[this.length] = this.convert(value);
  }
  protected finishData(length: number, nullCount: number, nullBitmap: Uint8Array | undefined): A.Data {
    const data = this.values.slice(0, length);
    this.dataBytes += length * this.Ctor.BYTES_PER_ELEMENT;
    if (this.values.length > 1 << 16) this.values = new this.Ctor(1024);
    return A.makeData({ type: this.type as A.Int, length, nullCount, nullBitmap, data: data as Int32Array });
  }
  override ipcBuffers(): Uint8Array[] {
    const v = this.values;
    return [new Uint8Array(v.buffer, v.byteOffset, this.length * this.Ctor.BYTES_PER_ELEMENT)];
  }
  override distinctValues(): number {
    return distinctBits(this.ipcBuffers()[0]!, this.Ctor.BYTES_PER_ELEMENT);
  }
  protected override resetIpc(length: number): void {
    this.dataBytes += length * this.Ctor.BYTES_PER_ELEMENT;
  }
}

/** 64-bit values (int64, uint64, timestamps, durations, date64, time64). */
export class WideBuilder extends Builder {
  private words = new Int32Array(2048);
  constructor(
    type: A.DataType,
    path: string,
    cursor: Cursor,
    private readonly unsigned: boolean,
    private readonly convert: (value: unknown) => number | bigint,
  ) {
    super(type, path, cursor);
  }
  private ensure(): void {
    if (this.length * 2 >= this.words.length) {
      const next = new Int32Array(this.words.length * 2);
      next.set(this.words);
      this.words = next;
    }
  }
  protected appendNull(): void {
    this.ensure();
    this.words[this.length * 2] = 0;
    this.words[this.length * 2 + 1] = 0;
  }
  protected appendEmptyValue(): void {
    this.appendNull();
  }
  protected appendValue(value: unknown): void {
    this.ensure();
    const v = this.convert(value);
    const at = this.length * 2;
    if (typeof v === "number") {
      // Two 32-bit halves without a BigInt: exact for safe integers, negative ones included.
      const lo = v >>> 0;
      this.words[at] = lo;
      this.words[at + 1] = (v - lo) / TWO_32;
    } else {
      const u = BigInt.asUintN(64, v);
      this.words[at] = Number(u & 0xffffffffn);
      this.words[at + 1] = Number(u >> 32n);
    }
  }
  protected finishData(length: number, nullCount: number, nullBitmap: Uint8Array | undefined): A.Data {
    const words = this.words.slice(0, length * 2);
    const data = this.unsigned ? new BigUint64Array(words.buffer) : new BigInt64Array(words.buffer);
    this.dataBytes += length * 8;
    if (this.words.length > 1 << 17) this.words = new Int32Array(2048);
    return A.makeData({
      type: this.type as A.Int64,
      length,
      nullCount,
      nullBitmap,
      data: data as BigInt64Array,
    });
  }
  override ipcBuffers(): Uint8Array[] {
    return [new Uint8Array(this.words.buffer, 0, this.length * 8)];
  }
  override distinctValues(): number {
    return distinctBits(this.ipcBuffers()[0]!, 8);
  }
  protected override resetIpc(length: number): void {
    this.dataBytes += length * 8;
  }
}

export class DecimalBuilder extends Builder {
  private words: Uint32Array;
  private readonly width: number;
  constructor(type: A.Decimal, path: string, cursor: Cursor) {
    super(type, path, cursor);
    this.width = type.bitWidth / 32;
    this.words = new Uint32Array(256 * this.width);
  }
  private ensure(): void {
    if ((this.length + 1) * this.width > this.words.length) {
      const next = new Uint32Array(this.words.length * 2);
      next.set(this.words);
      this.words = next;
    }
  }
  protected appendNull(): void {
    this.ensure();
    this.words.fill(0, this.length * this.width, (this.length + 1) * this.width);
  }
  protected appendEmptyValue(): void {
    this.appendNull();
  }
  protected appendValue(value: unknown): void {
    this.ensure();
    const type = this.type as A.Decimal;
    writeWideInt(
      this.words,
      this.length * this.width,
      this.width,
      toDecimal(value, type.precision, type.scale),
    );
  }
  protected finishData(length: number, nullCount: number, nullBitmap: Uint8Array | undefined): A.Data {
    const data = this.words.slice(0, length * this.width);
    this.dataBytes += length * this.width * 4;
    this.words = new Uint32Array(256 * this.width);
    return A.makeData({ type: this.type as A.Decimal, length, nullCount, nullBitmap, data });
  }
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Variable-length values: string, large_string, binary, large_binary. */
export class BytesBuilder extends Builder {
  private bytes = Buffer.allocUnsafe(1 << 16);
  /** `bytes` read and written four at a time by `scanJsonString` (replaced with it). */
  private bytesView = viewOf(this.bytes);
  /** The last input `scanJsonString` read, and its view. */
  private scanned: Buffer | undefined;
  private scannedView: DataView | undefined;
  private used = 0;
  private offsets = new Int32Array(1025);
  private readonly large: boolean;
  private readonly text: boolean;
  constructor(
    type: A.DataType,
    path: string,
    cursor: Cursor,
    private readonly convert?: (value: unknown) => string | Uint8Array,
  ) {
    super(type, path, cursor);
    this.large = type.typeId === A.Type.LargeUtf8 || type.typeId === A.Type.LargeBinary;
    this.text = type.typeId === A.Type.Utf8 || type.typeId === A.Type.LargeUtf8;
  }
  private ensureOffsets(): void {
    if (this.length + 1 >= this.offsets.length) {
      const next = new Int32Array(this.offsets.length * 2);
      next.set(this.offsets);
      this.offsets = next;
    }
  }
  private ensureBytes(extra: number): void {
    if (this.used + extra > this.bytes.length) {
      const next = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + extra));
      this.bytes.copy(next, 0, 0, this.used);
      this.setBytes(next);
    }
  }
  private setBytes(bytes: Buffer<ArrayBuffer>): void {
    this.bytes = bytes;
    this.bytesView = viewOf(bytes);
  }
  protected appendNull(): void {
    this.ensureOffsets();
    this.offsets[this.length + 1] = this.used;
  }
  protected appendEmptyValue(): void {
    this.appendNull();
  }
  protected appendValue(raw: unknown): void {
    const value = this.convert ? this.convert(raw) : raw;
    this.ensureOffsets();
    if (typeof value === "string") {
      if (!this.text) problem(`expected bytes (a Uint8Array), got a string`);
      this.ensureBytes(value.length * 3);
      this.used += this.bytes.write(value, this.used, "utf8");
    } else {
      if (this.text) problem(`expected a string, got ${show(value)}`);
      const bytes = toBytes(value);
      this.ensureBytes(bytes.length);
      this.bytes.set(bytes, this.used);
      this.used += bytes.length;
    }
    if (this.used > 0x7fffffff && !this.large) {
      problem("more than 2 GiB of text in one batch; use large_string / large_binary");
    }
    this.offsets[this.length + 1] = this.used;
  }
  /**
   * A string value given as its UTF-8 bytes `source[start, end)` (valid UTF-8: the bytes that
   * `append` of the decoded string would write), for a text column.
   */
  appendUtf8(source: Buffer, start: number, end: number): void {
    const length = end - start;
    this.ensureBytes(length);
    if (length < 512) {
      // Buffer#copy costs more than the bytes of a short string (profiled: 9% of the main thread
      // on 1 M rows of ~100-byte strings); a loop does not
      const bytes = this.bytes;
      const at = this.used - start;
      for (let i = start; i < end; i++) bytes[at + i] = source[i]!;
      this.appendScanned(length);
    } else this.appendScanned(source.copy(this.bytes, this.used, start, end));
  }
  /**
   * Reads the text of a JSON string from `source[start]` (after its opening quote) up to its
   * closing quote, copying its bytes after this builder's values as it goes (not appended:
   * `appendScanned` does that), and returns the quote's index; or -1 when the text has an escape
   * or a control character, or no end. One pass over the bytes instead of a scan and then a copy
   * (profiled: the two loops were most of the JSONL line reader's time).
   */
  scanJsonString(source: Buffer, start: number, end: number): number {
    this.ensureBytes(end - start);
    const bytes = this.bytes;
    const at = this.used - start;
    if (source !== this.scanned) {
      this.scanned = source;
      this.scannedView = viewOf(source);
    }
    const from = this.scannedView!;
    const to = this.bytesView;
    // Four bytes at a time while none of them is a quote, a backslash or a control character
    // (bit tests on the 32-bit word), then byte by byte from the word that has one.
    let i = start;
    for (const last = end - 4; i <= last; i += 4) {
      const word = from.getInt32(i, true);
      const quote = word ^ 0x22222222;
      const backslash = word ^ 0x5c5c5c5c;
      if (
        (((quote - 0x01010101) & ~quote) |
          ((backslash - 0x01010101) & ~backslash) |
          ((word - 0x20202020) & ~word)) &
        0x80808080
      ) {
        break;
      }
      to.setInt32(at + i, word, true);
    }
    for (; i < end; i++) {
      const c = source[i]!;
      if (c === 0x22) return i;
      if (c === 0x5c || c < 0x20) return -1;
      bytes[at + i] = c;
    }
    return -1;
  }

  /**
   * Appends the `length` bytes already copied after this builder's values (by `scanJsonString`
   * or `appendUtf8`; valid UTF-8) as a string value.
   */
  appendScanned(length: number): void {
    this.ensureOffsets();
    this.used += length;
    if (this.used > 0x7fffffff && !this.large) {
      throw dataError(
        { ...this.cursor, column: this.path },
        "more than 2 GiB of text in one batch; use large_string / large_binary",
      );
    }
    this.offsets[this.length + 1] = this.used;
    this.length++;
  }

  /** Whether values are text taken as they are (a string or large_string `Value`). */
  get plainText(): boolean {
    return this.text && this.convert === undefined;
  }
  protected finishData(length: number, nullCount: number, nullBitmap: Uint8Array | undefined): A.Data {
    const data = new Uint8Array(this.used);
    data.set(this.bytes.subarray(0, this.used));
    const offsets32 = this.offsets.slice(0, length + 1);
    const valueOffsets = this.large ? BigInt64Array.from(offsets32, (o) => BigInt(o)) : offsets32;
    this.dataBytes += this.used;
    this.used = 0;
    if (this.bytes.length > 1 << 24) this.setBytes(Buffer.allocUnsafe(1 << 16));
    this.offsets = new Int32Array(Math.min(this.offsets.length, 1 << 16));
    return A.makeData({
      type: this.type as A.Utf8,
      length,
      nullCount,
      nullBitmap,
      valueOffsets: valueOffsets as Int32Array,
      data,
    });
  }
  protected override ownBytes(): number {
    return this.dataBytes + (this.large ? 8 : 4) * this.totalLength;
  }
  override ipcBuffers(): Uint8Array[] {
    const length = this.length;
    // offsets[0] is never written: it stays 0, as the IPC layout wants
    const offsets = this.large
      ? BigInt64Array.from(this.offsets.subarray(0, length + 1), (o) => BigInt(o))
      : this.offsets.subarray(0, length + 1);
    return [
      new Uint8Array(offsets.buffer, offsets.byteOffset, offsets.byteLength),
      this.bytes.subarray(0, this.used),
    ];
  }
  protected override resetIpc(): void {
    this.dataBytes += this.used;
    this.used = 0;
    if (this.bytes.length > 1 << 24) this.setBytes(Buffer.allocUnsafe(1 << 16));
  }
}
