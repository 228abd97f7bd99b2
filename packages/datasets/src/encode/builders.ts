import type { Feature } from "@hfkit/cards";
import * as A from "apache-arrow";
import { featureToArrowType } from "../features/arrow.js";
import { isMedia } from "../features/model.js";
import {
  BoolBuilder,
  Builder,
  BytesBuilder,
  type Cursor,
  DecimalBuilder,
  FixedBuilder,
  NullBuilder,
  WideBuilder,
} from "./builder-base.js";
import { problem, show, toDays, toTimeOfDay, toTimestamp } from "./values.js";

// Nested builders (lists, structs) and the choice of a builder for a feature or Arrow type.

function toArray(value: unknown): ArrayLike<unknown> {
  if (Array.isArray(value)) return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return value as unknown as ArrayLike<unknown>;
  return problem(`expected an array, got ${show(value)}`);
}

class ListBuilder extends Builder {
  private offsets = new Int32Array(1025);
  private count = 0;
  constructor(
    type: A.List | A.LargeList,
    path: string,
    cursor: Cursor,
    readonly child: Builder,
    private readonly large: boolean,
    private readonly check?: (items: ArrayLike<unknown>) => void,
  ) {
    super(type, path, cursor);
  }
  private ensure(): void {
    if (this.length + 1 >= this.offsets.length) {
      const next = new Int32Array(this.offsets.length * 2);
      next.set(this.offsets);
      this.offsets = next;
    }
  }
  protected appendNull(): void {
    this.ensure();
    this.offsets[this.length + 1] = this.count;
  }
  protected appendEmptyValue(): void {
    this.appendNull();
  }
  protected appendValue(value: unknown): void {
    const items = toArray(value);
    this.check?.(items);
    this.ensure();
    for (let i = 0; i < items.length; i++) this.child.append(items[i]);
    this.count += items.length;
    this.offsets[this.length + 1] = this.count;
  }
  protected finishData(length: number, nullCount: number, nullBitmap: Uint8Array | undefined): A.Data {
    const offsets32 = this.offsets.slice(0, length + 1);
    const valueOffsets = this.large ? BigInt64Array.from(offsets32, (o) => BigInt(o)) : offsets32;
    this.count = 0;
    this.offsets = new Int32Array(1025);
    return A.makeData({
      type: this.type as A.List,
      length,
      nullCount,
      nullBitmap,
      valueOffsets: valueOffsets as Int32Array,
      child: this.child.finish(),
    });
  }
  protected override ownBytes(): number {
    return (this.large ? 8 : 4) * this.totalLength;
  }
  protected override childBytes(): number {
    return this.child.nbytes();
  }
}

class FixedListBuilder extends Builder {
  constructor(
    type: A.FixedSizeList,
    path: string,
    cursor: Cursor,
    readonly child: Builder,
    private readonly size: number,
  ) {
    super(type, path, cursor);
  }
  protected appendNull(): void {
    for (let i = 0; i < this.size; i++) this.child.appendEmpty();
  }
  protected appendEmptyValue(): void {
    this.appendNull();
  }
  protected appendValue(value: unknown): void {
    const items = toArray(value);
    if (items.length !== this.size)
      problem(`expected a list of exactly ${this.size} items, got ${items.length}`);
    for (let i = 0; i < items.length; i++) this.child.append(items[i]);
  }
  protected finishData(length: number, nullCount: number, nullBitmap: Uint8Array | undefined): A.Data {
    return A.makeData({
      type: this.type as A.FixedSizeList,
      length,
      nullCount,
      nullBitmap,
      child: this.child.finish(),
    });
  }
  protected override childBytes(): number {
    return this.child.nbytes();
  }
}

class StructBuilder extends Builder {
  private readonly names: Set<string>;
  constructor(
    type: A.Struct,
    path: string,
    cursor: Cursor,
    readonly children: { name: string; builder: Builder }[],
    /** Children of a null struct are null (datasets' media `cast_storage`) rather than empty (pyarrow's conversion). */
    private readonly nullChildren = false,
  ) {
    super(type, path, cursor);
    this.names = new Set(children.map((c) => c.name));
  }
  protected appendNull(): void {
    for (const { builder } of this.children) {
      if (this.nullChildren) builder.append(null);
      else builder.appendEmpty();
    }
  }
  protected appendEmptyValue(): void {
    for (const { builder } of this.children) builder.appendEmpty();
  }
  // pyarrow's nbytes leaves out a struct's own validity bitmap (pa.array([{"a": 1}, None]).nbytes == 16).
  override nbytes(): number {
    return this.childBytes();
  }
  protected appendValue(value: unknown): void {
    if (
      typeof value !== "object" ||
      Array.isArray(value) ||
      value instanceof Uint8Array ||
      value instanceof Date
    ) {
      problem(`expected an object with fields ${[...this.names].join(", ")}, got ${show(value)}`);
    }
    const record = value as Record<string, unknown>;
    for (const key in record) {
      if (!this.names.has(key) && record[key] !== undefined) {
        problem(
          `unknown field "${key}" (the struct has ${[...this.names].join(", ")}); add it to the features`,
        );
      }
    }
    for (const { name, builder } of this.children) builder.append(record[name]);
  }
  protected finishData(length: number, nullCount: number, nullBitmap: Uint8Array | undefined): A.Data {
    return A.makeData({
      type: this.type as A.Struct,
      length,
      nullCount,
      nullBitmap,
      children: this.children.map((c) => c.builder.finish()),
    });
  }
  protected override childBytes(): number {
    return this.children.reduce((sum, c) => sum + c.builder.nbytes(), 0);
  }
}

