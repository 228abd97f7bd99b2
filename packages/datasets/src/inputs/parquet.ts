import { openAsBlob } from "node:fs";
import { basename } from "node:path";
import type { NamedFeature } from "@hfkit/cards";
import * as A from "apache-arrow";
import { DatasetError } from "../errors.js";
import { featuresFromArrowSchema } from "../features/arrow.js";
import { type DecodeMode, decodeBatch } from "../read/decode.js";
import { loadParquetWasm } from "../writer/parquet-wasm.js";
import type { RowChunk, RowSource } from "./source.js";

/** Arrow record batches of a local Parquet file, one row group (or part of one) at a time. */
export async function parquetBatches(
  path: string,
): Promise<{ schema: A.Schema; batches: AsyncGenerator<A.RecordBatch> }> {
  const pw = await loadParquetWasm();
  let file: Awaited<ReturnType<typeof pw.ParquetFile.fromFile>>;
  try {
    file = await pw.ParquetFile.fromFile(await openAsBlob(path));
  } catch (error) {
    throw new DatasetError(
      "INVALID_DATA",
      `${basename(path)}: not a readable Parquet file (${String((error as Error).message ?? error)})`,
      {
        file: basename(path),
        cause: error,
      },
    );
  }
  const schemaIpc = file.schema().intoIPCStream();
  const schema = A.tableFromIPC(schemaIpc).schema;
  async function* batches(): AsyncGenerator<A.RecordBatch> {
    try {
      const stream = (await file.stream({ batchSize: 8192 })) as unknown as AsyncIterable<{
        intoIPCStream(): Uint8Array;
      }>;
      for await (const batch of stream) {
        for (const b of A.tableFromIPC(batch.intoIPCStream()).batches) yield b;
      }
    } finally {
      file.free();
    }
  }
  return { schema, batches: batches() };
}

/** A Parquet file's rows (to re-shard it); its features come from its `huggingface` metadata or its types. */
export async function readParquetSource(path: string, mode: DecodeMode = "lossless"): Promise<RowSource> {
  const { schema, batches } = await parquetBatches(path);
  const features: NamedFeature[] = featuresFromArrowSchema(schema);
  const file = basename(path);
  async function* chunks(): AsyncGenerator<RowChunk> {
    for await (const batch of batches) yield { rows: decodeBatch(batch, features, mode), file };
  }
  return { chunks: chunks(), features };
}
