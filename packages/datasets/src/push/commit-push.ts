import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { getDatasetConfigs, parseCard } from "@hfkit/cards";
import { type CommitOperation, commitIter } from "@hfkit/commit";
import {
  ConflictError,
  formatRepoId,
  type HubClient,
  NotFoundError,
  PreconditionFailedError,
  parseRepoId,
  type RepoId,
  RepoNotFoundError,
  RevisionNotFoundError,
} from "@hfkit/http";
import { drain, sleep } from "@hfkit/http/work";
import { downloadFile, getRepoInfo, listFiles, type RepoFile } from "@hfkit/repo";
import { inputError } from "../errors.js";
import { updatedDatasetCardAndInfo, updatedLegacyInfos } from "./dataset-card.js";
import type {
  CommitDatasetPushOptions,
  PreparedDatasetPush,
  PushDatasetResult,
  PushProgressEvent,
} from "./types.js";

/** datasets' `config.UPLOADS_MAX_NUMBER_PER_COMMIT`: past this many shards, they go in commits of their own first. */
export const UPLOADS_MAX_NUMBER_PER_COMMIT = 50;

/** Attempts of the final commit when the branch keeps moving (datasets retries without limit). */
const FINAL_COMMIT_ATTEMPTS = 10;

export function datasetRepo(repo: CommitDatasetPushOptions["repo"]): RepoId {
  const id = parseRepoId(repo, "dataset");
  if (id.type !== "dataset") {
    throw inputError(
      "repo",
      `${formatRepoId(id)} is a ${id.type} repo; push datasets to "datasets/owner/name"`,
    );
  }
  return id;
}

function isMissing(error: unknown): boolean {
  return error instanceof NotFoundError;
}

/** The repo's head, card and data folder listing at one commit: what the final commit is built from. */
export interface Snapshot {
  parent: string | undefined;
  readme: string | undefined;
  files: RepoFile[];
  /** Splits of old `data/{split}-NNNNN-of-NNNNN*.parquet` files, when the card has no `configs`. */
  legacySplits: string[];
  /** The legacy `dataset_infos.json`, when the repo has one. */
  legacyInfos: string | undefined;
  /**
   * Whether the repo exists, as this read showed: "missing" when the Hub said the repo was not
   * found, "exists" when it or the revision was; undefined when a 404 did not say which.
   */
  repoState?: "exists" | "missing" | undefined;
}

/** datasets' `config.DATASETDICT_INFOS_FILENAME`: the metadata file cards replaced. */
const LEGACY_INFOS = "dataset_infos.json";

// datasets' PUSH_TO_HUB_WITHOUT_METADATA_CONFIGS_SPLIT_PATTERN_SHARDED.
const LEGACY_SHARD = /^data\/(\w+(?:\.\w+)*)-\d{5}-of-\d{5}[^/]*\.parquet$/u;

