import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { getDatasetConfigs, parseCard } from "@hfkit/cards";
import { formatRepoId, type HubClient } from "@hfkit/http";
import { snapshotDownload } from "@hfkit/repo";
import type { Row } from "../encode/batch.js";
import { DatasetError } from "../errors.js";
import { readDataset, readDatasetLayout } from "../read/read-dataset.js";
import { datasetRepo } from "./commit-push.js";
import type { CommitDatasetPushOptions } from "./types.js";

export interface LoadDatasetOptions {
  repo: CommitDatasetPushOptions["repo"];
  /** Config name; default: the card's default config (the only one, `default`, or the one flagged `default: true`). */
  config?: string;
  /** Split; default `"train"`, or the config's first split. */
  split?: string;
  /** Branch, tag or commit; default `main`. */
  revision?: string;
  /** Hub cache folder; default the client's (`HF_HUB_CACHE`). */
  cacheDir?: string;
  signal?: AbortSignal;
}

/**
 * Reads one split of a Hub dataset that `push_to_hub` (or `pushDataset`) wrote: resolves the
 * card's `configs`, downloads the split's shards through the shared cache, and yields its rows
 * in order, decoded with the card's features — a TypeScript `load_dataset` for these files.
 *
 * @example
 * for await (const row of loadDataset(hub, { repo: "datasets/me/reviews", split: "test" })) console.log(row);
 */
export async function* loadDataset(client: HubClient, options: LoadDatasetOptions): AsyncGenerator<Row> {
  const repo = datasetRepo(options.repo);
  const common = {
    repo,
    ...(options.revision !== undefined ? { revision: options.revision } : {}),
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  // The card first (pinned to one commit), then only the files of the chosen split.
  const card = await snapshotDownload(client, { ...common, include: ["README.md"] });
  const text = await readFile(join(card.path, "README.md"), "utf8").catch(() => "");
  const configs = getDatasetConfigs(parseCard(text));
  const layout = await readDatasetLayout(card.path);
  const config = options.config
    ? layout.configs.find((c) => c.configName === options.config)
    : (layout.configs.find((c) => c.default) ?? layout.configs[0]);
  if (options.config && !config) {
    throw new DatasetError(
      "INVALID_INPUT",
      `config: "${options.config}" is not in ${formatRepoId(repo)} (it has ${layout.configs.map((c) => c.configName).join(", ") || "no configs"})`,
    );
  }
  const entry = configs.find((c) => c.configName === config?.configName);
  const dataFiles = entry?.dataFiles;
  const patterns: string[] =
    dataFiles === undefined
      ? ["data/*"]
      : typeof dataFiles === "string"
        ? [dataFiles]
        : (dataFiles as readonly (string | { split: string; path: string | readonly string[] })[]).flatMap(
            (item) =>
              typeof item === "string"
                ? [item]
                : options.split === undefined || item.split === options.split
                  ? typeof item.path === "string"
                    ? [item.path]
                    : [...item.path]
                  : [],
          );
  const snapshot = await snapshotDownload(client, {
    ...common,
    revision: card.commit ?? options.revision ?? "main",
    include: ["README.md", ...patterns],
  });
  yield* readDataset(snapshot.path, {
    ...(config ? { config: config.configName } : {}),
    ...(options.split !== undefined ? { split: options.split } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
