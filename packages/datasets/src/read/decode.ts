import type { Feature, NamedFeature } from "@hfkit/cards";
import * as A from "apache-arrow";
import type { Row } from "../encode/batch.js";
import { decimalText, readWideInt } from "../encode/values.js";
import { isMedia } from "../features/model.js";

// Arrow data back to JS values. Two modes: `typed` (what readers yield: Dates for timestamps
// and dates, parsed JSON, numbers for int64 when exact) and `lossless` (what re-sharding Arrow
// or Parquet input feeds back to the encoder: raw counts of the time unit, JSON text).

export type DecodeMode = "typed" | "lossless";

type Getter = (data: A.Data, index: number) => unknown;

function isValid(data: A.Data, index: number): boolean {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return true;
  const bit = data.offset + index;
  return (data.nullBitmap[bit >> 3]! & (1 << (bit & 7))) !== 0;
}

function int64(value: bigint): number | bigint {
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
}

const UNIT_TO_MS = [1000, 1, 1e-3, 1e-6];

function getterForType(type: A.DataType, mode: DecodeMode): Getter {
  switch (type.typeId) {
    case A.Type.Null:
      return () => null;
    case A.Type.Bool:
      return (d, i) => {
        const bit = d.offset + i;
        return (d.values[bit >> 3]! & (1 << (bit & 7))) !== 0;
      };
    case A.Type.Int:
      return (type as A.Int).bitWidth === 64 ? (d, i) => int64(d.values[i] as bigint) : (d, i) => d.values[i];
    case A.Type.Float:
      return (type as A.Float).precision === A.Precision.HALF
        ? (d, i) => A.util.uint16ToFloat64(d.values[i] as number)
        : (d, i) => d.values[i];
    case A.Type.Utf8:
    case A.Type.LargeUtf8: {
      const decoder = new TextDecoder();
      return (d, i) =>
        decoder.decode(d.values.subarray(Number(d.valueOffsets[i]), Number(d.valueOffsets[i + 1])));
    }
    case A.Type.Binary:
    case A.Type.LargeBinary:
      return (d, i) => d.values.slice(Number(d.valueOffsets[i]), Number(d.valueOffsets[i + 1]));
    case A.Type.Date:
      if ((type as A.Date_).unit === A.DateUnit.DAY) {
        return mode === "typed"
          ? (d, i) => new Date((d.values[i] as number) * 86_400_000)
          : (d, i) => d.values[i];
      }
      return mode === "typed" ? (d, i) => new Date(Number(d.values[i])) : (d, i) => d.values[i];
    case A.Type.Timestamp: {
      const perMs = UNIT_TO_MS[(type as A.Timestamp).unit]!;
      return mode === "typed"
        ? (d, i) => new Date(Math.floor(Number(d.values[i]) * perMs))
        : (d, i) => d.values[i];
    }
    case A.Type.Time:
    case A.Type.Duration:
      return (d, i) => (typeof d.values[i] === "bigint" ? int64(d.values[i] as bigint) : d.values[i]);
    case A.Type.Decimal: {
      const dec = type as A.Decimal;
      const words = dec.bitWidth / 32;
      return (d, i) => decimalText(readWideInt(d.values as Uint32Array, i * words, words), dec.scale);
    }
    case A.Type.List:
    case A.Type.LargeList: {
      const child = getter((type.children as A.Field[])[0]!.type, undefined, mode);
      return (d, i) => {
        const start = Number(d.valueOffsets[i]);
        const end = Number(d.valueOffsets[i + 1]);
        const childData = d.children[0]!;
        const out = new Array(end - start);
        for (let j = start; j < end; j++) out[j - start] = child(childData, j);
        return out;
      };
    }
    case A.Type.FixedSizeList: {
      const size = (type as A.FixedSizeList).listSize;
      const child = getter((type.children as A.Field[])[0]!.type, undefined, mode);
      return (d, i) => {
        const childData = d.children[0]!;
        const out = new Array(size);
        for (let j = 0; j < size; j++) out[j] = child(childData, i * size + j);
        return out;
      };
    }
    case A.Type.Struct: {
      const fields = (type.children as A.Field[]).map((f) => ({
        name: f.name,
        get: getter(f.type, undefined, mode),
      }));
      return (d, i) => {
        const out: Row = {};
        fields.forEach((f, k) => {
          out[f.name] = f.get(d.children[k]!, i);
        });
        return out;
      };
    }
    case A.Type.Dictionary: {
      const dict = type as A.Dictionary;
      const values = getter(dict.dictionary, undefined, mode);
      return (d, i) => values(d.dictionary!.data[0]!, Number(d.values[i]));
    }
    default:
      throw new Error(`cannot read Arrow type ${String(type)}`);
  }
}

function getter(type: A.DataType, feature: Feature | undefined, mode: DecodeMode): Getter {
  let get: Getter;
  if (feature?.type === "json" && mode === "typed") {
    const text = getterForType(type, mode);
    get = (d, i) => JSON.parse(text(d, i) as string);
  } else if (
    feature &&
    (feature.type === "list" || feature.type === "largeList") &&
    type.typeId !== A.Type.FixedSizeList
  ) {
    const childType = (type.children as A.Field[])[0]!.type;
    const child = getter(childType, feature.feature, mode);
    get = (d, i) => {
      const start = Number(d.valueOffsets[i]);
      const end = Number(d.valueOffsets[i + 1]);
      const out = new Array(end - start);
      for (let j = start; j < end; j++) out[j - start] = child(d.children[0]!, j);
      return out;
    };
  } else if (feature?.type === "struct" && type.typeId === A.Type.Struct) {
    const children = type.children as A.Field[];
    const fields = children.map((f) => ({
      name: f.name,
      get: getter(f.type, feature.fields.find((x) => x.name === f.name)?.feature, mode),
    }));
    get = (d, i) => {
      const out: Row = {};
      fields.forEach((f, k) => {
        out[f.name] = f.get(d.children[k]!, i);
      });
      return out;
    };
  } else if (feature && isMedia(feature)) {
    const inner = getterForType(type, mode);
    get = (d, i) => {
      const value = inner(d, i) as { bytes?: unknown; path?: unknown };
      return { bytes: value.bytes ?? null, path: value.path ?? null };
    };
  } else {
    get = getterForType(type, mode);
  }
  return (d, i) => (isValid(d, i) ? get(d, i) : null);
}

/** Rows of a record batch, decoded with the features (column order of the batch). */
export function decodeBatch(
  batch: A.RecordBatch,
  features: readonly NamedFeature[],
  mode: DecodeMode,
): Row[] {
  const byName = new Map(features.map((f) => [f.name, f.feature]));
  const columns = batch.schema.fields.map((field, k) => ({
    name: field.name,
    data: batch.data.children[k]!,
    get: getter(field.type, byName.get(field.name), mode),
  }));
  const rows: Row[] = new Array(batch.numRows);
  for (let i = 0; i < batch.numRows; i++) {
    const row: Row = {};
    for (const c of columns) row[c.name] = c.get(c.data, i);
    rows[i] = row;
  }
  return rows;
}
