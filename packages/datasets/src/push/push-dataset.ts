import { rm } from "node:fs/promises";
import type { HubClient } from "@hfkit/http";
import { formatRepoId } from "@hfkit/http";
import { drain, runWithEvents } from "@hfkit/http/work";
import { publishPushEvent } from "../events.js";
import { commitPushSteps, datasetRepo } from "./commit-push.js";
import { checkPrepare, type DeferredCleanup, prepareWithCleanup } from "./prepare-push.js";
import type { PushDatasetOptions, PushDatasetResult, PushProgressEvent } from "./types.js";

/**
 * Pushes tabular data to a Hub dataset repo as `datasets.push_to_hub` does, yielding progress
 * events (`rows-progress`, `shard-written`, `shard-uploaded`, `commit-created`…): reads the
 * input through (so bad input fails before any upload or write; the branch head is read
 * meanwhile), creates the repo when missing,
 * uploads each Parquet shard as soon as it is written (at most `MAX_SHARDS_ON_DISK` on disk),
 * then commits the shards with README.md's
 * `configs` and `dataset_info` updated and the split's stale shards deleted. Pushing the same
 * content again makes no commit.
 */
export function pushDatasetIter(
  client: HubClient,
  options: PushDatasetOptions,
): AsyncGenerator<PushProgressEvent, PushDatasetResult> {
  // One `datasets.push` span holds the shard writes, the repo checks and the commits (and so
  // their requests); the push's own events go on the datasets channel (events.ts).
  let label = "";
  try {
    label = formatRepoId(datasetRepo(options?.repo));
  } catch {
    // Bad input: the steps below throw it, from the iteration, as every *Iter does.
  }
  return runWithEvents((emit, signal) => drain(pushSteps(client, { ...options, signal }), emit), {
    signal: options?.signal,
    stopMessage: "The push was stopped before it finished.",
    span: { name: "datasets.push", attributes: { repo: label, config: options?.config } },
    onEvent: (event) => {
      if (event.type === "repo-created" || event.type === "push-retry") publishPushEvent(label, event);
    },
  });
}

async function* pushSteps(
  client: HubClient,
  options: PushDatasetOptions,
): AsyncGenerator<PushProgressEvent, PushDatasetResult> {
  datasetRepo(options?.repo);
  checkPrepare(options);
  const dryRun = options.dryRun !== undefined;
  // Each shard is uploaded as it is written and leaves the disk; the repo is created just
  // before the first upload, once the input has been read through.
  // The shards' temporary folder is deleted while the final commit is made.
  const deferred: DeferredCleanup = {};
  const prepared = yield* prepareWithCleanup(
    {
      ...options,
      ...(dryRun
        ? { folder: options.dryRun! }
        : {
            upload: {
              client,
              repo: options.repo,
              ...(options.revision !== undefined ? { revision: options.revision } : {}),
              ...(options.createPr ? { createPr: true } : {}),
              ...(options.private !== undefined ? { private: options.private } : {}),
            },
          }),
    },
    deferred,
  );
  try {
    return yield* commitPushSteps(client, prepared, options, deferred.snapshot);
  } finally {
    await deferred.cleanup?.catch(() => undefined);
    if (!dryRun) await rm(prepared.folder, { recursive: true, force: true });
  }
}

/**
 * Pushes tabular data to a Hub dataset repo as `datasets.push_to_hub` does (see
 * {@link pushDatasetIter} for progress events).
 *
 * @example
 * import { createHubClient } from "@hfkit/http";
 * import { pushDataset } from "@hfkit/datasets";
 *
 * const hub = createHubClient();
 * const { commitUrl } = await pushDataset(hub, {
 *   repo: "datasets/me/reviews",
 *   splits: { train: "./train.jsonl", test: "./test.csv" },
 * });
 */
export function pushDataset(client: HubClient, options: PushDatasetOptions): Promise<PushDatasetResult> {
  return drain(pushDatasetIter(client, options));
}
