import type { NamedFeature } from "@hfkit/cards";
import type * as A from "apache-arrow";

// The one seam between the shard pipeline and a Parquet library, so the library can change
// (docs/adr/0013-parquet-shard-writer.md says which one and why).

export interface ShardWriterOptions {
  /** Local file to write. */
  path: string;
  /** `features.arrow_schema`, with the `huggingface` key in its metadata. */
  schema: A.Schema;
  features: readonly NamedFeature[];
  /** The `huggingface` footer value. */
  huggingface: string;
  /** Rows per row group (the writer cuts incoming batches at this count). */
  rowGroupRows: number;
  /** Top-level columns written without a dictionary (see `BatchEncoder.plainColumns`). */
  plainColumns?: readonly string[];
  /**
   * Hash the file while it is written, for {@link ShardWriter.sha256}: the upload then need
   * not read the whole shard again before it starts.
   */
  hash?: boolean;
}

export interface ShardWriter {
  /** Rows `[offset, offset + length)` of one batch, given as a self-contained Arrow IPC stream. */
  write(ipc: Uint8Array, offset: number, length: number): Promise<void>;
  /** Finishes the file; resolves its size in bytes. */
  close(): Promise<number>;
  /**
   * After `close`, with `hash`: the file's SHA-256 (hex), or undefined when it could not be
   * hashed as it was written (the upload then hashes it).
   */
  sha256?(): string | undefined;
  /** Stops and removes the partial file. */
  abort(): Promise<void>;
}

/** A Parquet library behind the seam. */
export interface ShardWriterBackend {
  /** How batches must look when handed to `write` (same data, the library's layout); applied before spilling. */
  layout(schema: A.Schema): (batch: A.RecordBatch) => A.RecordBatch;
  /**
   * Starts what `open` will need (a thread, a compiled module) so that it loads while the first
   * rows are read; optional, `open` works without it.
   */
  warm?(): void;
  /** One file at a time: the previous one is closed or aborted before the next opens. */
  open(options: ShardWriterOptions): Promise<ShardWriter>;
  /** Frees what the backend holds (its thread); called once the run is over. */
  dispose(): Promise<void>;
}
