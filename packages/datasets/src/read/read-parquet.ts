import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import type { NamedFeature } from "@hfkit/cards";
import type { Row } from "../encode/batch.js";
import { featuresFromArrowSchema } from "../features/arrow.js";
import { parquetBatches } from "../inputs/parquet.js";
import { makeTempDir } from "../spill.js";
import { decodeBatch } from "./decode.js";

/** A Parquet file (path) or its bytes as a stream. */
export type ParquetInput = string | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

export interface ReadParquetOptions {
  /** Decode with these features instead of the file's `huggingface` metadata. */
  features?: readonly NamedFeature[];
  /** Called once with the features the rows are decoded with, before the first row. */
  onFeatures?: (features: NamedFeature[]) => void;
  signal?: AbortSignal;
}

/**
 * The rows of a Parquet file, in order, one row group at a time, decoded with the file's
 * features (its `huggingface` metadata, or its Arrow types): ClassLabel as its index (names in
 * the features), Image/Audio as `{bytes, path}`, timestamps and dates as `Date`, decimals as
 * strings, int64 as numbers (bigint beyond 2^53), Json parsed. A stream is first copied to a
 * temporary file, since Parquet is read from its footer.
 */
export async function* readParquetRows(
  input: ParquetInput,
  options: ReadParquetOptions = {},
): AsyncGenerator<Row> {
  if (typeof input === "string") {
    yield* readFile(input, options);
    return;
  }
  const temp = await makeTempDir();
  try {
    const path = join(temp.dir, "input.parquet");
    const out = createWriteStream(path);
    for await (const chunk of input as AsyncIterable<Uint8Array>) {
      options.signal?.throwIfAborted();
      if (!out.write(chunk)) await once(out, "drain");
    }
    out.end();
    await once(out, "finish");
    yield* readFile(path, options);
  } finally {
    await temp.dispose();
  }
}

async function* readFile(path: string, options: ReadParquetOptions): AsyncGenerator<Row> {
  const { schema, batches } = await parquetBatches(path);
  const features = options.features ? [...options.features] : featuresFromArrowSchema(schema);
  options.onFeatures?.(features);
  for await (const batch of batches) {
    options.signal?.throwIfAborted();
    for (const row of decodeBatch(batch, features, "typed")) yield row;
  }
}
