import type { Feature, NamedFeature } from "@hfkit/cards";
import { DatasetError } from "../errors.js";
import { normaliseDtype } from "./dtype.js";

// The `huggingface` key of a Parquet footer (and of the schema inside `ARROW:schema`):
// `json.dumps({"info": {"features": features.to_dict()}})` (datasets features.py
// `Features.arrow_schema`). `to_dict` writes a dataclass field only when it differs from its
// default, in field order, and always `_type`; a plain dict (struct) has no `_type`.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function withType(fields: Record<string, Json | undefined>, type: string): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  out._type = type;
  return out;
}

function featureToDict(feature: Feature): Json {
  switch (feature.type) {
    case "value":
      return withType({ dtype: normaliseDtype(feature.dtype), id: feature.id }, "Value");
    case "classLabel":
      return withType({ names: [...feature.names], id: feature.id }, "ClassLabel");
    case "list":
      return withType(
        {
          feature: featureToDict(feature.feature),
          length: feature.length !== undefined && feature.length !== -1 ? feature.length : undefined,
        },
        "List",
      );
    case "largeList":
      return withType({ feature: featureToDict(feature.feature) }, "LargeList");
    case "struct":
      return featuresToDict(feature.fields);
    case "image":
      return withType({ mode: feature.mode, decode: feature.decode === false ? false : undefined }, "Image");
    case "audio":
      return withType(
        {
          sampling_rate: feature.samplingRate,
          decode: feature.decode === false ? false : undefined,
          num_channels: feature.numChannels,
          stream_index: feature.streamIndex,
        },
        "Audio",
      );
    case "video":
      return withType(
        { decode: feature.decode === false ? false : undefined, stream_index: feature.streamIndex },
        "Video",
      );
    case "pdf":
    case "nifti":
    case "mesh":
    case "json":
      return withType(
        { decode: feature.decode === false ? false : undefined },
        feature.type[0]!.toUpperCase() + feature.type.slice(1),
      );
    case "array":
      return withType({ shape: [...feature.shape], dtype: feature.dtype }, `Array${feature.dims}D`);
    case "translation":
      return withType({ languages: [...feature.languages] }, "Translation");
    case "translationVariableLanguages": {
      const languages = [...new Set(feature.languages)].sort();
      return withType({ languages, num_languages: languages.length }, "TranslationVariableLanguages");
    }
  }
}

function featuresToDict(features: readonly NamedFeature[]): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const { name, feature } of features) out[name] = featureToDict(feature);
  return out;
}

/** Python `json.dumps` with its default separators and `ensure_ascii=True`. */
export function pythonJsonDumps(value: Json): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
    return Number.isInteger(value) ? String(value) : pythonFloat(value);
  }
  if (typeof value === "string") return pythonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${pythonString(k)}: ${pythonJsonDumps(v)}`)
    .join(", ")}}`;
}

// Python's repr of a float: the shortest round-trip digits, like JS, but `1e-05` / `1e+16` forms.
function pythonFloat(value: number): string {
  const text = String(value);
  const exp = /^(-?[\d.]+)e([+-])(\d+)$/.exec(text);
  if (!exp) return text;
  return `${exp[1]}e${exp[2]}${exp[3]!.padStart(2, "0")}`;
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

function pythonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const code = text.charCodeAt(i);
    const escaped = ESCAPES[ch];
    if (escaped) out += escaped;
    else if (code < 0x20 || code > 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * The `huggingface` footer value for these features, byte for byte as Python `datasets` writes it:
 * `{"info": {"features": {...}}}` with Python's `json.dumps` spacing and `\uXXXX` escapes.
 */
export function featuresToHuggingfaceJson(features: readonly NamedFeature[]): string {
  return pythonJsonDumps({ info: { features: featuresToDict(features) } });
}

function fail(path: string, message: string): never {
  throw new DatasetError("INVALID_INPUT", `huggingface metadata ${path}: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function featureFromDict(value: unknown, path: string): Feature {
  if (!isObject(value)) return fail(path, "expected an object");
  const type = value._type;
  if (type === undefined) return { type: "struct", fields: featuresFromDict(value, path) };
  const id = typeof value.id === "string" ? value.id : undefined;
  const decode = value.decode === false ? { decode: false } : {};
  switch (type) {
    case "Value":
      return { type: "value", dtype: normaliseDtype(String(value.dtype)), ...optional("id", id) };
    case "ClassLabel":
      if (!Array.isArray(value.names)) return fail(path, "ClassLabel needs `names`");
      return { type: "classLabel", names: value.names.map(String), ...optional("id", id) };
    case "List":
    case "Sequence": {
      const inner = featureFromDict(value.feature, `${path}.feature`);
      const length = typeof value.length === "number" && value.length !== -1 ? value.length : undefined;
      // A legacy Sequence of a dict is a dict of lists (datasets still reads it that way).
      if (type === "Sequence" && inner.type === "struct") {
        return {
          type: "struct",
          fields: inner.fields.map((f) => ({
            name: f.name,
            feature: { type: "list", feature: f.feature, ...optional("length", length) },
          })),
        };
      }
      return { type: "list", feature: inner, ...optional("length", length) };
    }
    case "LargeList":
      return { type: "largeList", feature: featureFromDict(value.feature, `${path}.feature`) };
    case "Image":
      return {
        type: "image",
        ...decode,
        ...optional("mode", typeof value.mode === "string" ? value.mode : undefined),
      };
    case "Audio":
      return {
        type: "audio",
        ...decode,
        ...optional(
          "samplingRate",
          typeof value.sampling_rate === "number" ? value.sampling_rate : undefined,
        ),
        ...optional("numChannels", typeof value.num_channels === "number" ? value.num_channels : undefined),
        ...optional("streamIndex", typeof value.stream_index === "number" ? value.stream_index : undefined),
      };
    case "Video":
      return {
        type: "video",
        ...decode,
        ...optional("streamIndex", typeof value.stream_index === "number" ? value.stream_index : undefined),
      };
    case "Pdf":
    case "Nifti":
    case "Mesh":
    case "Json":
      return { type: String(type).toLowerCase() as "pdf" | "nifti" | "mesh" | "json", ...decode };
    case "Array2D":
    case "Array3D":
    case "Array4D":
    case "Array5D":
      return {
        type: "array",
        dims: Number(String(type)[5]) as 2 | 3 | 4 | 5,
        shape: Array.isArray(value.shape) ? value.shape.map(Number) : [],
        dtype: String(value.dtype),
      };
    case "Translation":
      return {
        type: "translation",
        languages: Array.isArray(value.languages) ? value.languages.map(String) : [],
      };
    case "TranslationVariableLanguages":
      return {
        type: "translationVariableLanguages",
        languages: Array.isArray(value.languages) ? value.languages.map(String) : [],
      };
    default:
      return fail(path, `unknown feature type "${String(type)}"`);
  }
}

function featuresFromDict(value: Record<string, unknown>, path: string): NamedFeature[] {
  return Object.entries(value).map(([name, feature]) => ({
    name,
    feature: featureFromDict(feature, `${path}.${name}`),
  }));
}

/** Reads the features out of a `huggingface` metadata value (`{"info": {"features": …}}`). */
export function featuresFromHuggingfaceJson(text: string): NamedFeature[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DatasetError("INVALID_INPUT", "huggingface metadata is not valid JSON", { cause: error });
  }
  const features = isObject(parsed) && isObject(parsed.info) ? parsed.info.features : undefined;
  if (!isObject(features)) return fail("info.features", "missing");
  return featuresFromDict(features, "info.features");
}
