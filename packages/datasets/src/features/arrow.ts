import type { Feature, NamedFeature } from "@hfkit/cards";
import * as A from "apache-arrow";
import { DatasetError } from "../errors.js";
import { arrowToDtype, dtypeToArrow } from "./dtype.js";
import { featuresFromHuggingfaceJson, featuresToHuggingfaceJson } from "./hf-json.js";
import { isMedia } from "./model.js";

// `Features.arrow_schema` of datasets: every field nullable (pyarrow's default), list children
// named `item` (`pa.list_`), media as `struct<bytes: binary, path: string>`, ClassLabel as int64,
// ArrayND and Json as extension types whose name and metadata live in the field metadata (which
// is how they travel in `ARROW:schema`; golden s3 shows both).

const EXT_NAME = "ARROW:extension:name";
const EXT_META = "ARROW:extension:metadata";

/** The schema-metadata key `datasets` reads its features from. */
export const HUGGINGFACE_KEY = "huggingface";

function item(type: A.DataType): A.Field {
  return new A.Field("item", type, true);
}

/** The Arrow type of one feature (the storage type for extension features). */
export function featureToArrowType(feature: Feature): A.DataType {
  switch (feature.type) {
    case "value":
      return dtypeToArrow(feature.dtype);
    case "classLabel":
      return new A.Int64();
    case "list":
      return feature.length !== undefined && feature.length !== -1
        ? new A.FixedSizeList(feature.length, item(featureToArrowType(feature.feature)))
        : new A.List(item(featureToArrowType(feature.feature)));
    case "largeList":
      return new A.LargeList(item(featureToArrowType(feature.feature)));
    case "struct":
      return new A.Struct(feature.fields.map(featureToArrowField));
    case "json":
      return new A.Utf8();
    case "array": {
      // datasets ArrayExtensionType storage: one list level per dimension (not fixed-size).
      let type: A.DataType = dtypeToArrow(feature.dtype);
      for (let i = 0; i < feature.dims; i++) type = new A.List(item(type));
      return type;
    }
    case "translation":
      return new A.Struct([...feature.languages].sort().map((lang) => new A.Field(lang, new A.Utf8(), true)));
    case "translationVariableLanguages":
      return new A.Struct([
        new A.Field("language", new A.List(item(new A.Utf8())), true),
        new A.Field("translation", new A.List(item(new A.Utf8())), true),
      ]);
    default:
      if (isMedia(feature)) {
        return new A.Struct([
          new A.Field("bytes", new A.Binary(), true),
          new A.Field("path", new A.Utf8(), true),
        ]);
      }
      throw new DatasetError("UNSUPPORTED", `feature type "${(feature as Feature).type}" has no Arrow type`);
  }
}

function extensionMetadata(feature: Feature): Map<string, string> | undefined {
  // in the order pyarrow serialises them (golden s3 ARROW:schema)
  if (feature.type === "json")
    return new Map([
      [EXT_META, ""],
      [EXT_NAME, "arrow.json"],
    ]);
  if (feature.type === "array") {
    return new Map([
      [EXT_META, `[[${feature.shape.join(", ")}], "${feature.dtype}"]`],
      [EXT_NAME, `datasets.features.features.Array${feature.dims}DExtensionType`],
    ]);
  }
  return undefined;
}

function featureToArrowField({ name, feature }: NamedFeature): A.Field {
  return new A.Field(name, featureToArrowType(feature), true, extensionMetadata(feature));
}

/**
 * `features.arrow_schema`: the Arrow schema of the shards, with the `huggingface` key in its
 * metadata (the exact JSON Python writes).
 */
export function featuresToArrowSchema(features: readonly NamedFeature[]): A.Schema {
  return new A.Schema(
    features.map(featureToArrowField),
    new Map([[HUGGINGFACE_KEY, featuresToHuggingfaceJson(features)]]),
  );
}

