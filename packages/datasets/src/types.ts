import type { NamedFeature, SplitInfo } from "@hfkit/cards";
import type * as A from "apache-arrow";
import type { Row } from "./encode/batch.js";
import type { FeaturesInput } from "./features/model.js";
import type { CsvOptions } from "./inputs/csv.js";

export type { Row };

/** A file to read: its format comes from the extension unless given. */
export interface FileInput {
  file: string;
  /** `jsonl` (also `.gz`/`.zst`), `json` (one array of objects), `csv`, `tsv` or `parquet`. */
  format?: "jsonl" | "json" | "csv" | "tsv" | "parquet";
}

/**
 * What a split can be made from: records (an array, or a sync or async iterable), Arrow (a
 * `Table`, a `RecordBatchReader` or an iterable of `RecordBatch`), or files (a path, a
 * `FileInput`, or a list of them, read in order).
 */
export type DatasetInput =
  | readonly Row[]
  | Iterable<Row>
  | AsyncIterable<Row>
  | A.Table
  | Iterable<A.RecordBatch>
  | AsyncIterable<A.RecordBatch>
  | string
  | FileInput
  | readonly (string | FileInput)[];

export interface WriteShardsOptions {
  data: DatasetInput;
  /** Local folder the shards go to, as `{outputDir}/{dataDir}/{split}-00000-of-0000N.parquet`. */
  outputDir: string;
  /** Split name (`^\w+(\.\w+)*$`); default `"train"`. */
  split?: string;
  /** Folder of the shards inside the repo: `"data"` for the default config, the config name otherwise. Default `"data"`. */
  dataDir?: string;
  /** Declared features; otherwise they come from the input's schema or are inferred from the rows. */
  features?: FeaturesInput;
  /** Largest Arrow size of a shard, as `datasets` counts it; default `"500MB"` (decimal units). */
  maxShardSize?: string | number;
  /** An exact number of shards instead of `maxShardSize` (never both). */
  numShards?: number;
  /**
   * Arrow bytes per row group. `datasets` uses 100 MB; the default here, 16 MB, bounds the
   * writer's memory (see the README). Row groups never exceed 1,048,576 rows.
   */
  rowGroupBytes?: string | number;
  /** Embed the files of Image/Audio paths in the shards (default true, as `datasets`). */
  embedExternalFiles?: boolean;
  /** Rows read to infer features of records and JSON input when none are declared (default 10,000). */
  inferenceRows?: number;
  /** CSV/TSV reading. */
  csv?: CsvOptions;
  /** Where the temporary Arrow file of the first pass goes (default: the OS temp folder). */
  tempDir?: string;
  /** Called, and awaited, as each shard is closed: upload it, then delete the file to keep disk bounded. */
  onShard?: (shard: WrittenShard) => void | Promise<void>;
  /**
   * Hash each shard while it is written (on this thread, from the page cache, as the writer
   * thread appends row groups) and give its SHA-256 as `WrittenShard.sha256`: an upload then
   * starts without reading the shard again to hash it. Off by default.
   */
  sha256?: boolean;
  signal?: AbortSignal;
}

/** One shard on disk. */
export interface WrittenShard {
  index: number;
  numShards: number;
  /** Path inside the repo: `data/train-00000-of-00002.parquet`. */
  pathInRepo: string;
  /** Where it was written. */
  localPath: string;
  rows: number;
  /** File size in bytes. */
  bytes: number;
  /** The file's SHA-256 (hex), with the `sha256` option (absent if it could not be hashed as written). */
  sha256?: string;
}

export interface WriteShardsResult {
  split: string;
  dataDir: string;
  features: NamedFeature[];
  shards: WrittenShard[];
  /** Rows of the split (`num_examples`). */
  numExamples: number;
  /** The split's Arrow size as `datasets` estimates it (`num_bytes`; drives the shard count). */
  numBytes: number;
  /** Sum of the shard file sizes (`download_size`). */
  downloadSize: number;
  /** The split's `dataset_info.splits` entry. */
  splitInfo: SplitInfo;
  /** Rows per row group used. */
  rowGroupRows: number;
  /** The `huggingface` footer value of every shard. */
  huggingface: string;
}

export type DatasetProgressEvent =
  /** Rows read and encoded so far (coalesced); `bytes` is their Arrow size. */
  | { type: "rows-progress"; split: string; rows: number; bytes: number }
  /** The first pass is done: the shard count and sizes are known. */
  | {
      type: "shards-planned";
      split: string;
      /** The split's features (declared or inferred). */
      features: NamedFeature[];
      numShards: number;
      numRows: number;
      numBytes: number;
      rowGroupRows: number;
    }
  /** Rows written into the current shard (coalesced). */
  | { type: "shard-progress"; split: string; index: number; rows: number }
  /** A shard was closed on disk. */
  | { type: "shard-written"; split: string; shard: WrittenShard };
