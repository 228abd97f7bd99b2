import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { getDatasetConfigs, getDatasetInfos, type NamedFeature, parseCard } from "@hfkit/cards";
import type { Row } from "../encode/batch.js";
import { DatasetError } from "../errors.js";
import { readParquetRows } from "./read-parquet.js";

export interface DatasetLayout {
  configs: {
    configName: string;
    default: boolean;
    features: NamedFeature[] | undefined;
    splits: { split: string; files: string[]; numExamples: number | undefined }[];
  }[];
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return (
    entries
      // A hub cache snapshot holds symbolic links into its blobs folder.
      .filter((e) => e.isFile() || e.isSymbolicLink())
      .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
      .sort()
  );
}

/** A `data_files` glob as a RegExp over repo paths (`*` stays within a folder, `**` crosses folders). */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        re += ".*";
        i++;
        if (glob[i + 1] === "/") i++;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/**
 * The configs and splits of a dataset folder laid out as `push_to_hub` writes it (README.md
 * `configs` and `dataset_info`), or, without a card, `data/{split}-*.parquet`.
 */
export async function readDatasetLayout(dir: string): Promise<DatasetLayout> {
  const files = (await listFiles(dir)).filter((f) => f.endsWith(".parquet"));
  let text: string | undefined;
  try {
    text = await readFile(join(dir, "README.md"), "utf8");
  } catch {
    text = undefined;
  }
  return datasetLayoutFromFiles(files, text);
}

/**
 * The configs and splits of a dataset from its file list and README.md text, without reading
 * any file: each config of the card's `configs` with the files its `data_files` globs match,
 * or, without `configs`, the `data/{split}-NNNNN-of-NNNNN.parquet` shards `push_to_hub` writes.
 * What {@link readDatasetLayout} does for a folder, for a repo listing (`listFiles`) too.
 *
 * @example
 * const layout = datasetLayoutFromFiles(["data/train-00000-of-00001.parquet"], undefined);
 * layout.configs[0]?.splits.map((s) => s.split); // ["train"]
 */
export function datasetLayoutFromFiles(
  files: readonly string[],
  cardText: string | undefined,
): DatasetLayout {
  const card = cardText === undefined ? undefined : parseCard(cardText);
  const configs = card ? getDatasetConfigs(card) : [];
  const infos = card ? getDatasetInfos(card) : [];
  if (configs.length === 0) {
    const splits = new Map<string, string[]>();
    for (const file of files) {
      const m = /^data\/(\w+(?:\.\w+)*)-\d{5}-of-\d{5}\.parquet$/.exec(file);
      if (m) splits.set(m[1]!, [...(splits.get(m[1]!) ?? []), file]);
    }
    const info = infos.find((i) => i.configName === "default");
    return {
      configs: [
        {
          configName: "default",
          default: true,
          features: info?.features ? [...info.features] : undefined,
          splits: [...splits].map(([split, list]) => ({
            split,
            files: list,
            numExamples: info?.splits?.find((s) => s.name === split)?.numExamples,
          })),
        },
      ],
    };
  }
  const defaultName =
    configs.length === 1
      ? configs[0]!.configName
      : (configs.find((c) => c.configName === "default") ?? configs.find((c) => c.default))?.configName;
  return {
    configs: configs.map((config) => {
      const info = infos.find((i) => i.configName === config.configName);
      const dataFiles = config.dataFiles;
      const entries =
        typeof dataFiles === "string" || dataFiles === undefined
          ? [{ split: "train", path: dataFiles ?? "**" }]
          : (dataFiles as readonly ({ split: string; path: string | readonly string[] } | string)[]).map(
              (entry) => (typeof entry === "string" ? { split: "train", path: entry } : entry),
            );
      return {
        configName: config.configName,
        default: config.configName === defaultName,
        features: info?.features ? [...info.features] : undefined,
        splits: entries.map(({ split, path }) => {
          const patterns = (typeof path === "string" ? [path] : [...path]).map(globToRegExp);
          return {
            split,
            files: files.filter((f) => patterns.some((p) => p.test(f))),
            numExamples: info?.splits?.find((s) => s.name === split)?.numExamples,
          };
        }),
      };
    }),
  };
}

export interface ReadDatasetOptions {
  /** Config name; default: the card's default config. */
  config?: string;
  /** Split name; default `"train"`, or the config's first split. */
  split?: string;
  signal?: AbortSignal;
}

/**
 * The rows of one split of a local dataset folder (what `writeShards` and `push_to_hub` lay
 * out), in shard order, decoded with the card's features.
 */
export async function* readDataset(dir: string, options: ReadDatasetOptions = {}): AsyncGenerator<Row> {
  const layout = await readDatasetLayout(dir);
  const config = options.config
    ? layout.configs.find((c) => c.configName === options.config)
    : (layout.configs.find((c) => c.default) ?? layout.configs[0]);
  if (!config) {
    throw new DatasetError(
      "INVALID_INPUT",
      `config: "${options.config}" is not in ${dir} (it has ${layout.configs.map((c) => c.configName).join(", ")})`,
    );
  }
  const split = options.split
    ? config.splits.find((s) => s.split === options.split)
    : (config.splits.find((s) => s.split === "train") ?? config.splits[0]);
  if (!split) {
    throw new DatasetError(
      "INVALID_INPUT",
      `split: "${options.split}" is not in config "${config.configName}" (it has ${config.splits.map((s) => s.split).join(", ")})`,
    );
  }
  for (const file of split.files) {
    yield* readParquetRows(join(dir, file), {
      ...(config.features ? { features: config.features } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
}
