import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NamedFeature } from "@hfkit/cards";
import { type CommitAdd, preuploadFilesIter } from "@hfkit/commit";
import { formatRepoId } from "@hfkit/http";
import { drain, type Emit, runWithEvents, TaskGroup } from "@hfkit/http/work";
import { inputError } from "../errors.js";
import { checkSplitName } from "../sharding.js";
import type { DatasetInput, WriteShardsResult, WrittenShard } from "../types.js";
import { writeShardsIter } from "../write-shards.js";
import { datasetRepo, snapshotOf } from "./commit-push.js";
import { updatedDatasetCard } from "./dataset-card.js";
import { ensureRepo } from "./ensure-repo.js";
import type {
  PrepareDatasetPushOptions,
  PreparedDatasetPush,
  PrepareUploadTarget,
  PushProgressEvent,
} from "./types.js";

export interface CheckedPrepare {
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
  if (options.upload !== undefined) {
    if (typeof options.upload !== "object" || options.upload === null || !options.upload.client) {
      throw inputError(
        "upload",
        "give { client, repo } to upload shards as they are written, or leave it out",
      );
    }
    datasetRepo(options.upload.repo);
  }
  const dataDir = (options.dataDir ?? (configName === "default" ? "data" : configName)).replace(/\/+$/, "");
  return { configName, dataDir, splits, replaceSplits };
}

function numShardsOf(options: PrepareDatasetPushOptions, split: string): number | undefined {
  const n = options.numShards;
  return typeof n === "object" && n !== null ? n[split] : n;
}

/**
 * Shards on disk at most while a push uploads them (`upload`): the one being written and
 * two uploading. Writing the next shard overlaps the uploads; past that, the writer waits.
 */
export const MAX_SHARDS_ON_DISK = 3;

/** A key per progress stream, so that a slow consumer gets the latest count of each. */
function progressKey(event: PushProgressEvent): string | undefined {
  switch (event.type) {
    case "rows-progress":
      return `rows:${event.split}`;
    case "shard-progress":
      return `shard:${event.split}`;
    case "file-hash-progress":
      return `hash:${event.path}`;
    case "lfs-upload-progress":
      return `lfs:${event.path}`;
    default:
      return undefined;
  }
}

/** Uploads shards as the writer closes them, at most `MAX_SHARDS_ON_DISK - 1` at once. */
function shardUploader(
  upload: PrepareUploadTarget,
  checked: CheckedPrepare,
  setDefault: boolean,
  emit: Emit<PushProgressEvent>,
  signal: AbortSignal,
  keep: boolean,
) {
  const repo = datasetRepo(upload.repo);
  const planned = new Map<string, { features: NamedFeature[] } | ((f: NamedFeature[]) => void)>();
  const featuresOf = (split: string) =>
    new Promise<NamedFeature[]>((resolve) => {
      const known = planned.get(split);
      if (known && typeof known === "object") resolve(known.features);
      else planned.set(split, resolve);
    });
  const checkedSplits = new Set<string>();
  const group = new TaskGroup(signal);
  const inFlight: Promise<void>[] = [];
  const uploaded = new Map<string, CommitAdd>();
  let repoReady: Promise<void> | undefined;
  const ensure = async () => {
    const url = await ensureRepo(upload.client, {
      repo,
      revision: upload.revision,
      private: upload.private,
      signal: group.signal,
    });
    if (url) emit({ type: "repo-created", repo: formatRepoId(repo), url });
  };
  /**
   * What the final commit would refuse about the card (features unlike the config's other
   * splits, `setDefault` next to a config named `default`) is refused before the split's first
   * upload, from the card at the branch head.
   */
  const preflight = async (split: string) => {
    const features = await featuresOf(split);
    const revision = upload.revision ?? "main";
    const snapshot = await snapshotOf(upload.client, repo, revision, checked.dataDir, group.signal);
    updatedDatasetCard({
      readme: snapshot.readme,
      configName: checked.configName,
      dataDir: checked.dataDir,
      splits: [
        {
          split,
          dataDir: checked.dataDir,
          features,
          shards: [],
          numExamples: 0,
          numBytes: 0,
          downloadSize: 0,
          splitInfo: { name: split, numBytes: 0, numExamples: 0 },
          rowGroupRows: 0,
          huggingface: "",
        },
      ],
      replaceSplits: checked.replaceSplits,
      setDefault,
      legacySplits: snapshot.legacySplits,
      replacedBytes: {},
    });
  };
  return {
    signal: group.signal,
    uploaded,
    /** Sees the writer's events: a split's features are known once its shards are planned. */
    onEvent(event: PushProgressEvent) {
      if (event.type !== "shards-planned") return;
      const waiting = planned.get(event.split);
      planned.set(event.split, { features: event.features });
      if (typeof waiting === "function") waiting(event.features);
    },
    async onShard(split: string, shard: WrittenShard): Promise<void> {
      // Only now, once the split's input has been read through: bad input fails before any request.
      if (!checkedSplits.has(split)) {
        checkedSplits.add(split);
        await preflight(split);
        repoReady ??= ensure();
      }
      await repoReady;
      inFlight.push(
        new Promise<void>((settled) =>
          group.spawn(async (taskSignal) => {
            try {
              const { operations } = await drain(
                preuploadFilesIter(upload.client, {
                  repo,
                  ...(upload.revision !== undefined ? { revision: upload.revision } : {}),
                  ...(upload.createPr ? { createPr: true } : {}),
                  ...(upload.useXet !== undefined ? { useXet: upload.useXet } : {}),
                  operations: [{ type: "add", path: shard.pathInRepo, file: shard.localPath }],
                  signal: taskSignal,
                }),
                (event) => emit(event, progressKey(event)),
              );
              uploaded.set(shard.pathInRepo, operations[0]!);
              if (!keep) await rm(shard.localPath, { force: true });
              emit({ type: "shard-uploaded", split, path: shard.pathInRepo, bytes: shard.bytes });
            } finally {
              settled();
            }
          }),
        ),
      );
      while (inFlight.length >= MAX_SHARDS_ON_DISK) await inFlight.shift();
      group.signal.throwIfAborted();
    },
    wait: () => group.wait(),
  };
}