async function filesUnder(
  client: HubClient,
  repo: RepoId,
  revision: string,
  path: string,
  signal: AbortSignal | undefined,
): Promise<RepoFile[]> {
  const files: RepoFile[] = [];
  try {
    for await (const entry of listFiles(client, { repo, revision, path, ...(signal ? { signal } : {}) })) {
      if (entry.type === "file") files.push(entry);
    }
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  return files;
}

export async function snapshotOf(
  client: HubClient,
  repo: RepoId,
  revision: string,
  dataDir: string,
  signal: AbortSignal | undefined,
): Promise<Snapshot> {
  let parent: string | undefined;
  try {
    parent = (await getRepoInfo(client, { repo, revision, expand: ["sha"], ...(signal ? { signal } : {}) }))
      .sha;
  } catch (error) {
    if (isMissing(error)) {
      const repoState =
        error instanceof RepoNotFoundError
          ? "missing"
          : error instanceof RevisionNotFoundError
            ? "exists"
            : undefined;
      return {
        parent: undefined,
        readme: undefined,
        files: [],
        legacySplits: [],
        legacyInfos: undefined,
        repoState,
      };
    }
    throw error;
  }
  // Read at the parent commit, so the card and the deletions match what the commit replaces.
  const at = parent ?? revision;
  const text = async (path: string): Promise<string | undefined> => {
    try {
      const { bytes } = await downloadFile(client, {
        repo,
        path,
        revision: at,
        to: "memory",
        ...(signal ? { signal } : {}),
      });
      return new TextDecoder().decode(bytes);
    } catch (error) {
      if (!isMissing(error)) throw error;
      return undefined;
    }
  };
  // one round trip for the three: the listing does not depend on the card
  const [readme, legacyInfos, files] = await Promise.all([
    text("README.md"),
    text(LEGACY_INFOS),
    filesUnder(client, repo, at, dataDir, signal),
  ]);
  let legacySplits: string[] = [];
  if (getDatasetConfigs(parseCard(readme ?? "")).length === 0) {
    const data = dataDir === "data" ? files : await filesUnder(client, repo, at, "data", signal);
    legacySplits = [...new Set(data.flatMap((f) => LEGACY_SHARD.exec(f.path)?.[1] ?? []))];
  }
  return { parent, readme, files, legacySplits, legacyInfos, repoState: "exists" };
}

/** The final commit's plan: README.md and the stale shards to delete (arrow_dataset.py / dataset_dict.py `_push_to_repo`). */
function finalPlan(prepared: PreparedDatasetPush, snapshot: Snapshot) {
  const added = new Set(prepared.additions.map((a) => a.path));
  const ofSplit = (split: string) =>
    snapshot.files.filter((f) => f.path.startsWith(`${prepared.dataDir}/${split}-`));
  // One split (or several, merged): every `{dataDir}/{split}-*`. The splits form: every file directly under dataDir.
  const matching = prepared.replaceSplits ? snapshot.files : prepared.splits.flatMap((s) => ofSplit(s.split));
  const card = updatedDatasetCardAndInfo({
    readme: snapshot.readme,
    configName: prepared.configName,
    dataDir: prepared.dataDir,
    splits: prepared.splits,
    replaceSplits: prepared.replaceSplits,
    setDefault: prepared.setDefault,
    legacySplits: snapshot.legacySplits,
    // datasets subtracts every matching file, the ones about to be overwritten included.
    replacedBytes: Object.fromEntries(
      prepared.splits.map((s) => [s.split, ofSplit(s.split).reduce((sum, f) => sum + f.size, 0)]),
    ),
  });
  const deletions = matching.filter((f) => !added.has(f.path)).map((f) => f.path);
  const legacy = updatedLegacyInfos(snapshot.legacyInfos, prepared.configName, card);
  // datasets adds it right after README.md.
  const cardOps: { type: "add"; path: string; content: string }[] = [
    { type: "add", path: "README.md", content: card.readme },
    ...(legacy !== undefined ? [{ type: "add" as const, path: LEGACY_INFOS, content: legacy }] : []),
  ];
  return { readme: card.readme, deletions, cardOps };
}

function retryable(error: unknown): number | undefined {
  if (error instanceof PreconditionFailedError) return 412;
  if (error instanceof ConflictError) return 409;
  return undefined;
}

/** datasets sleeps 0, 1, … 9 s (times 1–2) between attempts; a tenth of that is plenty against one Hub. */
function backoffMs(attempt: number): number {
  return Math.min(attempt, 9) * 100 * (1 + Math.random());
}

/**
 * The second half of a push: commits prepared shards with README.md updated from the card at
 * the branch head, deleting the split's stale shards, with `parentCommit` so a concurrent
 * change is never overwritten (the card is read again and the commit retried on 409/412).
 * Past 50 shards, the shards go first in commits of 50, titled `"<message> (part 00000-of-0000N)"`.
 */
export function commitDatasetPushIter(
  client: HubClient,
  prepared: PreparedDatasetPush,
  options: CommitDatasetPushOptions,
): AsyncGenerator<PushProgressEvent, PushDatasetResult> {
  return commitPushSteps(client, prepared, options);
}

/**
 * {@link commitDatasetPushIter}, for `pushDataset` with `early`: the branch head's snapshot read
 * while the shards were uploading, used for the first attempt (if the branch moved since, the
 * commit's `parentCommit` fails with 412 and the next attempt reads it again).
 */
export async function* commitPushSteps(
  client: HubClient,
  prepared: PreparedDatasetPush,
  options: CommitDatasetPushOptions,
  early?: Promise<Snapshot>,
): AsyncGenerator<PushProgressEvent, PushDatasetResult> {
  const repo = datasetRepo(options.repo);
  const revision = options.revision ?? "main";
  const message = options.commitMessage ?? "Upload dataset";
  const signal = options.signal;
  const target = {
    repo,
    revision,
    ...(options.createPr ? { createPr: true } : {}),
    ...(options.commitDescription !== undefined ? { description: options.commitDescription } : {}),
    ...(signal ? { signal } : {}),
  };
  const summary = (readme: string, operations: CommitOperation[]) => ({
    repo: formatRepoId(repo),
    config: prepared.configName,
    splits: prepared.splits.map((s) => ({
      split: s.split,
      numExamples: s.numExamples,
      numBytes: s.numBytes,
      downloadSize: s.downloadSize,
      files: s.shards.map((f) => f.pathInRepo),
    })),
    operations: operations.map((op) => ({ type: op.type, path: op.path })),
    readme,
  });

  if (options.dryRun !== undefined) {
    const snapshot = await snapshotOf(client, repo, revision, prepared.dataDir, signal);
    const { readme, deletions, cardOps } = finalPlan(prepared, snapshot);
    await mkdir(options.dryRun, { recursive: true });
    for (const op of cardOps) await writeFile(join(options.dryRun, op.path), op.content);
    const operations: CommitOperation[] = [
      ...prepared.additions,
      ...cardOps,
      ...deletions.map((path): CommitOperation => ({ type: "delete", path })),
    ];
    return {
      ...summary(readme, operations),
      commitOid: snapshot.parent ?? "",
      commitUrl: "",
      created: false,
      commits: 0,
      dryRunFolder: options.dryRun,
    };
  }

  let commits = 0;
  let lastAdditions = prepared.additions;
  if (prepared.additions.length > UPLOADS_MAX_NUMBER_PER_COMMIT) {
    const parts = Math.ceil(prepared.additions.length / UPLOADS_MAX_NUMBER_PER_COMMIT);
    for (let part = 0; part < parts; part++) {
      const operations = prepared.additions.slice(
        part * UPLOADS_MAX_NUMBER_PER_COMMIT,
        (part + 1) * UPLOADS_MAX_NUMBER_PER_COMMIT,
      );
      const title = `${message} (part ${String(part).padStart(5, "0")}-of-${String(parts).padStart(5, "0")})`;
      for (let attempt = 1; ; attempt++) {
        try {
          const result = yield* commitIter(client, { ...target, message: title, operations });
          if (result.created) commits++;
          break;
        } catch (error) {
          // datasets retries a part only on 409 (another commit in progress).
          if (!(error instanceof ConflictError) || attempt >= FINAL_COMMIT_ATTEMPTS) throw error;
          yield { type: "push-retry", attempt, status: 409 };
          await sleep(backoffMs(attempt), signal);
        }
      }
    }
    lastAdditions = [];
  }

  const fresh = () => snapshotOf(client, repo, revision, prepared.dataDir, signal);
  for (let attempt = 1; ; attempt++) {
    const snapshot =
      attempt === 1 && early && lastAdditions.length === prepared.additions.length
        ? await early.catch(fresh)
        : await fresh();
    const { readme, deletions, cardOps } = finalPlan(prepared, snapshot);
    const operations: CommitOperation[] = [
      ...lastAdditions,
      ...cardOps,
      ...deletions.map((path): CommitOperation => ({ type: "delete", path })),
    ];
    try {
      const result = yield* commitIter(client, {
        ...target,
        message,
        operations,
        ...(snapshot.parent && !options.createPr ? { parentCommit: snapshot.parent } : {}),
      });
      if (result.created) commits++;
      return {
        ...summary(readme, operations),
        commitOid: result.commitOid,
        commitUrl: result.commitUrl,
        ...(result.pullRequestUrl ? { pullRequestUrl: result.pullRequestUrl } : {}),
        created: commits > 0,
        commits,
      };
    } catch (error) {
      const status = retryable(error);
      if (status === undefined || attempt >= FINAL_COMMIT_ATTEMPTS) throw error;
      yield { type: "push-retry", attempt, status };
      await sleep(backoffMs(attempt), signal);
    }
  }
}

/** {@link commitDatasetPushIter} without progress events. The shards' folder is left in place. */
export function commitDatasetPush(
  client: HubClient,
  prepared: PreparedDatasetPush,
  options: CommitDatasetPushOptions,
): Promise<PushDatasetResult> {
  return drain(commitDatasetPushIter(client, prepared, options));
}
