import type { NamedFeature } from "@hfkit/cards";
import type { Row } from "../encode/batch.js";

/** Rows read from an input, with where they came from (for error messages). */
export interface RowChunk {
  rows: Row[];
  file?: string;
  /** The 1-based line of each row in `file`. */
  lines?: number[];
  /**
   * JSONL: the chunk's lines as bytes, while its rows are not parsed yet. The shard writer reads
   * them straight into the column builders (encode/json-line.ts) when the features allow it.
   */
  jsonl?: JsonlLines | undefined;
}

/** Lines of a JSONL file as they were read: line `i` is `buffer[starts[i], ends[i])`, number `firstLine + i`. */
export interface JsonlLines {
  buffer: Buffer;
  starts: number[];
  ends: number[];
  firstLine: number;
  /** Every byte of `buffer` is ASCII. */
  ascii: boolean;
  /** `buffer` is valid UTF-8 (a string's bytes may be copied as they are). */
  utf8: boolean;
}

/** A readable input: chunks of rows, and the features its own schema gives (Arrow, Parquet, CSV). */
export interface RowSource {
  chunks: AsyncIterable<RowChunk>;
  features?: NamedFeature[] | undefined;
  /**
   * The fraction of the input read so far (0–1), when it is one plain file whose size is known:
   * lets the shard writer foresee the shard count before the input ends (write-shards.ts).
   */
  progress?: () => number;
}

/** Rows per chunk handed from a reader to the encoder. */
export const CHUNK_ROWS = 8192;
