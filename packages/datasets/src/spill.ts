import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as A from "apache-arrow";

// A stream's size is unknown until it ends, yet `datasets` picks the shard count from the
// whole split's Arrow size and cuts shards at equal row counts. So the first pass writes the
// encoded batches to a temporary Arrow IPC stream file (sequential, no Parquet work), and
// the second reads them back once to cut the shards. Memory stays at one batch; disk holds
// the split's Arrow bytes until the shards are written.

/** A temporary directory, removed by `dispose`. */
export async function makeTempDir(parent?: string): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(parent ?? tmpdir(), "hfkit-datasets-"));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export class SpillFile {
  private readonly out: WriteStream;
  private readonly writer: A.RecordBatchStreamWriter;
  private readonly pump: Promise<void>;

  constructor(
    readonly path: string,
    schema: A.Schema,
  ) {
    const out = createWriteStream(path, { highWaterMark: 1 << 20 });
    this.out = out;
    this.writer = new A.RecordBatchStreamWriter();
    this.writer.reset(undefined, schema);
    const writer = this.writer;
    this.pump = (async () => {
      for await (const chunk of writer as AsyncIterable<Uint8Array>) {
        if (!out.write(chunk)) await once(out, "drain");
      }
      out.end();
      await once(out, "finish");
    })();
    this.pump.catch(() => undefined);
  }

  async write(batch: A.RecordBatch): Promise<void> {
    this.writer.write(batch);
    // Let the pump catch up so unwritten batches never pile up in memory.
    while (this.out.writableLength > 8 << 20) await once(this.out, "drain");
    await new Promise((resolve) => setImmediate(resolve));
  }

  async close(): Promise<void> {
    this.writer.finish();
    this.writer.close();
    await this.pump;
  }

  /** The batches back, in order. */
  async *read(): AsyncGenerator<A.RecordBatch> {
    const reader = await A.RecordBatchReader.from(createReadStream(this.path, { highWaterMark: 1 << 20 }));
    for await (const batch of reader as AsyncIterable<A.RecordBatch>) yield batch;
  }
}
