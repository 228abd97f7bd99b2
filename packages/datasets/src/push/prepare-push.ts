import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommitAdd } from "@hfkit/commit";
import { drain } from "@hfkit/http/work";
import { inputError } from "../errors.js";
import { checkSplitName } from "../sharding.js";
import type { DatasetInput, DatasetProgressEvent, WriteShardsResult } from "../types.js";
import { writeShardsIter } from "../write-shards.js";
import type { PrepareDatasetPushOptions, PreparedDatasetPush } from "./types.js";

interface CheckedPrepare {
  configName: string;
  dataDir: string;
  splits: [string, DatasetInput][];
  replaceSplits: boolean;
}

/** Checks a push's data options before anything is read or written. */
export function checkPrepare(options: PrepareDatasetPushOptions): CheckedPrepare {
  if (typeof options !== "object" || options === null) throw inputError("options", "pass { repo, data }");
  const configName = options.config ?? "default";
  if (typeof configName !== "string" || configName === "") {
    throw inputError("config", 'give a config name such as "default" or "en"');
  }
  // datasets refuses it (push_to_hub): the default config's files already live in data/.
  if (configName === "data") {
    throw inputError(
      "config",
      '"data" cannot be a config name (it is the default data folder); pick another',
    );
  }
  if ((options.data === undefined) === (options.splits === undefined)) {
    throw inputError("data", "give either data (one split) or splits (split name → data), not both");
  }
  const replaceSplits = options.splits !== undefined;
  const splits: [string, DatasetInput][] = replaceSplits
    ? Object.entries(options.splits!)
    : [[options.split ?? "train", options.data!]];
  if (splits.length === 0) throw inputError("splits", "give at least one split");
  if (replaceSplits && options.split !== undefined) {
    throw inputError("split", "with splits, the split names are its keys; leave split out");
  }
  for (const [split] of splits) checkSplitName(split);
  if (typeof options.numShards === "object" && options.numShards !== null) {
    for (const name of Object.keys(options.numShards)) {
      if (!splits.some(([split]) => split === name)) {
        throw inputError(`numShards.${name}`, `"${name}" is not one of the pushed splits`);
      }
    }
  }
  const dataDir = (options.dataDir ?? (configName === "default" ? "data" : configName)).replace(/\/+$/, "");
  return { configName, dataDir, splits, replaceSplits };
}

function numShardsOf(options: PrepareDatasetPushOptions, split: string): number | undefined {
  const n = options.numShards;
  return typeof n === "object" && n !== null ? n[split] : n;
}

/**
 * The first half of a push: writes every split's Parquet shards to a local folder, cut and
 * named as `datasets.push_to_hub` does, and returns them with the commit operations that add
 * them. Pass the result to `commitDatasetPush` (on this machine or another one that sees the
 * folder) to update the card and commit. Yields the shard writer's progress events.
 */
export async function* prepareDatasetPushIter(
  options: PrepareDatasetPushOptions,
): AsyncGenerator<DatasetProgressEvent, PreparedDatasetPush> {
  const checked = checkPrepare(options);
  const kept = options.folder !== undefined;
  const folder = kept ? options.folder! : await mkdtemp(join(options.tempDir ?? tmpdir(), "hfkit-push-"));
  if (kept) await mkdir(folder, { recursive: true });
  try {
    const results: WriteShardsResult[] = [];
    for (const [split, data] of checked.splits) {
      const numShards = numShardsOf(options, split);
      results.push(
        yield* writeShardsIter({
          data,
          outputDir: folder,
          split,
          dataDir: checked.dataDir,
          ...(options.features !== undefined ? { features: options.features } : {}),
          ...(options.maxShardSize !== undefined ? { maxShardSize: options.maxShardSize } : {}),
          ...(numShards !== undefined ? { numShards } : {}),
          ...(options.embedExternalFiles !== undefined
            ? { embedExternalFiles: options.embedExternalFiles }
            : {}),
          ...(options.inferenceRows !== undefined ? { inferenceRows: options.inferenceRows } : {}),
          ...(options.csv !== undefined ? { csv: options.csv } : {}),
          ...(options.tempDir !== undefined ? { tempDir: options.tempDir } : {}),
          ...(options.signal !== undefined ? { signal: options.signal } : {}),
        }),
      );
    }
    return {
      configName: checked.configName,
      dataDir: checked.dataDir,
      setDefault: options.setDefault === true,
      replaceSplits: checked.replaceSplits,
      splits: results,
      additions: results.flatMap((r) =>
        r.shards.map((s): CommitAdd => ({ type: "add", path: s.pathInRepo, file: s.localPath })),
      ),
      folder,
    };
  } catch (error) {
    if (!kept) await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/** {@link prepareDatasetPushIter} without progress events. */
export function prepareDatasetPush(options: PrepareDatasetPushOptions): Promise<PreparedDatasetPush> {
  return drain(prepareDatasetPushIter(options));
}
