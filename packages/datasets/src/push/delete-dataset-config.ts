import {
  getDatasetConfigs,
  parseCard,
  removeDatasetConfig,
  removeMetadata,
  stringifyCard,
} from "@hfkit/cards";
import { type CommitResult, commit } from "@hfkit/commit";
import { type HubClient, NotFoundError } from "@hfkit/http";
import { downloadFile, listFiles } from "@hfkit/repo";
import { DatasetError } from "../errors.js";
import { globToRegExp } from "../read/read-dataset.js";
import { datasetRepo } from "./commit-push.js";
import type { CommitDatasetPushOptions } from "./types.js";

export interface DeleteDatasetConfigOptions {
  repo: CommitDatasetPushOptions["repo"];
  config: string;
  /** Branch to read the card from and commit to; default `main`. */
  revision?: string;
  /** Open a pull request instead of committing (what `datasets.delete_from_hub` always does). Default false. */
  createPr?: boolean;
  signal?: AbortSignal;
}

export interface DeleteDatasetConfigResult extends CommitResult {
  /** The files deleted with the config. */
  deleted: string[];
}

/**
 * Deletes a config from a Hub dataset as `datasets.delete_from_hub` does, in one commit titled
 * `Delete '<config>' config`: every file its `data_files` globs match, then README.md without
 * its `configs` and `dataset_info` entries (and out of `config_names`), everything else kept.
 *
 * @example
 * await deleteDatasetConfig(hub, { repo: "datasets/me/reviews", config: "fr", createPr: true });
 */
export async function deleteDatasetConfig(
  client: HubClient,
  options: DeleteDatasetConfigOptions,
): Promise<DeleteDatasetConfigResult> {
  const repo = datasetRepo(options?.repo);
  const name = options.config;
  if (typeof name !== "string" || name === "") {
    throw new DatasetError("INVALID_INPUT", 'config: give the name of the config to delete, e.g. "fr"');
  }
  const revision = options.revision ?? "main";
  const signal = options.signal ? { signal: options.signal } : {};
  let text: string;
  try {
    const { bytes } = await downloadFile(client, {
      repo,
      path: "README.md",
      revision,
      to: "memory",
      ...signal,
    });
    text = new TextDecoder().decode(bytes);
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new DatasetError(
        "INVALID_INPUT",
        `config: ${options.repo} has no README.md, so no config "${name}"`,
      );
    }
    throw error;
  }
  let card = parseCard(text);
  const configs = getDatasetConfigs(card);
  const config = configs.find((c) => c.configName === name);
  if (!config) {
    throw new DatasetError(
      "INVALID_INPUT",
      `config: "${name}" is not a config of ${options.repo} (it has ${configs.map((c) => c.configName).join(", ") || "none"})`,
    );
  }
  const dataFiles = config.dataFiles ?? [];
  const globs = (
    typeof dataFiles === "string"
      ? [dataFiles]
      : (dataFiles as readonly (string | { path: string | readonly string[] })[]).flatMap((item) =>
          typeof item === "string" ? [item] : typeof item.path === "string" ? [item.path] : [...item.path],
        )
  ).map(globToRegExp);
  const deleted: string[] = [];
  for await (const entry of listFiles(client, { repo, revision, recursive: true, ...signal })) {
    if (entry.type === "file" && globs.some((g) => g.test(entry.path))) deleted.push(entry.path);
  }
  const names = card.metadata.config_names;
  if (Array.isArray(names) && names.includes(name)) {
    card = removeMetadata(
      card,
      names.length === 1 ? ["config_names"] : ["config_names", names.indexOf(name)],
    );
  }
  card = removeDatasetConfig(card, name);
  const message = `Delete '${name}' config`;
  const result = await commit(client, {
    repo,
    revision,
    message,
    description: `${message}.`,
    ...(options.createPr ? { createPr: true } : {}),
    // The deletions first, then the card, in the order datasets sends them.
    operations: [
      ...deleted.map((path) => ({ type: "delete" as const, path })),
      { type: "add", path: "README.md", content: stringifyCard(card) },
    ],
    ...signal,
  });
  return { ...result, deleted };
}
