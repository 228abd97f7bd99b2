import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { featuresFromYaml, parseCard, setDatasetConfig, stringifyCard } from "@hfkit/cards";
import * as A from "apache-arrow";
import { afterAll, describe, expect, test } from "vitest";
import { datasetConfigFor, datasetInfoFor } from "./card-data.js";
import { arrowTypeKey, featuresToArrowSchema } from "./features/arrow.js";
import { featuresFromHuggingfaceJson, featuresToHuggingfaceJson } from "./features/hf-json.js";
import { toFeatureList } from "./features/model.js";
import { GOLDEN, golden, S3_FEATURES, s3Rows } from "./test-utils/golden.js";
import { hyparquetRead } from "./test-utils/hyparquet.js";
import { writeShards } from "./write-shards.js";

// The golden captures of Python datasets 5.0.1 + pyarrow 25.0.1 (shared/golden/datasets-5.0.1)
// against what hfkit writes for the same features and rows.

const work = mkdtempSync(join(tmpdir(), "hfkit-datasets-golden-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function goldenShards(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(GOLDEN, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".parquet.huggingface-key.json")) out.push(path);
    }
  };
  for (const s of ["s1", "s2", "s3", "s4", "s5", "s6"]) walk(s);
  return out;
}

/** The README of a step with its sizes replaced by ours, to compare everything else byte for byte. */
function cardOf(result: Awaited<ReturnType<typeof writeShards>>, downloadSize: number): string {
  const card = setDatasetConfig(parseCard(""), {
    config: datasetConfigFor({ splits: [result] }),
    info: { ...datasetInfoFor({ splits: [result] }), downloadSize },
  });
  return stringifyCard(card);
}

function downloadSizeOf(readme: string): number {
  return Number(/download_size: (\d+)/.exec(readme)![1]);
}

describe("features against every golden shard", () => {
  const shards = goldenShards();

  test("the captures are there", () => {
    expect(shards.length).toBeGreaterThan(20);
  });

  test.each(shards)("%s: the huggingface JSON round-trips byte for byte", (path) => {
    const text = golden(path);
    expect(featuresToHuggingfaceJson(featuresFromHuggingfaceJson(text))).toBe(text);
  });

  test.each(shards)("%s: the README features YAML describes the same features", (path) => {
    const readme = golden(path.replace(/parquet\/.*$/, "README.md"));
    const card = parseCard(readme);
    const info = card.metadata.dataset_info as Record<string, unknown> | Record<string, unknown>[];
    const config = path.split("/parquet/")[1]!.split("/")[0]!;
    const entry = Array.isArray(info)
      ? info.find((i) => (i.config_name ?? "default") === (config === "data" ? "default" : config))
      : info;
    const fromYaml = featuresFromYaml(entry!.features);
    expect(featuresToHuggingfaceJson(fromYaml)).toBe(golden(path));
  });

  test.each(shards)("%s: the Arrow schema has the types and metadata of ARROW:schema", (path) => {
    const meta = JSON.parse(golden(path.replace(".huggingface-key.json", ".meta.json"))) as {
      key_value_metadata: Record<string, string>;
    };
    const message = Buffer.from(meta.key_value_metadata["ARROW:schema"]!, "base64");
    // A schema message without the end-of-stream marker: add it so Arrow JS reads it as a stream.
    const stream = Buffer.concat([message, Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])]);
    const theirs = A.tableFromIPC(stream).schema;
    const ours = featuresToArrowSchema(featuresFromHuggingfaceJson(golden(path)));
    expect(ours.metadata.get("huggingface")).toBe(theirs.metadata.get("huggingface"));
    expect(ours.fields.map((f) => [f.name, arrowTypeKey(f.type), f.nullable, [...f.metadata]])).toEqual(
      theirs.fields.map((f) => [f.name, arrowTypeKey(f.type), f.nullable, [...f.metadata]]),
    );
    // pa.list_ names the child `item` in features.arrow_schema
    const lists = theirs.fields.filter((f) => f.type.typeId === A.Type.List);
    for (const list of lists) expect((list.type as A.List).children[0]!.name).toBe("item");
  });
});

