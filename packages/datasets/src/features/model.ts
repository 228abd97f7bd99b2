import type { Feature, Features, NamedFeature } from "@hfkit/cards";
import { DatasetError } from "../errors.js";
import { normaliseDtype } from "./dtype.js";

// The `datasets` feature types. The model itself is @hfkit/cards' `Feature` (what a card's YAML
// describes); these constructors spell it as Python does, so that
// `{ label: ClassLabel({ names: ["neg", "pos"] }) }` reads like `Features({"label": ClassLabel(...)})`.

export type { Feature, Features, NamedFeature };

/** Features declared by the user: an ordered record (`{ text: Value("string") }`) or a list. */
export type FeaturesInput = Features | Readonly<Record<string, Feature>>;

/** `Value(dtype)`: `"int64"`, `"string"`, `"timestamp[ms, tz=UTC]"`, `"decimal128(10, 2)"`… */
export function Value(dtype: string, options: { id?: string } = {}): Feature {
  return {
    type: "value",
    dtype: normaliseDtype(dtype),
    ...(options.id !== undefined ? { id: options.id } : {}),
  };
}

/** `ClassLabel(names=[…])`: stored as int64 (the label's index); names go in the metadata. */
export function ClassLabel(options: { names: readonly string[]; id?: string }): Feature {
  return {
    type: "classLabel",
    names: [...options.names],
    ...(options.id !== undefined ? { id: options.id } : {}),
  };
}

/** A struct (Python dict of features), from an ordered record or a list of named features. */
export function Struct(fields: FeaturesInput): Feature {
  return { type: "struct", fields: toFeatureList(fields, "Struct") };
}

function asFeature(value: Feature | FeaturesInput): Feature {
  if (Array.isArray(value)) return Struct(value as Features);
  if (typeof (value as { type?: unknown }).type === "string" && !isFieldRecord(value))
    return value as Feature;
  return Struct(value as Readonly<Record<string, Feature>>);
}

// A record whose values are all features is a struct even when one column is named "type".
function isFieldRecord(value: object): boolean {
  const entries = Object.values(value);
  return entries.length > 0 && entries.every((v) => typeof v === "object" && v !== null && "type" in v);
}

/** `List(feature, length=-1)`; a record or list of features means a list of structs. */
export function List(feature: Feature | FeaturesInput, length?: number): Feature {
  if (length !== undefined && length !== -1 && !(Number.isInteger(length) && length >= 0)) {
    throw new DatasetError("INVALID_INPUT", `List length must be a non-negative integer; got ${length}`);
  }
  return {
    type: "list",
    feature: asFeature(feature),
    ...(length !== undefined && length !== -1 ? { length } : {}),
  };
}

/** `LargeList(feature)`: a list with 64-bit offsets. */
export function LargeList(feature: Feature | FeaturesInput): Feature {
  return { type: "largeList", feature: asFeature(feature) };
}

/**
 * The legacy `Sequence(feature, length)`, which `datasets` ≥ 4 writes as `List`. As in Python, a
 * sequence of a struct becomes a struct of lists (the TFDS convention).
 */
export function Sequence(feature: Feature | FeaturesInput, length?: number): Feature {
  const inner = asFeature(feature);
  if (inner.type === "struct") {
    return Struct(inner.fields.map(({ name, feature: f }) => ({ name, feature: List(f, length) })));
  }
  return List(inner, length);
}

function arrayFeature(dims: 2 | 3 | 4 | 5, shape: readonly number[], dtype: string): Feature {
  if (shape.length !== dims || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new DatasetError(
      "INVALID_INPUT",
      `Array${dims}D needs a shape of ${dims} positive integers; got [${shape.join(", ")}]`,
    );
  }
  return { type: "array", dims, shape: [...shape], dtype: normaliseDtype(dtype) };
}

/** `Array2D(shape=(a, b), dtype)`: fixed-shape nested arrays. */
export function Array2D(options: { shape: readonly [number, number]; dtype: string }): Feature {
  return arrayFeature(2, options.shape, options.dtype);
}
/** `Array3D(shape, dtype)`. */
export function Array3D(options: { shape: readonly [number, number, number]; dtype: string }): Feature {
  return arrayFeature(3, options.shape, options.dtype);
}
/** `Array4D(shape, dtype)`. */
export function Array4D(options: {
  shape: readonly [number, number, number, number];
  dtype: string;
}): Feature {
  return arrayFeature(4, options.shape, options.dtype);
}
/** `Array5D(shape, dtype)`. */
export function Array5D(options: {
  shape: readonly [number, number, number, number, number];
  dtype: string;
}): Feature {
  return arrayFeature(5, options.shape, options.dtype);
}

/** `Json()`: any JSON value, stored as its JSON text (Arrow `arrow.json` extension). */
export function Json(): Feature {
  return { type: "json" };
}

/** `Image(mode?, decode?)`: a local path, bytes or `{bytes, path}`; embedded as `{bytes, path}`. */
export function Image(options: { mode?: string; decode?: boolean } = {}): Feature {
  return {
    type: "image",
    ...(options.mode !== undefined ? { mode: options.mode } : {}),
    ...(options.decode === false ? { decode: false } : {}),
  };
}

/** `Audio(sampling_rate?, …)`: a local path, bytes or `{bytes, path}`; embedded as `{bytes, path}`. */
export function Audio(
  options: { samplingRate?: number; decode?: boolean; numChannels?: number; streamIndex?: number } = {},
): Feature {
  return {
    type: "audio",
    ...(options.samplingRate !== undefined ? { samplingRate: options.samplingRate } : {}),
    ...(options.decode === false ? { decode: false } : {}),
    ...(options.numChannels !== undefined ? { numChannels: options.numChannels } : {}),
    ...(options.streamIndex !== undefined ? { streamIndex: options.streamIndex } : {}),
  };
}

/** Declared features in their ordered-list form; checks names and dtypes. */
export function toFeatureList(input: FeaturesInput, field = "features"): NamedFeature[] {
  const list: NamedFeature[] = Array.isArray(input)
    ? (input as Features).map((entry) => ({ name: entry.name, feature: entry.feature }))
    : Object.entries(input as Record<string, Feature>).map(([name, feature]) => ({ name, feature }));
  const seen = new Set<string>();
  for (const { name, feature } of list) {
    if (typeof name !== "string" || name === "") {
      throw new DatasetError("INVALID_INPUT", `${field}: every column needs a non-empty name`);
    }
    if (seen.has(name))
      throw new DatasetError("INVALID_INPUT", `${field}: column "${name}" is declared twice`);
    seen.add(name);
    if (typeof feature !== "object" || feature === null || typeof feature.type !== "string") {
      throw new DatasetError(
        "INVALID_INPUT",
        `${field}.${name}: give a feature such as Value("string") or ClassLabel({ names })`,
      );
    }
  }
  return list;
}

/** True when a feature is a media type stored as `{bytes, path}` (Image, Audio, Video, Pdf…). */
export function isMedia(feature: Feature): boolean {
  return ["image", "audio", "video", "pdf", "nifti", "mesh"].includes(feature.type);
}

/** True when a feature holds a media type at any depth. */
export function containsMedia(feature: Feature): boolean {
  if (isMedia(feature)) return true;
  if (feature.type === "list" || feature.type === "largeList") return containsMedia(feature.feature);
  if (feature.type === "struct") return feature.fields.some((f) => containsMedia(f.feature));
  return false;
}