function intConverter(bits: number, signed: boolean): (value: unknown) => number {
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const name = `${signed ? "int" : "uint"}${bits}`;
  return (value) => {
    const v = typeof value === "bigint" ? Number(value) : value;
    if (typeof v !== "number" || !Number.isInteger(v))
      return problem(`expected an integer (${name}), got ${show(value)}`);
    if (v < min || v > max) return problem(`${v} is out of range for ${name} (${min}…${max})`);
    return v;
  };
}

function int64Converter(signed: boolean): (value: unknown) => number | bigint {
  const min = signed ? -(2n ** 63n) : 0n;
  const max = signed ? 2n ** 63n - 1n : 2n ** 64n - 1n;
  const name = signed ? "int64" : "uint64";
  return (value) => {
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value)) {
        return problem(
          Number.isInteger(value)
            ? `${value} is beyond 2^53 and has lost precision as a JS number; pass a bigint`
            : `expected an integer (${name}), got ${value}`,
        );
      }
      if (!signed && value < 0) return problem(`${value} is out of range for uint64`);
      return value;
    }
    if (typeof value === "bigint") {
      if (value < min || value > max) return problem(`${value} is out of range for ${name}`);
      return value;
    }
    return problem(`expected an integer (${name}), got ${show(value)}`);
  };
}

function floatConverter(name: string): (value: unknown) => number {
  return (value) => {
    if (typeof value === "number") return value;
    if (typeof value === "bigint") return Number(value);
    return problem(`expected a number (${name}), got ${show(value)}`);
  };
}

/** Builder of one Arrow type (a `Value`, or the storage of a nested feature). */
function builderForType(type: A.DataType, path: string, cursor: Cursor): Builder {
  switch (type.typeId) {
    case A.Type.Null:
      return new NullBuilder(type, path, cursor);
    case A.Type.Bool:
      return new BoolBuilder(type, path, cursor);
    case A.Type.Int: {
      const int = type as A.Int;
      if (int.bitWidth === 64)
        return new WideBuilder(type, path, cursor, !int.isSigned, int64Converter(int.isSigned));
      const Ctor = (
        int.isSigned
          ? { 8: Int8Array, 16: Int16Array, 32: Int32Array }
          : { 8: Uint8Array, 16: Uint16Array, 32: Uint32Array }
      )[int.bitWidth as 8 | 16 | 32];
      return new FixedBuilder(type, path, cursor, Ctor, intConverter(int.bitWidth, int.isSigned));
    }
    case A.Type.Float: {
      const precision = (type as A.Float).precision;
      if (precision === A.Precision.HALF) {
        const toFloat = floatConverter("float16");
        return new FixedBuilder(type, path, cursor, Uint16Array, (v) => A.util.float64ToUint16(toFloat(v)));
      }
      return precision === A.Precision.SINGLE
        ? new FixedBuilder(type, path, cursor, Float32Array, floatConverter("float32"))
        : new FixedBuilder(type, path, cursor, Float64Array, floatConverter("float64"));
    }
    case A.Type.Utf8:
    case A.Type.LargeUtf8:
    case A.Type.Binary:
    case A.Type.LargeBinary:
      return new BytesBuilder(type, path, cursor);
    case A.Type.Date:
      return (type as A.Date_).unit === A.DateUnit.DAY
        ? new FixedBuilder(type, path, cursor, Int32Array, toDays)
        : new WideBuilder(type, path, cursor, false, (v) => toTimestamp(v, 1));
    case A.Type.Time: {
      const time = type as A.Time;
      return time.bitWidth === 32
        ? new FixedBuilder(type, path, cursor, Int32Array, (v) => Number(toTimeOfDay(v, time.unit)))
        : new WideBuilder(type, path, cursor, false, (v) => toTimeOfDay(v, time.unit));
    }
    case A.Type.Timestamp: {
      const unit = (type as A.Timestamp).unit;
      return new WideBuilder(type, path, cursor, false, (v) => toTimestamp(v, unit));
    }
    case A.Type.Duration:
      return new WideBuilder(type, path, cursor, false, (value) => {
        if (typeof value === "bigint" || (typeof value === "number" && Number.isSafeInteger(value)))
          return value;
        return problem(`expected an integer count of the duration's unit, got ${show(value)}`);
      });
    case A.Type.Decimal:
      return new DecimalBuilder(type as A.Decimal, path, cursor);
    case A.Type.List:
    case A.Type.LargeList: {
      const child = (type.children as A.Field[])[0]!;
      return new ListBuilder(
        type as A.List,
        path,
        cursor,
        builderForType(child.type, `${path}[]`, cursor),
        type.typeId === A.Type.LargeList,
      );
    }
    case A.Type.FixedSizeList: {
      const fixed = type as A.FixedSizeList;
      return new FixedListBuilder(
        fixed,
        path,
        cursor,
        builderForType(fixed.children[0]!.type, `${path}[]`, cursor),
        fixed.listSize,
      );
    }
    case A.Type.Struct:
      return new StructBuilder(
        type as A.Struct,
        path,
        cursor,
        (type.children as A.Field[]).map((f) => ({
          name: f.name,
          builder: builderForType(f.type, `${path}.${f.name}`, cursor),
        })),
      );
    default:
      return problem(`Arrow type ${String(type)} cannot be written`);
  }
}