describe("shards and cards against golden steps", () => {
  test("s1: values read from the golden shard, features inferred, give the same key, num_bytes and card", async () => {
    const { rows } = await hyparquetRead(join(GOLDEN, "s1/push/parquet/data/train-00000-of-00001.parquet"));
    const result = await writeShards({ data: rows, outputDir: join(work, "s1") });
    const readme = golden("s1/push/README.md");
    expect(result.huggingface).toBe(
      golden("s1/push/parquet/data/train-00000-of-00001.parquet.huggingface-key.json"),
    );
    expect(result.numBytes).toBe(208);
    expect(cardOf(result, downloadSizeOf(readme))).toBe(readme);
  });

  test("s3: every feature type gives the same key, num_bytes 1435 and card", async () => {
    const result = await writeShards({ data: s3Rows(), features: S3_FEATURES, outputDir: join(work, "s3") });
    const readme = golden("s3/push/README.md");
    expect(result.huggingface).toBe(
      golden("s3/push/parquet/data/train-00000-of-00001.parquet.huggingface-key.json"),
    );
    expect(result.numBytes).toBe(1435);
    expect(cardOf(result, downloadSizeOf(readme))).toBe(readme);
    const read = await hyparquetRead(result.shards[0]!.localPath);
    expect(read.kv.huggingface).toBe(result.huggingface);
    expect(read.kv["ARROW:schema"]).toBeDefined();
    expect(read.rows.map((r) => r.label)).toEqual([0n, 1n, 2n, 0n, 1n, 2n]);
    expect(read.rows[1]!.list_of_struct).toEqual([{ a: 0, b: "b0" }]);
  });

  test("s5: 30,000 rows of 100 Arrow bytes with maxShardSize 1MB make 4 shards of 7,500 rows", async () => {
    const text = (i: number) => `${i}`.padEnd(80, "x");
    const result = await writeShards({
      data: Array.from({ length: 30_000 }, (_, i) => ({ id: i, x: i / 7, text: text(i) })),
      maxShardSize: "1MB",
      outputDir: join(work, "s5"),
    });
    const readme = golden("s5/1-push-30000-rows-1MB/README.md");
    expect(result.numBytes).toBe(3_000_000);
    expect(result.shards.map((s) => [s.pathInRepo, s.rows])).toEqual(
      [0, 1, 2, 3].map((i) => [`data/train-0000${i}-of-00004.parquet`, 7500]),
    );
    expect(cardOf(result, downloadSizeOf(readme))).toBe(readme);
    const read = await hyparquetRead(result.shards[3]!.localPath);
    expect(read.rowGroups).toEqual([7500]);
    expect(read.rows[0]).toEqual({ id: 22_500n, x: 22_500 / 7, text: text(22_500) });
  });

  test("s5: 1,100,000 int8 rows make row groups of 1,048,576 and 51,424 rows", async () => {
    async function* rows() {
      for (let i = 0; i < 1_100_000; i++) yield { v: (i % 256) - 128 };
    }
    const result = await writeShards({
      data: rows(),
      features: { v: { type: "value", dtype: "int8" } },
      outputDir: join(work, "s5-rg"),
    });
    expect(result.numBytes).toBe(1_100_000);
    const read = await hyparquetRead(result.shards[0]!.localPath);
    expect(read.rowGroups).toEqual([1_048_576, 51_424]);
    expect(cardOf(result, downloadSizeOf(golden("s5/5-rowgroups-1100000-int8-rows/README.md")))).toBe(
      golden("s5/5-rowgroups-1100000-int8-rows/README.md"),
    );
  }, 60_000);

  test("s6: numShards 3 over 10 rows gives shards of 4, 3 and 3 rows; num_bytes 140", async () => {
    const rows = [];
    for (let i = 0; i < 3; i++) {
      rows.push(
        ...(
          await hyparquetRead(join(GOLDEN, `s6/1-num_shards-3/parquet/data/train-0000${i}-of-00003.parquet`))
        ).rows,
      );
    }
    const result = await writeShards({ data: rows, numShards: 3, outputDir: join(work, "s6") });
    const readme = golden("s6/1-num_shards-3/README.md");
    expect(result.shards.map((s) => s.rows)).toEqual([4, 3, 3]);
    expect(result.numBytes).toBe(140);
    expect(cardOf(result, downloadSizeOf(readme))).toBe(readme);
  });

  test("s6: split names 2024, v1.2 and dev_clean are accepted, validation-1 is refused before anything is read", async () => {
    for (const split of ["2024", "v1.2", "dev_clean"]) {
      const result = await writeShards({ data: [{ a: 1 }], split, outputDir: join(work, "s6-splits") });
      expect(result.shards[0]!.pathInRepo).toBe(`data/${split}-00000-of-00001.parquet`);
    }
    await expect(
      writeShards({ data: [{ a: 1 }], split: "validation-1", outputDir: join(work, "s6-bad") }),
    ).rejects.toThrow(
      /split: "validation-1" is not a valid split name; use letters, digits, "_" and "\." only/,
    );
  });

  test("numShards and maxShardSize together are refused, as datasets refuses them", async () => {
    await expect(
      writeShards({ data: [{ a: 1 }], numShards: 2, maxShardSize: "1MB", outputDir: join(work, "both") }),
    ).rejects.toThrow("numShards: give numShards or maxShardSize, not both");
  });

  test("more shards than rows gives empty shards with the schema, as datasets does", async () => {
    const result = await writeShards({
      data: [{ a: 1 }, { a: 2 }],
      numShards: 3,
      outputDir: join(work, "empty"),
    });
    expect(result.shards.map((s) => s.rows)).toEqual([1, 1, 0]);
    const read = await hyparquetRead(result.shards[2]!.localPath);
    expect(read.rows).toEqual([]);
    expect(read.kv.huggingface).toBe(
      featuresToHuggingfaceJson(toFeatureList({ a: { type: "value", dtype: "int64" } })),
    );
  });
});
