import { DatasetError, inputError } from "./errors.js";

// Sharding as `datasets` does it (arrow_dataset.py `_push_parquet_shards_to_hub`,
// utils/py_utils.py `convert_file_size_to_int`, naming.py; shared/datasets-format.md §1–2 and
// golden s5/s6).

/** `datasets`' `config.MAX_SHARD_SIZE`. */
export const DEFAULT_MAX_SHARD_SIZE = "500MB";

/** `datasets`' `MAX_ROW_GROUP_SIZE` ("100MB" of Arrow bytes) and pyarrow's row cap per row group. */
export const DATASETS_ROW_GROUP_BYTES = 100_000_000;
export const MAX_ROW_GROUP_ROWS = 1_048_576;

/**
 * A size in bytes, as `convert_file_size_to_int` reads it: decimal units (`"500MB"` =
 * 500,000,000), binary units (`"1GiB"`), a trailing lowercase `b` for bits, or a number of bytes.
 */
export function parseSize(size: string | number, field = "maxShardSize"): number {
  if (typeof size === "number") {
    if (!Number.isFinite(size) || size <= 0)
      throw inputError(field, `give a positive number of bytes or "500MB"; got ${size}`);
    return Math.floor(size);
  }
  const text = size.trim();
  const m = /^(\d+(?:\.\d+)?)\s*([KMGTP]i?)?(B|b)$/.exec(text) ?? /^(\d+)()()$/.exec(text);
  if (!m) throw inputError(field, `"${size}" is not a size; write it like "500MB", "1GiB" or 1000000`);
  const [, number, unit = "", bits] = m;
  const exponent = unit ? "KMGTP".indexOf(unit[0]!) + 1 : 0;
  const base = unit.endsWith("i") ? 1024 : 1000;
  let bytes = Number(number) * base ** exponent;
  if (bits === "b") bytes /= 8;
  if (!(bytes > 0)) throw inputError(field, `"${size}" must be more than 0 bytes`);
  return Math.floor(bytes);
}

/** `num_shards = int(nbytes / max_shard_size) + 1` (the +1 even on an exact multiple). */
export function shardCountFor(nbytes: number, maxShardSize: number): number {
  return Math.floor(nbytes / maxShardSize) + 1;
}

/** Rows of each contiguous shard (`Dataset.shard(contiguous=True)`): the first `n % k` get one more. */
export function shardRowCounts(numRows: number, numShards: number): number[] {
  const div = Math.floor(numRows / numShards);
  const mod = numRows % numShards;
  return Array.from({ length: numShards }, (_, i) => div + (i < mod ? 1 : 0));
}

/** `{dataDir}/{split}-{i:05d}-of-{n:05d}.parquet`. */
export function shardPath(dataDir: string, split: string, index: number, numShards: number): string {
  const name = `${split}-${String(index).padStart(5, "0")}-of-${String(numShards).padStart(5, "0")}.parquet`;
  return dataDir === "" ? name : `${dataDir}/${name}`;
}

const SPLIT_RE = /^\w+(\.\w+)*$/u;

/** Checks a split name against `datasets`' rule (naming.py `_split_re`): word characters and dots, no dashes. */
export function checkSplitName(split: string): string {
  if (typeof split !== "string" || !SPLIT_RE.test(split)) {
    throw new DatasetError(
      "INVALID_INPUT",
      `split: "${split}" is not a valid split name; use letters, digits, "_" and "." only (e.g. "train", "v1.2", "dev_clean"), no "-"`,
    );
  }
  return split;
}

/**
 * Rows per row group. `datasets` uses `max(1, rows * 100MB // nbytes)` over the whole split,
 * capped at 1,048,576 rows by pyarrow; `rowGroupBytes` below 100 MB makes groups smaller to
 * bound the writer's memory (load_dataset does not depend on row group sizes). A split larger
 * than `rowGroupBytes` gets this over its first `rowGroupBytes` (so that a stream can be
 * written while it is read); a smaller one, over the whole split, exactly as datasets.
 */
export function rowGroupRows(
  numRows: number,
  nbytes: number,
  rowGroupBytes = DATASETS_ROW_GROUP_BYTES,
): number {
  const target = Math.min(rowGroupBytes, DATASETS_ROW_GROUP_BYTES);
  // As datasets: a split of 0 bytes (all nulls) gets batches of one row.
  const rows = nbytes > 0 ? Math.max(1, Math.floor((numRows * target) / nbytes)) : 1;
  return Math.min(rows, MAX_ROW_GROUP_ROWS);
}
