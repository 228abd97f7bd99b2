import { rm } from "node:fs/promises";
import type { HubClient } from "@hfkit/http";
import { formatRepoId, RepoNotFoundError } from "@hfkit/http";
import { drain, runWithEvents } from "@hfkit/http/work";
import { createBranch } from "@hfkit/refs";
import { createRepo, getRepoInfo } from "@hfkit/repo";
import { publishPushEvent } from "../events.js";
import { commitDatasetPushIter, datasetRepo } from "./commit-push.js";
import { checkPrepare, prepareDatasetPushIter } from "./prepare-push.js";
import type { PushDatasetOptions, PushDatasetResult, PushProgressEvent } from "./types.js";

/**
 * Pushes tabular data to a Hub dataset repo as `datasets.push_to_hub` does, yielding progress
 * events (`rows-progress`, `shard-written`, `lfs-upload-progress`, `commit-created`…): writes
 * the Parquet shards (so bad input fails before any request), creates the repo when missing,
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
  const repo = datasetRepo(options?.repo);
  checkPrepare(options);
  const signal = options.signal;
  const prepared = yield* prepareDatasetPushIter({
    ...options,
    ...(options.dryRun !== undefined ? { folder: options.dryRun } : {}),
  });
  try {
    if (options.dryRun === undefined) {
      try {
        await getRepoInfo(client, { repo, expand: ["sha"], ...(signal ? { signal } : {}) });
      } catch (error) {
        if (!(error instanceof RepoNotFoundError)) throw error;
        const created = await createRepo(client, {
          repo,
          existOk: true,
          ...(options.private !== undefined ? { private: options.private } : {}),
          ...(signal ? { signal } : {}),
        });
        if (created.created) yield { type: "repo-created", repo: formatRepoId(repo), url: created.url };
      }
      // datasets creates the branch it pushes to (not a pull request's ref).
      if (options.revision !== undefined && !options.revision.startsWith("refs/pr/")) {
        await createBranch(client, {
          repo,
          branch: options.revision,
          existOk: true,
          ...(signal ? { signal } : {}),
        });
      }
    }
    return yield* commitDatasetPushIter(client, prepared, options);
  } finally {
    if (options.dryRun === undefined) await rm(prepared.folder, { recursive: true, force: true });
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
