import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import type { Feature } from "@hfkit/cards";
import * as A from "apache-arrow";
import { containsMedia } from "../features/model.js";
import { VERSION } from "../version.js";
import type { ShardWriter, ShardWriterBackend, ShardWriterOptions } from "./shard-writer.js";

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

// pyarrow writes list leaves as `list`/`element` (the Parquet spec's names; golden
// parquet-schema.txt) and reads them back as `list<element: …>`. arrow-rs names the leaf after
// the Arrow child, so the batches are handed over with children renamed `element` (same
// buffers; `featuresToArrowSchema` keeps `item`, as `features.arrow_schema` in Python).
//
// Parquet has no date64, seconds timestamps or seconds times: pyarrow stores them as DATE
// (days), TIMESTAMP(MILLIS) and TIME(MILLIS) and reads them back as date32, timestamp[ms] and
// time32[ms]. The same conversion here makes pyarrow read hfkit's shards as it reads its own.
function elementNames(type: A.DataType): A.DataType {
  const children = (type.children ?? []) as A.Field[];
  const field = (f: A.Field, name = f.name) =>
    new A.Field(name, elementNames(f.type), f.nullable, f.metadata);
  if (type.typeId === A.Type.Date && (type as A.Date_).unit === A.DateUnit.MILLISECOND)
    return new A.DateDay();
  if (type.typeId === A.Type.Timestamp && (type as A.Timestamp).unit === A.TimeUnit.SECOND) {
    return new A.Timestamp(A.TimeUnit.MILLISECOND, (type as A.Timestamp).timezone);
  }
  if (type.typeId === A.Type.Time && (type as A.Time).unit === A.TimeUnit.SECOND)
    return new A.TimeMillisecond();
  switch (type.typeId) {
    case A.Type.List:
      return new A.List(field(children[0]!, "element"));
    case A.Type.LargeList:
      return new A.LargeList(field(children[0]!, "element"));
    case A.Type.FixedSizeList:
      return new A.FixedSizeList((type as A.FixedSizeList).listSize, field(children[0]!, "element"));
    case A.Type.Struct:
      return new A.Struct(children.map((c) => field(c)));
    default:
      return type;
  }
}

function convertValues(data: A.Data, type: A.DataType): A.Data {
  const values = data.values as unknown as ArrayLike<number | bigint>;
  const n = data.length;
  let converted: Int32Array | BigInt64Array;
  if (type.typeId === A.Type.Date) {
    converted = new Int32Array(n);
    for (let i = 0; i < n; i++) converted[i] = Math.floor(Number(values[i]) / 86_400_000);
  } else if (type.typeId === A.Type.Timestamp) {
    converted = new BigInt64Array(n);
    for (let i = 0; i < n; i++) converted[i] = BigInt(values[i]!) * 1000n;
  } else {
    converted = new Int32Array(n);
    for (let i = 0; i < n; i++) converted[i] = Number(values[i]) * 1000;
  }
  return A.makeData({
    type: type as A.DateDay,
    length: n,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap,
    offset: data.offset,
    data: converted as Int32Array,
  } as never);
}

function retype(data: A.Data, type: A.DataType): A.Data {
  if (type === data.type) return data;
  if (
    type.typeId !== data.type.typeId ||
    (type.typeId === A.Type.Timestamp && (type as A.Timestamp).unit !== (data.type as A.Timestamp).unit) ||
    (type.typeId === A.Type.Time && (type as A.Time).unit !== (data.type as A.Time).unit) ||
    (type.typeId === A.Type.Date && (type as A.Date_).unit !== (data.type as A.Date_).unit)
  ) {
    return convertValues(data, type);
  }
  const childTypes = ((type.children ?? []) as A.Field[]).map((f) => f.type);
  const children = data.children.map((c, i) => retype(c, childTypes[i]!));
  return new A.Data(type, data.offset, data.length, data.nullCount, data.buffers as never, children);
}

function pyarrowLayout(schema: A.Schema): {
  schema: A.Schema;
  convert: (batch: A.RecordBatch) => A.RecordBatch;
} {
  const fields = schema.fields.map((f) => new A.Field(f.name, elementNames(f.type), f.nullable, f.metadata));
  const renamed = new A.Schema(fields, schema.metadata);
  const struct = new A.Struct(fields);
  return {
    schema: renamed,
    convert: (batch) => new A.RecordBatch(renamed, retype(batch.data, struct) as A.Data<A.Struct>),
  };
}

/** Writes shards with parquet-wasm (arrow-rs), fed the spilled Arrow IPC batches as they are. */
export const parquetWasmWriter: ShardWriterBackend = {
  layout: (schema) => pyarrowLayout(schema).convert,
  async open(options) {
    const pw = await loadParquetWasm();
    const file = createWriteStream(options.path, { highWaterMark: 1 << 20 });
    const pending: { ipc: Uint8Array; offset: number; length: number }[] = [];
    let wake: (() => void) | undefined;
    let drained: (() => void) | undefined;
    let closed = false;
    let failed: unknown;
    const source = new ReadableStream({
      async pull(controller) {
        while (pending.length === 0 && !closed) await new Promise<void>((resolve) => (wake = resolve));
        const next = pending.shift();
        const resume = drained;
        drained = undefined;
        resume?.();
        if (!next) {
          controller.close();
          return;
        }
        for (const batch of pw.Table.fromIPCStream(next.ipc).recordBatches()) {
          controller.enqueue(
            next.offset === 0 && next.length === batch.numRows
              ? batch
              : batch.slice(next.offset, next.length),
          );
        }
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
      const resume = drained;
      drained = undefined;
      resume?.();
      throw error;
    });
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const writer: ShardWriter = {
      async write(ipc, offset, length) {
        if (failed) throw failed;
        pending.push({ ipc, offset, length });
        notify();
        // Back-pressure: at most two batches wait for the encoder.
        while (pending.length > 2 && !failed) await new Promise<void>((resolve) => (drained = resolve));
        if (failed) throw failed;
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
  },
};