/** A comparable spelling of an Arrow type (child names of lists ignored, as pyarrow casts them). */
export function arrowTypeKey(type: A.DataType): string {
  const dtype = arrowToDtype(type);
  if (dtype !== undefined) return dtype;
  const children = (type.children ?? []) as A.Field[];
  switch (type.typeId) {
    case A.Type.List:
      return `list<${arrowTypeKey(children[0]!.type)}>`;
    case A.Type.LargeList:
      return `large_list<${arrowTypeKey(children[0]!.type)}>`;
    case A.Type.FixedSizeList:
      return `fixed_size_list<${arrowTypeKey(children[0]!.type)}>[${(type as A.FixedSizeList).listSize}]`;
    case A.Type.Struct:
      return `struct<${children.map((c) => `${c.name}: ${arrowTypeKey(c.type)}`).join(", ")}>`;
    case A.Type.Dictionary:
      return arrowTypeKey((type as A.Dictionary).dictionary);
    default:
      return String(type);
  }
}

function fieldKey(field: A.Field): string {
  const ext = field.metadata.get(EXT_NAME);
  return ext
    ? `${ext}:${field.metadata.get(EXT_META) ?? ""}:${arrowTypeKey(field.type)}`
    : arrowTypeKey(field.type);
}

/** The feature `datasets` infers from an Arrow type alone (`generate_from_arrow_type`). */
function featureFromArrowField(field: A.Field, path: string): Feature {
  const ext = field.metadata.get(EXT_NAME);
  if (ext === "arrow.json") return { type: "json" };
  const arrayExt = ext ? /^datasets\.features\.features\.Array([2-5])DExtensionType$/.exec(ext) : null;
  if (arrayExt) {
    const meta = JSON.parse(field.metadata.get(EXT_META) ?? "null") as [number[], string] | null;
    if (meta)
      return { type: "array", dims: Number(arrayExt[1]) as 2 | 3 | 4 | 5, shape: meta[0], dtype: meta[1] };
  }
  return featureFromArrowType(field.type, path);
}

function featureFromArrowType(type: A.DataType, path: string): Feature {
  const dtype = arrowToDtype(type);
  if (dtype !== undefined) return { type: "value", dtype };
  const children = (type.children ?? []) as A.Field[];
  switch (type.typeId) {
    case A.Type.List:
      return { type: "list", feature: featureFromArrowField(children[0]!, `${path}[]`) };
    case A.Type.LargeList:
      return { type: "largeList", feature: featureFromArrowField(children[0]!, `${path}[]`) };
    case A.Type.FixedSizeList:
      return {
        type: "list",
        feature: featureFromArrowField(children[0]!, `${path}[]`),
        length: (type as A.FixedSizeList).listSize,
      };
    case A.Type.Struct:
      return {
        type: "struct",
        fields: children.map((c) => ({
          name: c.name,
          feature: featureFromArrowField(c, `${path}.${c.name}`),
        })),
      };
    case A.Type.Dictionary:
      return featureFromArrowType((type as A.Dictionary).dictionary, path);
    default:
      throw new DatasetError(
        "UNSUPPORTED",
        `column "${path}": Arrow type ${String(type)} has no datasets feature; cast it first`,
      );
  }
}

/**
 * The features of an Arrow schema, as `Features.from_arrow_schema` finds them: the `huggingface`
 * metadata where its Arrow type for a column equals the schema's, otherwise inferred from the type.
 */
export function featuresFromArrowSchema(schema: A.Schema): NamedFeature[] {
  const text = schema.metadata.get(HUGGINGFACE_KEY);
  let declared: Map<string, Feature> | undefined;
  if (text) {
    try {
      declared = new Map(featuresFromHuggingfaceJson(text).map((f) => [f.name, f.feature]));
    } catch {
      declared = undefined;
    }
  }
  return schema.fields.map((field) => {
    const candidate = declared?.get(field.name);
    if (candidate) {
      const expected = featureToArrowField({ name: field.name, feature: candidate });
      if (fieldKey(expected) === fieldKey(field)) return { name: field.name, feature: candidate };
    }
    return { name: field.name, feature: featureFromArrowField(field, field.name) };
  });
}
