import type { DatasetConfig, DatasetInfo } from "@hfkit/cards";
import { inputError } from "./errors.js";
import { featuresToHuggingfaceJson } from "./features/hf-json.js";
import type { WriteShardsResult } from "./types.js";

/**
 * The card's `dataset_info` entry for a config, from the splits written for it, as
 * `datasets` writes it (info.py `_to_yaml_dict`; golden README.md files): features, each
 * split's `num_bytes` (Arrow size) and `num_examples`, `download_size` (sum of the shard
 * files) and `dataset_size` (sum of `num_bytes`). Pass it to @hfkit/cards' `setDatasetConfig`.
 */
export function datasetInfoFor(options: {
  configName?: string;
  splits: readonly WriteShardsResult[];
}): DatasetInfo {
  const { splits } = options;
  if (splits.length === 0) throw inputError("splits", "give at least one written split");
  const first = featuresToHuggingfaceJson(splits[0]!.features);
  for (const split of splits) {
    if (featuresToHuggingfaceJson(split.features) !== first) {
      // datasets refuses the same way: every split of a config shares one set of features.
      throw inputError(
        "splits",
        `split "${split.split}" has other features than "${splits[0]!.split}"; a config's splits must share features`,
      );
    }
  }
  return {
    configName: options.configName ?? "default",
    features: splits[0]!.features,
    splits: splits.map((s) => s.splitInfo),
    downloadSize: splits.reduce((sum, s) => sum + s.downloadSize, 0),
    datasetSize: splits.reduce((sum, s) => sum + s.numBytes, 0),
  };
}

/** The card's `configs` entry: one `{split, path: "{dataDir}/{split}-*"}` per split, as `datasets` writes it. */
export function datasetConfigFor(options: {
  configName?: string;
  splits: readonly Pick<WriteShardsResult, "split" | "dataDir">[];
  default?: boolean;
}): DatasetConfig {
  return {
    configName: options.configName ?? "default",
    dataFiles: options.splits.map((s) => ({ split: s.split, path: `${s.dataDir}/${s.split}-*` })),
    ...(options.default ? { default: true } : {}),
  };
}
