import type { NamedFeature } from "@hfkit/cards";
import type { Row } from "../encode/batch.js";

/** Rows read from an input, with where they came from (for error messages). */
export interface RowChunk {
  rows: Row[];
  file?: string;
  /** The 1-based line of each row in `file`. */
  lines?: number[];
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
