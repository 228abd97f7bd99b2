import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NamedFeature } from "@hfkit/cards";
import { type CommitAdd, preuploadFilesIter } from "@hfkit/commit";
import { formatRepoId } from "@hfkit/http";
import { drain, type Emit, runWithEvents, TaskGroup } from "@hfkit/http/work";
import { inputError } from "../errors.js";
import { checkSplitName } from "../sharding.js";
import type { DatasetInput, WriteShardsResult, WrittenShard } from "../types.js";
import { startShardWriter, writeShardsWith } from "../write-shards.js";
import { datasetRepo, type Snapshot, snapshotOf, UPLOADS_MAX_NUMBER_PER_COMMIT } from "./commit-push.js";
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

/** Bytes of a split's input files, or undefined when it is not files only. */
async function inputBytes(data: DatasetInput): Promise<number | undefined> {
  const files = typeof data === "string" ? [data] : Array.isArray(data) ? data : [data];
  let total = 0;
  for (const file of files as unknown[]) {
    const path =
      typeof file === "string"
        ? file
        : typeof file === "object" && file !== null && typeof (file as { file?: unknown }).file === "string"
          ? (file as { file: string }).file
          : undefined;
    if (path === undefined) return undefined;
    const size = await stat(path).then(
      (s) => s.size,
      () => undefined,
    );
    if (size === undefined) return undefined;
    total += size;
  }
  return total;
}

/**
 * The order the splits are written in: the largest input last when every split is files, as
 * given otherwise. Uploads wait until the last split's input has been read through, so the
 * earlier (smaller) splits are the ones whose shards wait on disk.
 */
