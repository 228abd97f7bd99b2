import type { Feature, NamedFeature } from "@hfkit/cards";
import { dataError } from "../errors.js";
import type { Row } from "./batch.js";

// Features inferred from JS values, as pyarrow infers them from the same Python values
// (`pa.Table.from_pylist`): int → int64, float → float64 (int and float mixed → float64),
// str → string, bool → bool, bytes → binary, datetime → timestamp[us], list → List, dict →
// struct (fields in first-seen order), all None → null.

type Kind =
  | { k: "null" }
  | { k: "bool" }
  | { k: "int" }
  | { k: "float" }
  | { k: "string" }
  | { k: "binary" }
  | { k: "timestamp" }
  | { k: "list"; item: Kind }
  | { k: "struct"; fields: Map<string, Kind> };

// The kinds of scalars are shared (never changed): a value of the kind its column already has
// is then seen by identity, with no object made for it (FeatureInference.add).
const NULL: Kind = { k: "null" };
const BOOL: Kind = { k: "bool" };
const INT: Kind = { k: "int" };
const FLOAT: Kind = { k: "float" };
const STRING: Kind = { k: "string" };
const BINARY: Kind = { k: "binary" };
const TIMESTAMP: Kind = { k: "timestamp" };

function kindOf(value: unknown): Kind {
  if (value === null || value === undefined) return NULL;
  switch (typeof value) {
    case "boolean":
      return BOOL;
    case "number":
      return Number.isInteger(value) ? INT : FLOAT;
    case "bigint":
      return INT;
    case "string":
      return STRING;
  }
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return BINARY;
  if (value instanceof Date) return TIMESTAMP;
  if (Array.isArray(value)) {
    let item = NULL;
    for (const v of value) item = merge(item, kindOf(v));
    return { k: "list", item };
  }
  if (ArrayBuffer.isView(value)) {
    return {
      k: "list",
      item: value instanceof Float32Array || value instanceof Float64Array ? FLOAT : INT,
    };
  }
  if (typeof value === "object") {
    const fields = new Map<string, Kind>();
    for (const [key, v] of Object.entries(value as Row)) fields.set(key, kindOf(v));
    return { k: "struct", fields };
  }
  throw new Error(`a ${typeof value} cannot be stored`);
}

class Conflict extends Error {}

function describe(kind: Kind): string {
  return kind.k === "list" ? `list of ${describe(kind.item)}` : kind.k;
}

function merge(a: Kind, b: Kind): Kind {
  if (a.k === "null") return b;
  if (b.k === "null") return a;
  if (a.k === b.k) {
    if (a.k === "list" && b.k === "list") return { k: "list", item: merge(a.item, b.item) };
    if (a.k === "struct" && b.k === "struct") {
      const fields = new Map(a.fields);
      for (const [key, kind] of b.fields) fields.set(key, merge(fields.get(key) ?? NULL, kind));
      return { k: "struct", fields };
    }
    return a;
  }
  if ((a.k === "int" && b.k === "float") || (a.k === "float" && b.k === "int")) return FLOAT;
  throw new Conflict(`${describe(a)} and ${describe(b)}`);
}

function toFeature(kind: Kind): Feature {
  switch (kind.k) {
    case "null":
      return { type: "value", dtype: "null" };
    case "bool":
      return { type: "value", dtype: "bool" };
    case "int":
      return { type: "value", dtype: "int64" };
    case "float":
      return { type: "value", dtype: "float64" };
    case "string":
      return { type: "value", dtype: "string" };
    case "binary":
      return { type: "value", dtype: "binary" };
    case "timestamp":
      return { type: "value", dtype: "timestamp[us]" };
    case "list":
      return { type: "list", feature: toFeature(kind.item) };
    case "struct":
      return {
        type: "struct",
        fields: [...kind.fields].map(([name, k]) => ({ name, feature: toFeature(k) })),
      };
  }
}

/** Accumulates rows and infers their features. */
export class FeatureInference {
  private readonly columns = new Map<string, Kind>();

  add(row: Row, at: { file?: string | undefined; line?: number | undefined; row: number }): void {
    const columns = this.columns;
    for (const key in row) {
      const value = row[key];
      let kind: Kind;
      try {
        kind = kindOf(value);
        const known = columns.get(key);
        // a scalar of the column's kind, or a null in a column already seen, changes nothing
        if (known === kind || (kind === NULL && known !== undefined)) continue;
        columns.set(key, merge(known ?? NULL, kind));
      } catch (error) {
        const message =
          error instanceof Conflict ? `mixes ${error.message} values` : (error as Error).message;
        throw dataError(
          { ...at, column: key },
          `${message}; declare the column's type in \`features\` (e.g. Value("string"), or Json() for mixed values)`,
        );
      }
    }
  }

  features(): NamedFeature[] {
    return [...this.columns].map(([name, kind]) => ({ name, feature: toFeature(kind) }));
  }
}

/** Features of these rows, as pyarrow would infer them from the same Python values. */
export function inferFeatures(rows: Iterable<Row>): NamedFeature[] {
  const inference = new FeatureInference();
  let row = 0;
  for (const r of rows) inference.add(r, { row: row++ });
  return inference.features();
}