async function prepareWork(
  options: PrepareDatasetPushOptions,
  checked: CheckedPrepare,
  emit: Emit<PushProgressEvent>,
  signal: AbortSignal,
): Promise<PreparedDatasetPush> {
  const kept = options.folder !== undefined;
  const folder = kept ? options.folder! : await mkdtemp(join(options.tempDir ?? tmpdir(), "hfkit-push-"));
  if (kept) await mkdir(folder, { recursive: true });
  const uploader = options.upload
    ? shardUploader(options.upload, checked, options.setDefault === true, emit, signal, kept)
    : undefined;
  try {
    const results: WriteShardsResult[] = [];
    for (const [split, data] of checked.splits) {
      const numShards = numShardsOf(options, split);
      const onShard = uploader ? (shard: WrittenShard) => uploader.onShard(split, shard) : undefined;
      const written = writeShardsIter({
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
        ...(onShard ? { onShard } : {}),
        signal: uploader?.signal ?? signal,
      });
      results.push(
        await drain(written, (event) => {
          uploader?.onEvent(event);
          emit(event, progressKey(event));
        }),
      );
    }
    await uploader?.wait();
    // Every shard is on the Hub: the temporary folder has nothing left to keep.
    if (uploader && !kept) await rm(folder, { recursive: true, force: true });
    return {
      configName: checked.configName,
      dataDir: checked.dataDir,
      setDefault: options.setDefault === true,
      replaceSplits: checked.replaceSplits,
      splits: results,
      additions: results.flatMap((r) =>
        r.shards.map(
          (s): CommitAdd =>
            uploader?.uploaded.get(s.pathInRepo) ?? { type: "add", path: s.pathInRepo, file: s.localPath },
        ),
      ),
      folder,
    };
  } catch (error) {
    // An upload that failed first is the cause; the writer then only saw its abort.
    let cause = error;
    await uploader?.wait().catch((uploadError: unknown) => {
      cause = uploadError;
    });
    if (!kept) await rm(folder, { recursive: true, force: true });
    throw cause;
  }
}

/**
 * The first half of a push: writes every split's Parquet shards, cut and named as
 * `datasets.push_to_hub` does, and returns them with the commit operations that add them.
 * With `upload`, each shard is uploaded as soon as it is written and leaves the disk, and the
 * operations refer to the uploaded objects (this half can then run on many workers or
 * machines, each its own split). Pass the result (or several, merged) to `commitDatasetPush`
 * to update the card and commit once. Yields the shard writer's and the uploads' events.
 */
export function prepareDatasetPushIter(
  options: PrepareDatasetPushOptions,
): AsyncGenerator<PushProgressEvent, PreparedDatasetPush> {
  const checked = checkPrepare(options);
  return runWithEvents((emit, signal) => prepareWork(options, checked, emit, signal), {
    signal: options.signal,
    stopMessage: "Preparing the push was stopped before it finished.",
  });
}

/** {@link prepareDatasetPushIter} without progress events. */
export function prepareDatasetPush(options: PrepareDatasetPushOptions): Promise<PreparedDatasetPush> {
  return drain(prepareDatasetPushIter(options));
}