async function processingOrder(splits: [string, DatasetInput][]): Promise<[string, DatasetInput][]> {
  if (splits.length < 2) return splits;
  const sizes = await Promise.all(splits.map(([, data]) => inputBytes(data)));
  if (sizes.some((size) => size === undefined)) return splits;
  return splits
    .map((entry, i) => ({ entry, size: sizes[i]!, i }))
    .sort((a, b) => a.size - b.size || a.i - b.i)
    .map(({ entry }) => entry);
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
  order: readonly [string, DatasetInput][],
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
  const group = new TaskGroup(signal);
  const inFlight: Promise<void>[] = [];
  const uploaded = new Map<string, CommitAdd>();
  const ensure = async (known: Snapshot["repoState"]) => {
    const url = await ensureRepo(upload.client, {
      repo,
      revision: upload.revision,
      private: upload.private,
      signal: group.signal,
      known,
    });
    if (url) emit({ type: "repo-created", repo: formatRepoId(repo), url });
  };
  /**
   * What the final commit would refuse about the card (features unlike the config's other
   * splits, `setDefault` next to a config named `default`) is refused before the split's first
   * upload, from the card at the branch head.
   */
  const preflight = async (split: string, snapshot: Snapshot) => {
    const features = await featuresOf(split);
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
  const removals: Promise<void>[] = [];
  const startUpload = async (split: string, shard: WrittenShard) => {
    inFlight.push(
      new Promise<void>((settled) =>
        group.spawn(async (taskSignal) => {
          let removal: Promise<void> | undefined;
          try {
            const { operations } = await drain(
              preuploadFilesIter(upload.client, {
                repo,
                ...(upload.revision !== undefined ? { revision: upload.revision } : {}),
                ...(upload.createPr ? { createPr: true } : {}),
                ...(upload.useXet !== undefined ? { useXet: upload.useXet } : {}),
                // Hashed while it was written (writeShards' `sha256`): the upload starts at once.
                operations: [
                  {
                    type: "add",
                    path: shard.pathInRepo,
                    file:
                      shard.sha256 !== undefined
                        ? { path: shard.localPath, sha256: shard.sha256 }
                        : shard.localPath,
                  },
                ],
                signal: taskSignal,
              }),
              (event) => emit(event, progressKey(event)),
            );
            uploaded.set(shard.pathInRepo, operations[0]!);
            // Deleting a shard is not waited for here: unlinking 178 MB took ~0.12 s on the dev
            // VM's ext4, on the push's critical path when it is the last shard. The bound on
            // shards on disk still counts a shard until its file is gone (`settled` below).
            if (!keep) {
              removal = rm(shard.localPath, { force: true });
              removals.push(removal);
            }
            emit({ type: "shard-uploaded", split, path: shard.pathInRepo, bytes: shard.bytes });
          } finally {
            if (removal) removal.then(settled, settled);
            else settled();
          }
        }),
      ),
    );
    while (inFlight.length >= MAX_SHARDS_ON_DISK) await inFlight.shift();
    group.signal.throwIfAborted();
  };

  // Nothing goes up before every split's input has been read through (issue 12, "Bad input": a
  // bad line in the last split must fail before the first upload, with nothing committed). The
  // splits are written one after the other and the last one's shards come only after its whole
  // input was read, so the earlier splits' shards wait on disk until then: the disk bound
  // (`MAX_SHARDS_ON_DISK`) holds for the last split, which `processingOrder` makes the largest.
  const readThrough = new Set(order.map(([split]) => split));
  let allRead!: () => void;
  const everyInputRead = new Promise<void>((resolve) => {
    allRead = resolve;
  });
  const held: [string, WrittenShard][] = [];
  // The branch head (its card, listing, and whether the repo exists) is read while the input is:
  // these are reads only (no upload, creation or commit goes before the input has been read
  // through), and their outcome, a failure too, is looked at only after that, so a bad line still
  // fails first. Profiled on a 20 k-row push: read after the input, these round trips (and the
  // process's first request) were on the critical path between the last row and the first upload.
  const readSnapshot = () =>
    snapshotOf(upload.client, repo, upload.revision ?? "main", checked.dataDir, group.signal);
  let head: Promise<Snapshot> | undefined;
  const readHead = (): Promise<Snapshot> => {
    head ??= readSnapshot();
    head.catch(() => undefined); // looked at by open()
    return head;
  };
  // Shards of every split, as planned: past UPLOADS_MAX_NUMBER_PER_COMMIT, commits of their own
  // move the branch before the final one, which then reads the head itself.
  let plannedShards = 0;
  // The head once the repo or branch exists, when the first read found no commit there.
  let created: Promise<Snapshot> | undefined;
  let opened: Promise<void> | undefined;
  const open = async () => {
    // What the final commit would refuse about the card is refused before the first upload,
    // from one read of the branch head for every split; that read also tells whether the repo
    // exists, so the repo's own lookup is skipped (one round trip less before the first upload).
    const snapshot = await readHead();
    for (const [split] of checked.splits) await preflight(split, snapshot);
    await ensure(snapshot.repoState);
    // A repo (or branch) created just now: its head is read again while the shards upload, which
    // do not move it. Read after the last upload, these round trips (profiled on a 20 k-row push
    // to a new repo: the head, the card, the listing) came between it and the final commit.
    if (snapshot.parent === undefined && plannedShards <= UPLOADS_MAX_NUMBER_PER_COMMIT) {
      created = readSnapshot();
      created.catch(() => undefined); // awaited by snapshot()
    }
    for (const [split, shard] of held.splice(0)) await startUpload(split, shard);
  };
  const lastSplit = order[order.length - 1]![0];

  return {
    signal: group.signal,
    /** Starts reading the branch head, as the input starts being read. */
    begin: (): void => {
      readHead();
    },
    uploaded,
    /** Deletions of uploaded shards, under way. */
    removals,
    /** Sees the writer's events: a split's input has been read through once its shards are planned. */
    onEvent(event: PushProgressEvent) {
      if (event.type !== "shards-planned") return;
      plannedShards += event.numShards;
      const waiting = planned.get(event.split);
      planned.set(event.split, { features: event.features });
      if (typeof waiting === "function") waiting(event.features);
      readThrough.delete(event.split);
      if (readThrough.size === 0) {
        allRead();
        // The repo checks (card preflight, creation) run while the writer closes the last
        // shard (0.2-0.4 s for 2 M rows) rather than after it.
        opened ??= open();
        opened.catch(() => undefined); // awaited by onShard and wait
      }
    },
    async onShard(split: string, shard: WrittenShard): Promise<void> {
      if (split !== lastSplit) {
        held.push([split, shard]);
        return;
      }
      // The writer announces the plan before its first shard; the event may still be on its way.
      await everyInputRead;
      opened ??= open();
      await opened;
      await startUpload(split, shard);
    },
    /**
     * The final commit's snapshot: the branch head read while the input was, when it found a
     * commit there (the repo and branch existed, so the repo checks created nothing); else read
     * again once the repo exists, while the shards upload. The uploads do not move the branch; a
     * commit that does is caught by `parentCommit`, and the final commit then reads it again.
     */
    snapshot: async (): Promise<Snapshot> => {
      await opened;
      const first = await readHead();
      return first.parent !== undefined ? first : (created ?? readSnapshot());
    },
    wait: async () => {
      // a push that failed on its input does not leave the head's read running behind it
      await head?.catch(() => undefined);
      await opened;
      await group.wait();
    },
  };
}

/** Lets `pushDataset` commit while the temporary folder is still being deleted. */
export interface DeferredCleanup {
  cleanup?: Promise<void>;
  /** The final commit's first snapshot, read while the last shards upload. */
  snapshot?: Promise<Snapshot>;
}

async function prepareWork(
  options: PrepareDatasetPushOptions,
  checked: CheckedPrepare,
  emit: Emit<PushProgressEvent>,
  signal: AbortSignal,
  deferred?: DeferredCleanup,
): Promise<PreparedDatasetPush> {
  const kept = options.folder !== undefined;
  const folder = kept ? options.folder! : await mkdtemp(join(options.tempDir ?? tmpdir(), "hfkit-push-"));
  if (kept) await mkdir(folder, { recursive: true });
  const order = await processingOrder(checked.splits);
  const uploader = options.upload
    ? shardUploader(options.upload, checked, order, options.setDefault === true, emit, signal, kept)
    : undefined;
  // The writer thread starts before the push's first request: it loads (~0.1 s of a core in a
  // cold process) while this thread makes that request and reads the first rows; it writes
  // every split.
  const writer = startShardWriter();
  uploader?.begin();
  try {
    const written = new Map<string, WriteShardsResult>();
    for (const [split, data] of order) {
      const numShards = numShardsOf(options, split);
      const onShard = uploader ? (shard: WrittenShard) => uploader.onShard(split, shard) : undefined;
      const events = writeShardsWith(
        {
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
          ...(onShard ? { onShard, sha256: true } : {}),
          signal: uploader?.signal ?? signal,
        },
        writer,
      );
      written.set(
        split,
        await drain(events, (event) => {
          uploader?.onEvent(event);
          emit(event, progressKey(event));
        }),
      );
    }
    // Past UPLOADS_MAX_NUMBER_PER_COMMIT shards, commits of their own come first and move the branch.
    const shardCount = [...written.values()].reduce((n, r) => n + r.shards.length, 0);
    if (uploader && deferred && shardCount <= UPLOADS_MAX_NUMBER_PER_COMMIT) {
      deferred.snapshot = uploader.snapshot();
      deferred.snapshot.catch(() => undefined); // the commit awaits it, or reads the head again
    }
    await uploader?.wait();
    const results = checked.splits.map(([split]) => written.get(split)!);
    // Every shard is on the Hub: the temporary folder has nothing left to keep. The writer
    // thread stops while the final commit is made (profiled on a 20 k-row push: stopping it
    // as the shard's upload began took ~6 ms of this thread, which the upload's requests wait on).
    const folderGone =
      uploader && !kept
        ? Promise.allSettled(uploader.removals).then(() => rm(folder, { recursive: true, force: true }))
        : undefined;
    const cleanup = Promise.all([folderGone, writer.backend.dispose()]).then(() => undefined);
    if (deferred) deferred.cleanup = cleanup;
    else await cleanup;
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
    await Promise.allSettled(uploader?.removals ?? []);
    if (!kept) await rm(folder, { recursive: true, force: true });
    await writer.backend.dispose();
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
  return prepareWithCleanup(options);
}

/**
 * {@link prepareDatasetPushIter} for `pushDataset`: with `deferred`, it returns once every shard
 * is uploaded and leaves the temporary folder's deletion under way in `deferred.cleanup`.
 */
export function prepareWithCleanup(
  options: PrepareDatasetPushOptions,
  deferred?: DeferredCleanup,
): AsyncGenerator<PushProgressEvent, PreparedDatasetPush> {
  const checked = checkPrepare(options);
  return runWithEvents((emit, signal) => prepareWork(options, checked, emit, signal, deferred), {
    signal: options.signal,
    stopMessage: "Preparing the push was stopped before it finished.",
  });
}

/** {@link prepareDatasetPushIter} without progress events. */
export function prepareDatasetPush(options: PrepareDatasetPushOptions): Promise<PreparedDatasetPush> {
  return drain(prepareDatasetPushIter(options));
}
