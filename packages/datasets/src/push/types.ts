import type { CommitAdd, CommitOperation, CommitProgressEvent } from "@hfkit/commit";
import type { HubClient, RepoDesignation } from "@hfkit/http";
import type { FeaturesInput } from "../features/model.js";
import type { CsvOptions } from "../inputs/csv.js";
import type { DatasetInput, DatasetProgressEvent, WriteShardsResult } from "../types.js";

/** How the shards of a push are cut and written (the first half of a push). */
export interface PrepareDatasetPushOptions {
  /** One split's data (`Dataset.push_to_hub`); give this or `splits`. */
  data?: DatasetInput;
  /**
   * Several splits at once, split name → data (`DatasetDict.push_to_hub`): the config then holds
   * exactly these splits, and every other file directly under its `dataDir` is deleted.
   */
  splits?: Readonly<Record<string, DatasetInput>>;
  /** The split of `data`; default `"train"`. Letters, digits, `_` and `.` only. */
  split?: string;
  /** Config name; default `"default"`. `"data"` is refused, as `datasets` does. */
  config?: string;
  /** Folder of the shards: `"data"` for the default config, the config name otherwise. */
  dataDir?: string;
  /** Make this config the one `load_dataset(repo)` loads (not allowed when a config named `default` exists). */
  setDefault?: boolean;
  features?: FeaturesInput;
  /** Largest Arrow size of a shard, `"500MB"` by default (decimal units). */
  maxShardSize?: string | number;
  /** An exact shard count (never with `maxShardSize`); per split for the `splits` form. */
  numShards?: number | Readonly<Record<string, number>>;
  /** Embed local Image/Audio files in the shards (default true). */
  embedExternalFiles?: boolean;
  /** Rows read to infer features when none are declared (default 10,000). */
  inferenceRows?: number;
  csv?: CsvOptions;
  /** Where temporary files go (default: the OS temp folder). */
  tempDir?: string;
  /**
   * Write the shards to this folder (as `{dataDir}/{split}-…parquet`) and keep them there;
   * by default they go to a new temporary folder that the push removes once committed.
   */
  folder?: string;
  /**
   * Upload each shard to this repo as soon as it is written (Git LFS or Xet, as the Hub offers)
   * and delete it from disk (unless `folder` is given), so that at most
   * `MAX_SHARDS_ON_DISK` shards are ever on disk. `additions` then refer to the uploaded
   * objects: the commit sends no shard bytes. The repo and branch are created when missing,
   * before the first upload (after the input has been read and checked).
   */
  upload?: PrepareUploadTarget;
  signal?: AbortSignal;
}

/** Where `prepareDatasetPush` uploads shards as they are written. */
export interface PrepareUploadTarget {
  client: HubClient;
  /** `"datasets/owner/name"`, `"owner/name"` (taken as a dataset) or `{ type: "dataset", name }`. */
  repo: RepoDesignation;
  /** The branch the shards will be committed to (created when missing); default `main`. */
  revision?: string;
  /** The shards will be committed as a pull request (the LFS batches then name no branch). */
  createPr?: boolean;
  /** Make the repo private when this upload creates it. */
  private?: boolean;
  /** Upload through Xet when the Hub offers it (default: yes, unless `HF_HUB_DISABLE_XET`). */
  useXet?: boolean;
}

/** The first half of a push: shards on disk and the commit operations that add them. */
export interface PreparedDatasetPush {
  configName: string;
  dataDir: string;
  setDefault: boolean;
  /** True for the `splits` form (the config's splits are replaced, not added to). */
  replaceSplits: boolean;
  splits: WriteShardsResult[];
  /**
   * One `add` per shard, in split and shard order: the local file, or with `upload` the
   * uploaded object (plain data, so the result can be posted from a worker thread).
   */
  additions: CommitAdd[];
  /**
   * The folder holding the shards (removed by `pushDataset` once committed). With `upload`
   * and no `folder` option, a temporary folder already removed: the shards are on the Hub.
   */
  folder: string;
}

/** Where and how to commit a push (the second half). */
export interface CommitDatasetPushOptions {
  /** `"datasets/owner/name"`, `"owner/name"` (taken as a dataset) or `{ type: "dataset", name }`. */
  repo: RepoDesignation;
  /** Branch to push to (created when missing); default `main`. */
  revision?: string;
  /** Open a pull request instead of committing to `revision`. */
  createPr?: boolean;
  /** Default `"Upload dataset"`, as `datasets`. */
  commitMessage?: string;
  commitDescription?: string;
  /**
   * Write README.md (and the shards, already there) to this folder and return the plan
   * without uploading or committing anything.
   */
  dryRun?: string;
  signal?: AbortSignal;
}

export interface PushDatasetOptions extends PrepareDatasetPushOptions, CommitDatasetPushOptions {
  /** Make the repo private when this push creates it. */
  private?: boolean;
}

/** What one split became on the Hub. */
export interface PushedSplit {
  split: string;
  numExamples: number;
  numBytes: number;
  downloadSize: number;
  files: string[];
}

export interface PushDatasetResult {
  repo: string;
  config: string;
  splits: PushedSplit[];
  /** The commit (the last one when the push took several); the head when nothing changed. */
  commitOid: string;
  commitUrl: string;
  pullRequestUrl?: string;
  /** False when the repo already had exactly this content: no commit was made. */
  created: boolean;
  /** Commits made (more than one past 50 shards). */
  commits: number;
  /** The operations of the final commit: additions, README.md, then deletions. */
  operations: { type: CommitOperation["type"]; path: string }[];
  /** README.md as committed (or as it would be, with `dryRun`). */
  readme: string;
  /** With `dryRun`: the folder holding the shards and README.md. */
  dryRunFolder?: string;
}

export type PushProgressEvent =
  | DatasetProgressEvent
  | CommitProgressEvent
  | { type: "repo-created"; repo: string; url: string }
  /** With `upload`: a shard is on the Hub (and gone from disk unless `folder` keeps it). */
  | { type: "shard-uploaded"; split: string; path: string; bytes: number }
  /** The final commit was refused because the branch moved; the card is read again and the commit retried. */
  | { type: "push-retry"; attempt: number; status: number };
