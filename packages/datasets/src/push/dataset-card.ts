import {
  CardError,
  type DatasetConfig,
  type DatasetInfo,
  type Features,
  getDatasetConfigs,
  getDatasetInfos,
  parseCard,
  setConfigsEntry,
  setDatasetConfig,
  stringifyCard,
} from "@hfkit/cards";
import { datasetInfoFor } from "../card-data.js";
import { DatasetError, inputError } from "../errors.js";
import { featuresToHuggingfaceJson, type Json, pythonJsonDumps } from "../features/hf-json.js";
import type { WriteShardsResult } from "../types.js";

/** What one push changes in README.md. */
export interface CardChange {
  /** The card at the parent commit, or undefined when the repo has none. */
  readme: string | undefined;
  configName: string;
  dataDir: string;
  splits: readonly WriteShardsResult[];
  /**
   * True for the multi-split form (`DatasetDict.push_to_hub`): the config's `data_files` and
   * `dataset_info` become exactly the pushed splits. False for one split (`Dataset.push_to_hub`):
   * the split is added to (or replaced in) what the config already has.
   */
  replaceSplits: boolean;
  setDefault: boolean;
  /**
   * Splits of `data/{split}-NNNNN-of-NNNNN*.parquet` files in the repo (pushed by datasets before
   * cards had `configs`); only read when the card has no `configs`.
   */
  legacySplits?: readonly string[];
  /** Per pushed split: total size of its `{dataDir}/{split}-*` files at the parent commit. */
  replacedBytes: Readonly<Record<string, number>>;
}

/** `sanitize_patterns` of datasets (data_files.py): split → its globs. */
function splitPatterns(dataFiles: DatasetConfig["dataFiles"]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (dataFiles === undefined) return out;
  if (typeof dataFiles === "string") return out.set("train", [dataFiles]);
  for (const entry of dataFiles as readonly (
    | string
    | { split: string; path: string | readonly string[] }
  )[]) {
    if (typeof entry === "string") out.set("train", [...(out.get("train") ?? []), entry]);
    else out.set(String(entry.split), typeof entry.path === "string" ? [entry.path] : [...entry.path]);
  }
  return out;
}

function sameFeatures(a: Features, b: Features): boolean {
  return featuresToHuggingfaceJson([...a]) === featuresToHuggingfaceJson([...b]);
}

/** The `dataset_info` entry after pushing splits onto a config the card already describes. */
function mergedInfo(old: ReturnType<typeof getDatasetInfos>[number], change: CardChange): DatasetInfo {
  let splits = [...(old.splits ?? [])];
  let downloadSize = old.downloadSize ?? 0;
  let datasetSize = old.datasetSize ?? 0;
  for (const split of change.splits) {
    if (
      old.features &&
      splits.some((s) => s.name !== split.split) &&
      !sameFeatures(old.features, split.features)
    ) {
      // datasets raises the same ValueError (arrow_dataset.py `_get_updated_dataset_card`).
      throw inputError(
        "features",
        `split "${split.split}" has other features than the config "${change.configName}" already on the Hub (${splits
          .map((s) => s.name)
          .join(", ")}); push the same columns and types, or push every split together`,
      );
    }
    const previous = splits.find((s) => s.name === split.split);
    if (previous) {
      downloadSize -= change.replacedBytes[split.split] ?? 0;
      datasetSize -= previous.numBytes;
    }
    downloadSize += split.downloadSize;
    datasetSize += split.numBytes;
    // The split moves to the end, as datasets pops and re-adds it.
    splits = [...splits.filter((s) => s.name !== split.split), split.splitInfo];
  }
  return {
    configName: change.configName,
    // datasets ≥ 4.8 keeps the old features here; when they differ only the pushed splits had
    // them, so the new ones are what the files hold (datasets-format.md §4.3 recommends this).
    features: change.splits[0]!.features,
    splits,
    downloadSize,
    datasetSize,
  };
}

/**
 * README.md after a push, as `datasets` 5.0 writes it (arrow_dataset.py
 * `_get_updated_dataset_card`): the pushed config's `configs` entry replaced, its
 * `dataset_info` merged or rebuilt, every other key, comment and the prose kept byte for byte.
 */
