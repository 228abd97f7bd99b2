import type { NamedFeature } from "@hfkit/cards";
import * as A from "apache-arrow";
import { featuresFromArrowSchema } from "../features/arrow.js";
import { decodeBatch } from "../read/decode.js";
import type { RowChunk, RowSource } from "./source.js";

/** Arrow record batches (a Table, a RecordBatchReader, or any iterable of batches) as rows. */
export function readArrow(
  input: A.Table | Iterable<A.RecordBatch> | AsyncIterable<A.RecordBatch>,
  schema?: A.Schema,
): RowSource {
  const first = input instanceof A.Table ? input.schema : schema;
  const source: RowSource = {
    chunks: undefined as unknown as AsyncIterable<RowChunk>,
    features: first ? featuresFromArrowSchema(first) : undefined,
  };
  async function* chunks(): AsyncGenerator<RowChunk> {
    const batches = input instanceof A.Table ? input.batches : input;
    let features: NamedFeature[] | undefined = source.features;
    for await (const batch of batches as AsyncIterable<A.RecordBatch>) {
      features ??= featuresFromArrowSchema(batch.schema);
      source.features ??= features;
      if (batch.numRows > 0) yield { rows: decodeBatch(batch, features, "lossless") };
    }
  }
  source.chunks = chunks();
  return source;
}
