import { subscribe, unsubscribe } from "node:diagnostics_channel";
import {
  cpSync,
  createReadStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { parseCard, setDatasetConfig, stringifyCard } from "@hfkit/cards";
import { afterAll, describe, expect, test } from "vitest";
import { datasetConfigFor, datasetInfoFor } from "./card-data.js";
import type { Row } from "./encode/batch.js";
import { DATASETS_CHANNELS } from "./events.js";
import { ClassLabel, Image, Json, Value } from "./features/model.js";
import { readDataset, readDatasetLayout } from "./read/read-dataset.js";
import { readParquetRows } from "./read/read-parquet.js";
import { GOLDEN } from "./test-utils/golden.js";
import type { DatasetProgressEvent, WriteShardsResult } from "./types.js";
import { writeShards, writeShardsIter } from "./write-shards.js";

const work = mkdtempSync(join(tmpdir(), "hfkit-datasets-read-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function all(rows: AsyncIterable<Row>): Promise<Row[]> {
  const out: Row[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe("readParquetRows", () => {
  test("typed rows in order from a file or a stream: ClassLabel index, Image {bytes, path}, Dates, decimals, JSON", async () => {
    const image = join(GOLDEN, "s4/media-inputs/img0.png");
    const result = await writeShards({
      data: [
        { label: "pos", image, when: "2024-05-06T07:08:09.123Z", price: "12.50", meta: { a: [1, 2] } },
        { label: null, image: null, when: null, price: null, meta: null },
      ],
      features: {
        label: ClassLabel({ names: ["neg", "pos"] }),
        image: Image(),
        when: Value("timestamp[ms, tz=UTC]"),
        price: Value("decimal128(6, 2)"),
        meta: Json(),
      },
      outputDir: join(work, "typed"),
    });
    const path = result.shards[0]!.localPath;
    let features: unknown;
    const fromFile = await all(readParquetRows(path, { onFeatures: (f) => (features = f) }));
    const fromStream = await all(
      readParquetRows(Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>),
    );
    expect(fromStream).toEqual(fromFile);
    expect(features).toEqual(result.features);
    const [first, second] = fromFile;
    expect(first).toMatchObject({
      label: 1,
      when: new Date("2024-05-06T07:08:09.123Z"),
      price: "12.50",
      meta: { a: [1, 2] },
    });
    expect((first!.image as { path: string }).path).toBe("img0.png");
    expect((first!.image as { bytes: Uint8Array }).bytes.subarray(1, 4)).toEqual(
      new TextEncoder().encode("PNG"),
    );
    expect(second).toEqual({ label: null, image: null, when: null, price: null, meta: null });
  });
});

describe("readDataset", () => {
  test("reads the split named in README.md configs, shards in order, with the card's features", async () => {
    const dir = join(work, "repo");
    const train = await writeShards({
      data: Array.from({ length: 7 }, (_, i) => ({ text: `t${i}`, label: i % 2 })),
      features: { text: Value("string"), label: ClassLabel({ names: ["a", "b"] }) },
      numShards: 3,
      dataDir: "en",
      outputDir: dir,
    });
    const test_ = await writeShards({
      data: [{ text: "x", label: 1 }],
      features: train.features,
      split: "test",
      dataDir: "en",
      outputDir: dir,
    });
    const card = setDatasetConfig(parseCard(""), {
      config: datasetConfigFor({ configName: "en", splits: [train, test_] }),
      info: datasetInfoFor({ configName: "en", splits: [train, test_] }),
    });
    writeFileSync(join(dir, "README.md"), stringifyCard(card));
    const layout = await readDatasetLayout(dir);
    expect(layout.configs[0]!.splits.map((s) => [s.split, s.files.length, s.numExamples])).toEqual([
      ["train", 3, 7],
      ["test", 1, 1],
    ]);
    expect((await all(readDataset(dir))).map((r) => r.text)).toEqual([
      "t0",
      "t1",
      "t2",
      "t3",
      "t4",
      "t5",
      "t6",
    ]);
    expect(await all(readDataset(dir, { config: "en", split: "test" }))).toEqual([{ text: "x", label: 1 }]);
    await expect(all(readDataset(dir, { split: "validation" }))).rejects.toThrow(
      'split: "validation" is not in config "en" (it has train, test)',
    );
  });

  test("a repo Python datasets pushed (golden s2, two configs) reads back with its card's features", async () => {
    const step = join(GOLDEN, "s2/2-config-labels");
    const dir = join(work, "golden-s2");
    cpSync(join(step, "parquet"), dir, { recursive: true, filter: (src) => !/\.(json|txt)$/.test(src) });
    cpSync(join(step, "README.md"), join(dir, "README.md"));
    const layout = await readDatasetLayout(dir);
    expect(layout.configs.map((c) => [c.configName, c.default, c.splits.map((s) => s.split)])).toEqual([
      ["default", true, ["train", "test"]],
      ["labels", false, ["train"]],
    ]);
    const labels = await all(readDataset(dir, { config: "labels" }));
    expect(labels).toHaveLength(5);
    expect(layout.configs[1]!.features![0]!.feature).toEqual({
      type: "classLabel",
      names: ["neg", "neu", "pos"],
    });
    expect(labels.every((r) => typeof r.label === "number" && typeof r.name === "string")).toBe(true);
    expect(await all(readDataset(dir, { split: "test" }))).toHaveLength(5);
  });
});

describe("progress events", () => {
  test("rows, the plan and each shard are reported in order, and published on the diagnostics channel", async () => {
    const published: unknown[] = [];
    const listener = (message: unknown) => published.push(message);
    subscribe(DATASETS_CHANNELS.event, listener);
    const events: DatasetProgressEvent[] = [];
    const run = writeShardsIter({
      data: Array.from({ length: 20_000 }, (_, i) => ({ i })),
      numShards: 2,
      outputDir: join(work, "events"),
    });
    let result: WriteShardsResult | undefined;
    for (;;) {
      const step = await run.next();
      if (step.done) {
        result = step.value;
        break;
      }
      events.push(step.value);
    }
    unsubscribe(DATASETS_CHANNELS.event, listener);
    const kinds = events.map((e) => e.type).filter((t, i, a) => t !== a[i - 1]);
    expect(kinds.slice(0, 2)).toEqual(["rows-progress", "shards-planned"]);
    expect(
      events.filter((e) => e.type === "shard-written").map((e) => e.type === "shard-written" && e.shard.rows),
    ).toEqual([10_000, 10_000]);
    expect(events.find((e) => e.type === "shards-planned")).toMatchObject({
      numShards: 2,
      numRows: 20_000,
      numBytes: 160_000,
    });
    expect(result?.shards).toHaveLength(2);
    expect(published.length).toBeGreaterThanOrEqual(events.length);
    expect(published[0]).toMatchObject({ split: "train", event: { type: "rows-progress" } });
  });

  test("breaking out stops the work and leaves no temporary file and no partial shard", async () => {
    const temp = join(work, "tmp-break");
    rmSync(temp, { recursive: true, force: true });
    writeFileSync(join(work, "marker"), "");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(temp);
    async function* endless() {
      for (let i = 0; ; i++) yield { i };
    }
    for await (const event of writeShardsIter({
      data: endless(),
      outputDir: join(work, "break"),
      tempDir: temp,
    })) {
      if (event.type === "rows-progress" && event.rows >= 50_000) break;
    }
    expect(readdirSync(temp)).toEqual([]);
    const data = join(work, "break", "data");
    expect(existsSync(data) ? readdirSync(data) : []).toEqual([]);
  });
});
