import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import type { Feature } from "@hfkit/cards";
import * as A from "apache-arrow";
import { containsMedia } from "../features/model.js";
import { VERSION } from "../version.js";
import type { ShardWriter, ShardWriterFactory, ShardWriterOptions } from "./shard-writer.js";

type ParquetWasm = typeof import("parquet-wasm");
let wasm: Promise<ParquetWasm> | undefined;

/** parquet-wasm, loaded on first use (its 15 MB module is compiled once per process). */
export function loadParquetWasm(): Promise<ParquetWasm> {
  wasm ??= import("parquet-wasm");
  return wasm;
}

function isNested(feature: Feature): boolean {
  return ["list", "largeList", "struct", "array", "translation", "translationVariableLanguages"].includes(
    feature.type,
  );
}

/** What pyarrow writes for `datasets` (io/parquet.py; golden s3/s4 meta.json): see the ADR. */
function writerProperties(pw: ParquetWasm, options: ShardWriterOptions) {
  let builder = new pw.WriterPropertiesBuilder()
    // datasets names top-level columns only, so pyarrow leaves nested leaves (and media
    // structs) at its defaults: uncompressed, no dictionary. Golden s3/s4 show exactly that.
    .setCompression(pw.Compression.UNCOMPRESSED)
    .setDictionaryEnabled(false)
    .setMaxRowGroupSize(Math.max(1, options.rowGroupRows))
    .setCreatedBy(`hfkit-datasets version ${VERSION} (parquet-wasm)`)
    .setKeyValueMetadata(new Map([["huggingface", options.huggingface]]));
  for (const { name, feature } of options.features) {
    if (isNested(feature) || containsMedia(feature)) continue;
    builder = builder
      .setColumnCompression(name, pw.Compression.SNAPPY)
      .setColumnDictionaryEnabled(name, true);
  }
  return builder.build();
}

/** Writes shards with parquet-wasm (arrow-rs), fed Arrow IPC one batch at a time. */
export const parquetWasmWriter: ShardWriterFactory = async (options) => {
  const pw = await loadParquetWasm();
  const file = createWriteStream(options.path);
  const pending: A.RecordBatch[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  let failed: unknown;
  const source = new ReadableStream({
    async pull(controller) {
      while (pending.length === 0 && !closed) await new Promise<void>((resolve) => (wake = resolve));
      const batch = pending.shift();
      if (!batch) {
        controller.close();
        return;
      }
      const ipc = A.tableToIPC(new A.Table([batch]), "stream");
      for (const b of pw.Table.fromIPCStream(ipc).recordBatches()) controller.enqueue(b);
    },
  });
  // Not awaited here: the stream asks for its first batch before it resolves.
  const outputReady = pw.transformParquetStream(source, writerProperties(pw, options));
  let bytes = 0;
  const done = (async () => {
    const output = await outputReady;
    for await (const chunk of output as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      if (!file.write(chunk)) await once(file, "drain");
    }
    file.end();
    await once(file, "finish");
  })().catch((error) => {
    failed = error;
    file.destroy();
    throw error;
  });
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const writer: ShardWriter = {
    async write(batch) {
      if (failed) throw failed;
      pending.push(batch);
      notify();
      // Back-pressure: let the writer drain before the caller builds much more.
      while (pending.length > 2 && !failed) await new Promise((resolve) => setImmediate(resolve));
    },
    async close() {
      closed = true;
      notify();
      await done;
      return bytes;
    },
    async abort() {
      closed = true;
      notify();
      await done.catch(() => undefined);
      file.destroy();
      await rm(options.path, { force: true });
    },
  };
  return writer;
};
