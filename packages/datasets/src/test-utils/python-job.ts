import { join } from "node:path";
import { runPython } from "@hfkit/testing/python";

/** Rows as JSON for test/oracle.py: bytes and bigints tagged, Dates as ISO strings. */
export function tagged(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString("base64") };
  if (typeof value === "bigint") return { $bigint: value.toString() };
  if (typeof value === "number" && !Number.isFinite(value)) return { $float: String(value) };
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(tagged);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tagged(v)]));
  }
  return value;
}

export interface OracleCase {
  /** A Python expression for the features (`Features({...})`), or omitted to let pyarrow infer. */
  features_py?: string;
  rows: unknown[];
  files: string[];
  split: string;
  download_size: number;
  cache_dir: string;
  max_shard_size?: string;
  data_dir?: string;
  media_columns?: Record<string, string>;
  return_rows?: number;
}

export interface OracleAnswer {
  error?: string;
  trace?: string;
  huggingface: string;
  nbytes: number;
  num_shards: number;
  row_group_rows: number;
  arrow_schema_equal: boolean;
  arrow_schema_str: string;
  python_arrow_schema_str: string;
  footer_huggingface: string[];
  row_groups: number[][];
  rows_per_file: number[];
  codecs: Record<string, [string, boolean]>;
  pyarrow_values_equal: boolean;
  loaded_features_equal: boolean;
  loaded_rows_equal: boolean;
  first_difference?: unknown;
  rows: unknown[];
  card: string;
}

/** One Python process for all the cases of a test file. */
export async function askOracle(cases: Record<string, OracleCase>): Promise<Record<string, OracleAnswer>> {
  const script = join(import.meta.dirname, "../../test/oracle.py");
  const out = await runPython({ file: script }, { input: JSON.stringify({ cases }), timeoutMs: 600_000 });
  return JSON.parse(out) as Record<string, OracleAnswer>;
}