export function updatedDatasetCard(change: CardChange): string {
  return updatedDatasetCardAndInfo(change).readme;
}

/** {@link updatedDatasetCard}, with the config's `dataset_info` and whether it merged an old one. */
export function updatedDatasetCardAndInfo(change: CardChange): {
  readme: string;
  info: DatasetInfo;
  merged: boolean;
} {
  let card = parseCard(change.readme ?? "");
  const configs = getDatasetConfigs(card);
  const old = getDatasetInfos(card).find((i) => i.configName === change.configName);
  const info =
    old && !change.replaceSplits
      ? mergedInfo(old, change)
      : datasetInfoFor({ configName: change.configName, splits: change.splits });
  const oldConfig = configs.find((c) => c.configName === change.configName);
  const patterns = change.replaceSplits ? new Map<string, string[]>() : splitPatterns(oldConfig?.dataFiles);
  for (const split of change.splits) patterns.set(split.split, [`${change.dataDir}/${split.split}-*`]);
  // Any other key of the old entry goes, `default` included unless set again: datasets builds the
  // entry afresh (the quirk is in datasets-format.md §4.2).
  const config: DatasetConfig = {
    configName: change.configName,
    dataFiles: [...patterns].map(([split, paths]) => ({
      split,
      path: paths.length === 1 ? paths[0]! : paths,
    })),
    ...(change.setDefault && change.configName !== "default" ? { default: true } : {}),
  };
  try {
    if (configs.length === 0 && change.legacySplits?.length) {
      // datasets first describes such a repo's files as a `default` config (written before
      // `dataset_info`), then merges the push in (arrow_dataset.py `_get_updated_dataset_card`).
      card = setConfigsEntry(card, {
        configName: "default",
        dataFiles: change.legacySplits.map((split) => ({ split, path: `data/${split}-*` })),
      });
    }
    card = setDatasetConfig(card, { config, info });
  } catch (error) {
    if (error instanceof CardError) {
      throw new DatasetError(
        "INVALID_INPUT",
        `${change.setDefault ? "setDefault" : "README.md"}: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  }
  return { readme: stringifyCard(card), info, merged: old !== undefined && !change.replaceSplits };
}

/**
 * The legacy `dataset_infos.json` after a push, or undefined when it stays as it is: `datasets`
 * rewrites it only when it already holds an entry for the pushed config, replacing that entry
 * with the config's info as `asdict(DatasetInfo)` and dumping the whole file with `json.dumps`
 * (arrow_dataset.py `_get_updated_dataset_card`, datasets 5.0.1).
 */
export function updatedLegacyInfos(
  legacy: string | undefined,
  configName: string,
  card: { info: DatasetInfo; merged: boolean },
): string | undefined {
  if (legacy === undefined) return undefined;
  let infos: unknown;
  try {
    infos = JSON.parse(legacy);
  } catch {
    return undefined; // datasets would fail on it; a push should not be stopped by a legacy file
  }
  if (typeof infos !== "object" || infos === null || Array.isArray(infos)) return undefined;
  const entries = infos as Record<string, Json>;
  if (!entries[configName]) return undefined;
  const { info } = card;
  const downloadSize = info.downloadSize ?? 0;
  const datasetSize = info.datasetSize ?? 0;
  const features = info.features
    ? (JSON.parse(featuresToHuggingfaceJson([...info.features])) as { info: { features: Json } }).info
        .features
    : null;
  entries[configName] = {
    // asdict keeps these four even at their default ("")
    description: "",
    citation: "",
    homepage: "",
    license: "",
    features,
    config_name: configName,
    splits: Object.fromEntries(
      (info.splits ?? []).map((s) => [
        s.name,
        { name: s.name, num_bytes: s.numBytes, num_examples: s.numExamples, dataset_name: null },
      ]),
    ),
    download_size: downloadSize,
    dataset_size: datasetSize,
    // set only when an existing info was updated
    ...(card.merged ? { size_in_bytes: downloadSize + datasetSize } : {}),
  };
  return pythonJsonDumps(entries);
}
