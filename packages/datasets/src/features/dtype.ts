import * as A from "apache-arrow";
import { DatasetError } from "../errors.js";

// `Value(dtype)` strings as `datasets` spells them (features.py `_arrow_to_datasets_dtype`,
// `string_to_arrow`): pyarrow's type names, except `float32`/`float64` for float/double and
// `bool`. Timestamps read `timestamp[us]` or `timestamp[ms, tz=UTC]`; decimals `decimal128(10, 2)`.

type TimeUnitName = "s" | "ms" | "us" | "ns";

const UNIT: Record<TimeUnitName, A.TimeUnit> = {
  s: A.TimeUnit.SECOND,
  ms: A.TimeUnit.MILLISECOND,
  us: A.TimeUnit.MICROSECOND,
  ns: A.TimeUnit.NANOSECOND,
};
const UNIT_NAME = ["s", "ms", "us", "ns"] as const;

const SIMPLE: Record<string, () => A.DataType> = {
  null: () => new A.Null(),
  bool: () => new A.Bool(),
  int8: () => new A.Int8(),
  int16: () => new A.Int16(),
  int32: () => new A.Int32(),
  int64: () => new A.Int64(),
  uint8: () => new A.Uint8(),
  uint16: () => new A.Uint16(),
  uint32: () => new A.Uint32(),
  uint64: () => new A.Uint64(),
  float16: () => new A.Float16(),
  float32: () => new A.Float32(),
  float64: () => new A.Float64(),
  string: () => new A.Utf8(),
  large_string: () => new A.LargeUtf8(),
  binary: () => new A.Binary(),
  large_binary: () => new A.LargeBinary(),
  date32: () => new A.DateDay(),
  date64: () => new A.DateMillisecond(),
  "time32[s]": () => new A.TimeSecond(),
  "time32[ms]": () => new A.TimeMillisecond(),
  "time64[us]": () => new A.TimeMicrosecond(),
  "time64[ns]": () => new A.TimeNanosecond(),
};

// Spellings `datasets` accepts and stores as another name (`Value("float")` is float32…).
const ALIASES: Record<string, string> = {
  float: "float32",
  double: "float64",
  boolean: "bool",
  halffloat: "float16",
  utf8: "string",
  large_utf8: "large_string",
};

/** The canonical spelling of a dtype (`float` → `float32`); throws on an unknown one. */
export function normaliseDtype(dtype: string): string {
  const name = ALIASES[dtype] ?? dtype;
  dtypeToArrow(name);
  return name;
}

/** The Arrow type of a `Value(dtype)`. */
export function dtypeToArrow(dtype: string): A.DataType {
  const name = ALIASES[dtype] ?? dtype;
  const simple = SIMPLE[name];
  if (simple) return simple();
  let match = /^timestamp\[(s|ms|us|ns)(?:, tz=(.+))?\]$/.exec(name);
  if (match) return new A.Timestamp(UNIT[match[1] as TimeUnitName], match[2] ?? null);
  match = /^duration\[(s|ms|us|ns)\]$/.exec(name);
  if (match) return new A.Duration(UNIT[match[1] as TimeUnitName]);
  match = /^decimal(128|256)\((\d+), ?(-?\d+)\)$/.exec(name);
  if (match) return new A.Decimal(Number(match[3]), Number(match[2]), Number(match[1]));
  throw new DatasetError(
    "INVALID_INPUT",
    `unknown dtype "${dtype}": use one of int8…int64, uint8…uint64, float16/32/64, bool, string, large_string, binary, large_binary, date32, date64, time32[s|ms], time64[us|ns], timestamp[unit(, tz=…)], duration[unit], decimal128(p, s), decimal256(p, s)`,
  );
}

/** The `Value` dtype of an Arrow primitive type, or `undefined` for nested types. */
export function arrowToDtype(type: A.DataType): string | undefined {
  switch (type.typeId) {
    case A.Type.Null:
      return "null";
    case A.Type.Bool:
      return "bool";
    case A.Type.Int: {
      const int = type as A.Int;
      return `${int.isSigned ? "int" : "uint"}${int.bitWidth}`;
    }
    case A.Type.Float: {
      const precision = (type as A.Float).precision;
      return precision === A.Precision.HALF
        ? "float16"
        : precision === A.Precision.SINGLE
          ? "float32"
          : "float64";
    }
    case A.Type.Utf8:
      return "string";
    case A.Type.LargeUtf8:
      return "large_string";
    case A.Type.Binary:
      return "binary";
    case A.Type.LargeBinary:
      return "large_binary";
    case A.Type.Date:
      return (type as A.Date_).unit === A.DateUnit.DAY ? "date32" : "date64";
    case A.Type.Time: {
      const time = type as A.Time;
      return `time${time.bitWidth}[${UNIT_NAME[time.unit]}]`;
    }
    case A.Type.Timestamp: {
      const ts = type as A.Timestamp;
      return ts.timezone
        ? `timestamp[${UNIT_NAME[ts.unit]}, tz=${ts.timezone}]`
        : `timestamp[${UNIT_NAME[ts.unit]}]`;
    }
    case A.Type.Duration:
      return `duration[${UNIT_NAME[(type as A.Duration).unit]}]`;
    case A.Type.Decimal: {
      const dec = type as A.Decimal;
      return `decimal${dec.bitWidth}(${dec.precision}, ${dec.scale})`;
    }
    default:
      return undefined;
  }
}