function jsonText(value: unknown): string {
  // datasets' Json.encode_example: a string that already is JSON is kept, anything else is dumped.
  if (typeof value === "string") {
    try {
      JSON.parse(value);
      return value;
    } catch {
      return JSON.stringify(value);
    }
  }
  const text = JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? Number(v) : v));
  return text === undefined ? problem(`cannot be written as JSON: ${show(value)}`) : text;
}

function classLabelConverter(names: readonly string[]): (value: unknown) => number {
  const index = new Map(names.map((name, i) => [name, i]));
  return (value) => {
    if (typeof value === "string") {
      const i = index.get(value);
      if (i === undefined)
        return problem(`unknown label ${show(value)}; the ClassLabel names are ${names.join(", ")}`);
      return i;
    }
    const v = typeof value === "bigint" ? Number(value) : value;
    if (typeof v !== "number" || !Number.isInteger(v))
      return problem(`expected a label name or an integer index, got ${show(value)}`);
    // -1 is datasets' "no label"
    if (v < -1 || v >= names.length) return problem(`label ${v} is out of range (-1…${names.length - 1})`);
    return v;
  };
}

/** A builder for a feature: its storage type, plus the feature's own conversions. */
export function builderFor(feature: Feature, path: string, cursor: Cursor): Builder {
  const type = featureToArrowType(feature);
  switch (feature.type) {
    case "classLabel":
      return new WideBuilder(type, path, cursor, false, classLabelConverter(feature.names));
    case "json":
      return new BytesBuilder(type, path, cursor, jsonText);
    case "list":
    case "largeList": {
      const child = builderFor(feature.feature, `${path}[]`, cursor);
      if (feature.type === "list" && feature.length !== undefined && feature.length !== -1) {
        return new FixedListBuilder(type as A.FixedSizeList, path, cursor, child, feature.length);
      }
      return new ListBuilder(type as A.List, path, cursor, child, feature.type === "largeList");
    }
    case "struct":
      return new StructBuilder(
        type as A.Struct,
        path,
        cursor,
        feature.fields.map((f) => ({
          name: f.name,
          builder: builderFor(f.feature, `${path}.${f.name}`, cursor),
        })),
      );
    case "array": {
      // One list level per dimension; each level's length is checked against the shape.
      let builder = builderForType(
        featureToArrowType({ type: "value", dtype: feature.dtype }),
        `${path}[]`,
        cursor,
      );
      let levelType: A.DataType = builder.type;
      for (let d = feature.dims - 1; d >= 0; d--) {
        levelType = new A.List(new A.Field("item", levelType, true));
        const expected = feature.shape[d]!;
        builder = new ListBuilder(levelType as A.List, path, cursor, builder, false, (items) => {
          if (items.length !== expected)
            problem(`dimension ${d} has ${items.length} items; the shape says ${expected}`);
        });
      }
      return builder;
    }
    default:
      if (isMedia(feature)) {
        const fields = (type as A.Struct).children;
        return new StructBuilder(
          type as A.Struct,
          path,
          cursor,
          fields.map((f) => ({ name: f.name, builder: builderForType(f.type, `${path}.${f.name}`, cursor) })),
          true,
        );
      }
      return builderForType(type, path, cursor);
  }
}

export type { Builder, Cursor };
