import type { NamedFeature } from "@hfkit/cards";
import { describe, expect, test } from "vitest";
import type { WriteShardsResult } from "../types.js";
import { updatedDatasetCard } from "./dataset-card.js";

const features: NamedFeature[] = [{ name: "text", feature: { type: "value", dtype: "string" } }];

function split(name: string, rows: number, dataDir = "data"): WriteShardsResult {
  return {
    split: name,
    dataDir,
    features,
    shards: [],
    numExamples: rows,
    numBytes: rows * 10,
    downloadSize: 1000 + rows,
    splitInfo: { name, numBytes: rows * 10, numExamples: rows },
    rowGroupRows: rows,
    huggingface: "{}",
  };
}

const HAND_EDITED = `---
license: mit # chosen by legal
language:
- fr
dataset_info:
  features:
  - name: text
    dtype: string
  splits:
  - name: train
    num_bytes: 50
    num_examples: 5
  - name: test
    num_bytes: 20
    num_examples: 2
  download_size: 2100
  dataset_size: 70
configs:
- config_name: default
  data_files:
  - split: train
    path: data/train-*
  - split: test
    path: data/test-*
---

# My dataset

Written by hand. Keep me.
`;

describe("README.md after a push", () => {
  test("a re-push of one split keeps the prose, comments and other keys, and swaps the split's sizes", () => {
    const next = updatedDatasetCard({
      readme: HAND_EDITED,
      configName: "default",
      dataDir: "data",
      splits: [split("train", 3)],
      replaceSplits: false,
      setDefault: false,
      replacedBytes: { train: 1100 },
    });
    expect(next).toContain("license: mit # chosen by legal\nlanguage:\n- fr\n");
    expect(next.endsWith("---\n\n# My dataset\n\nWritten by hand. Keep me.\n")).toBe(true);
    // test stays first; train moves to the end, as datasets pops and re-adds it
    expect(next).toContain(
      "  splits:\n  - name: test\n    num_bytes: 20\n    num_examples: 2\n  - name: train\n    num_bytes: 30\n    num_examples: 3\n",
    );
    // 2100 - 1100 (old train files) + 1003 (new); 70 - 50 + 30
    expect(next).toContain("  download_size: 2003\n  dataset_size: 50\n");
    expect(next).toContain(
      "  - split: train\n    path: data/train-*\n  - split: test\n    path: data/test-*\n",
    );
  });

  test("a second config turns dataset_info into a sorted list without touching the first entry's values", () => {
    const next = updatedDatasetCard({
      readme: HAND_EDITED,
      configName: "fr",
      dataDir: "fr",
      splits: [split("train", 4, "fr")],
      replaceSplits: false,
      setDefault: false,
      replacedBytes: {},
    });
    expect(next).toContain(
      "dataset_info:\n- config_name: default\n  features:\n  - name: text\n    dtype: string\n  splits:\n  - name: train\n    num_bytes: 50\n",
    );
    expect(next).toContain("  download_size: 2100\n  dataset_size: 70\n- config_name: fr\n");
    expect(next).toContain("- config_name: fr\n  features:");
    expect(next).toMatch(
      /- config_name: fr\n {2}data_files:\n {2}- split: train\n {4}path: fr\/train-\*\n---/,
    );
    expect(next.endsWith("Written by hand. Keep me.\n")).toBe(true);
  });

  test("features other than the config's existing splits' are refused, naming the fix", () => {
    const other = {
      ...split("validation", 2),
      features: [{ name: "n", feature: { type: "value", dtype: "int64" } }],
    };
    expect(() =>
      updatedDatasetCard({
        readme: HAND_EDITED,
        configName: "default",
        dataDir: "data",
        splits: [other as WriteShardsResult],
        replaceSplits: false,
        setDefault: false,
        replacedBytes: {},
      }),
    ).toThrow(
      /features: split "validation" has other features than the config "default".*push the same columns/,
    );
  });

  test("a new repo gets exactly front matter, dataset_info first", () => {
    const next = updatedDatasetCard({
      readme: undefined,
      configName: "default",
      dataDir: "data",
      splits: [split("train", 1)],
      replaceSplits: true,
      setDefault: false,
      replacedBytes: {},
    });
    expect(next).toMatch(/^---\ndataset_info:\n {2}features:/);
    expect(next.endsWith("    path: data/train-*\n---\n")).toBe(true);
  });
});
