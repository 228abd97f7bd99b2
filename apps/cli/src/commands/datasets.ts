import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
// @hfkit/datasets (Apache Arrow, Parquet), @hfkit/cards, @hfkit/repo and @hfkit/observability
// are loaded by the command that runs, not by `hfkit --help` or the other commands.
import type { DatasetInput, PushDatasetResult, PushProgressEvent } from "@hfkit/datasets";
import { InvalidInputError, NotFoundError, RepoNotFoundError, RevisionNotFoundError } from "@hfkit/http";
import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, positiveInt, withHubOptions } from "../context.js";
import { examples, HELP_GROUPS } from "../help.js";
import { startProgress } from "../observe.js";
import { commitNote } from "../progress.js";
import { repoArgument } from "../repo-command.js";

const DATASET_ID_HELP = 'the dataset, e.g. "acme/reviews" or "datasets/acme/reviews"';

interface PushOptions extends HubCommandOptions {
  split?: string;
  config?: string;
  dataDir?: string;
  maxShardSize?: string;
  numShards?: string;
  features?: string;
  setDefault?: boolean;
  private?: boolean;
  createPr?: boolean;
  revision?: string;
  commitMessage?: string;
  commitDescription?: string;
  dryRun?: string;
}

const SPLIT_ARG = /^(\w+(?:\.\w+)*)=(.+)$/u;

const DATA_FILE = /\.(jsonl|ndjson|json|csv|tsv|parquet)(\.gz|\.zst)?$/i;

/** A folder stands for the data files directly in it, in name order. */
async function expand(path: string): Promise<string[]> {
  const found = await stat(path).catch(() => undefined);
  if (!found) {
    throw new InvalidInputError(
      `files: ${path} does not exist; give a .jsonl, .json, .csv, .tsv or .parquet file, a folder of them, or split=file.`,
      { field: "files" },
    );
  }
  if (!found.isDirectory()) return [path];
  const files = (await readdir(path)).filter((name) => DATA_FILE.test(name)).sort();
  if (files.length === 0) {
    throw new InvalidInputError(`files: ${path} holds no .jsonl, .json, .csv, .tsv or .parquet file.`, {
      field: "files",
    });
  }
  return files.map((name) => join(path, name));
}

/** `train.jsonl` or a folder (to --split), or `test=test.csv`: the files of each split, in order. */
async function filesBySplit(args: readonly string[], split: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const arg of args) {
    const m = SPLIT_ARG.exec(arg);
    const [name, path] = m ? [m[1]!, m[2]!] : [split, arg];
    out.set(name, [...(out.get(name) ?? []), ...(await expand(path))]);
  }
  return out;
}

const FEATURES_FIX =
  'give datasets\' features JSON, e.g. \'{"text": {"dtype": "string", "_type": "Value"}}\', or the path of a file holding it';

/** `--features`: datasets' features dict (or a whole `huggingface` footer value), inline or in a file. */
async function featuresOption(value: string | undefined) {
  if (value === undefined) return undefined;
  const inline = value.trimStart().startsWith("{");
  let text = value;
  if (!inline) {
    try {
      text = await readFile(value, "utf8");
    } catch (error) {
      const code = (error as { code?: string }).code ?? String(error);
      throw new InvalidInputError(`--features: cannot read the file ${value} (${code}); ${FEATURES_FIX}.`, {
        field: "features",
      });
    }
  }
  const where = inline ? "" : ` in ${value}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(
      `--features: not valid JSON${where} (${(error as Error).message}); ${FEATURES_FIX}.`,
      { field: "features" },
    );
  }
  const footer = typeof parsed === "object" && parsed !== null && "info" in parsed;
  const { featuresFromHuggingfaceJson } = await import("@hfkit/datasets");
  try {
    return featuresFromHuggingfaceJson(footer ? text : JSON.stringify({ info: { features: parsed } }));
  } catch (error) {
    const message = (error as Error).message.replace(/^huggingface metadata (info\.features\.?)?/, "");
    throw new InvalidInputError(`--features: ${message}${where}; ${FEATURES_FIX}.`, { field: "features" });
  }
}

/**
 * Shard and phase lines on stderr, and progress (observe.ts: bars on a terminal for the rows
 * read and the bytes uploaded, JSON lines with --log-format json). Call `finish()` at the end.
 */
class PushProgress {
  private constructor(
    private readonly context: CliContext,
    private readonly stop: () => void,
    private readonly formatBytes: (bytes: number) => string,
  ) {}
  static async start(context: CliContext): Promise<PushProgress> {
    const { formatBytes } = await import("@hfkit/observability");
    // Before the push starts, so that its spans (the phases the bars name) are seen from the first.
    return new PushProgress(context, await startProgress(context), formatBytes);
  }
  update(event: PushProgressEvent): void {
    switch (event.type) {
      case "shards-planned":
        this.context.note(
          `${event.split}: ${event.numRows.toLocaleString("en")} rows, ${this.formatBytes(event.numBytes)} in Arrow → ${event.numShards} shard(s)`,
        );
        break;
      case "shard-written":
        this.context.note(
          `  ${event.shard.pathInRepo} (${event.shard.rows.toLocaleString("en")} rows, ${this.formatBytes(event.shard.bytes)})`,
        );
        break;
      case "repo-created":
        this.context.note(`created ${event.url}`);
        break;
      case "push-retry":
        this.context.note(
          `the branch moved (${event.status}); reading the card again (attempt ${event.attempt + 1})`,
        );
        break;
      case "rows-progress":
      case "shard-progress":
      case "shard-uploaded":
      // The shard lines above say what goes up; the preupload's LFS/regular count (every shard
      // LFS, README.md regular) and "nothing changed" (the result line says it) would be noise.
      case "preupload-done":
      case "commit-skipped":
        break;
      default: {
        const note = commitNote(event);
        if (note !== undefined) this.context.note(note);
      }
    }
  }
  finish(): void {
    this.stop();
  }
}

function registerPush(group: Command, context: CliContext): void {
  withHubOptions(
    group
      .command("push")
      .description(
        "push JSONL, JSON, CSV/TSV or Parquet files as Parquet shards with their card, as datasets.push_to_hub",
      )
      .argument("<repo_id>", DATASET_ID_HELP)
      .argument(
        "<files...>",
        'input files or folders for --split, or "split=file" for several splits at once',
      )
      .option("--split <name>", "split of the files not given as split=file", "train")
      .option("--config <name>", "config name", "default")
      .option("--data-dir <dir>", 'folder of the shards (default: "data", or the config name)')
      .option("--max-shard-size <size>", 'largest Arrow size of a shard, e.g. "500MB" (the default)')
      .option("--num-shards <n>", "an exact shard count per split (not with --max-shard-size)")
      .option(
        "--features <json|file>",
        'features as datasets\' JSON, e.g. \'{"label": {"names": ["neg", "pos"], "_type": "ClassLabel"}}\'',
      )
      .option("--set-default", "make this config the one load_dataset(repo) loads")
      .option("--private", "make the repo private if it has to be created")
      .option("--create-pr", "open a pull request instead of committing")
      .option("--revision <branch>", "branch to push to (created when missing)")
      .option("--commit-message <message>", 'commit title (default "Upload dataset")')
      .option("--commit-description <text>", "commit description")
      .option("--dry-run <dir>", "write the shards and README.md to this folder and upload nothing")
      .addHelpText(
        "after",
        [
          "",
          "A folder pushes every data file in it. One split (the files without split=) is added to",
          "the config, replacing that split's shards; several splits at once replace the config's",
          "splits (other files directly under its data folder are deleted), as",
          "DatasetDict.push_to_hub does. README.md keeps everything else it holds. Pushing the same",
          "data again makes no commit.",
          examples(
            "hfkit datasets push acme/reviews reviews.jsonl",
            "hfkit datasets push acme/reviews train=train.jsonl test=test.csv",
          ),
        ].join("\n"),
      ),
  ).action(async (repoId: string, files: string[], options: PushOptions) => {
    const { parseSize, pushDatasetIter } = await import("@hfkit/datasets");
    const repo = repoArgument(repoId, "dataset");
    let maxShardSize: number | undefined;
    if (options.maxShardSize !== undefined) {
      // Refused as bad usage, named as typed (the library's field is maxShardSize); the push
      // gets the bytes parsed here.
      try {
        maxShardSize = parseSize(options.maxShardSize, "--max-shard-size");
      } catch (error) {
        throw new InvalidInputError((error as Error).message, { field: "max-shard-size" });
      }
    }
    const bySplit = await filesBySplit(files, options.split ?? "train");
    const features = await featuresOption(options.features);
    const numShards = positiveInt(options.numShards, "num_shards");
    const data: { data: DatasetInput; split: string } | { splits: Record<string, DatasetInput> } =
      bySplit.size === 1
        ? { data: [...bySplit.values()][0]!, split: [...bySplit.keys()][0]! }
        : { splits: Object.fromEntries(bySplit) };
    const client = await context.client(options);
    const progress = await PushProgress.start(context);
    const run = pushDatasetIter(client, {
      repo,
      ...data,
      config: options.config ?? "default",
      signal: context.signal,
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      ...(maxShardSize !== undefined ? { maxShardSize } : {}),
      ...(numShards !== undefined ? { numShards } : {}),
      ...(features !== undefined ? { features } : {}),
      ...(options.setDefault ? { setDefault: true } : {}),
      ...(options.private ? { private: true } : {}),
      ...(options.createPr ? { createPr: true } : {}),
      ...(options.revision !== undefined ? { revision: options.revision } : {}),
      ...(options.commitMessage !== undefined ? { commitMessage: options.commitMessage } : {}),
      ...(options.commitDescription !== undefined ? { commitDescription: options.commitDescription } : {}),
      ...(options.dryRun !== undefined ? { dryRun: options.dryRun } : {}),
    });
    let step: IteratorResult<PushProgressEvent, PushDatasetResult>;
    try {
      step = await run.next();
      while (!step.done) {
        progress.update(step.value);
        step = await run.next();
      }
    } finally {
      progress.finish();
    }
    const { readme: _readme, repo: _repo, ...result } = step.value;
    context.print(options.format, { repo, ...result }, () =>
      result.dryRunFolder !== undefined
        ? `dry run: shards and README.md in ${result.dryRunFolder}; ${result.operations.length} operation(s) planned`
        : result.created
          ? [result.pullRequestUrl, result.commitUrl].filter(Boolean).join("\n")
          : `nothing changed: no commit made (${result.commitUrl})`,
    );
  });
}

function registerDeleteConfig(group: Command, context: CliContext): void {
  withHubOptions(
    group
      .command("delete-config")
      .description("delete a config: its files and its card entries, in one commit")
      .argument("<repo_id>", DATASET_ID_HELP)
      .argument("<config>", "the config to delete")
      .option("--revision <branch>", "branch to commit to", "main")
      .option("--create-pr", "open a pull request instead (what datasets' delete_from_hub does)")
      .addHelpText("after", examples("hfkit datasets delete-config acme/reviews fr --create-pr")),
  ).action(
    async (
      repoId: string,
      config: string,
      options: HubCommandOptions & { revision: string; createPr?: boolean },
    ) => {
      const { deleteDatasetConfig } = await import("@hfkit/datasets");
      const repo = repoArgument(repoId, "dataset");
      const result = await deleteDatasetConfig(await context.client(options), {
        repo,
        config,
        revision: options.revision,
        signal: context.signal,
        ...(options.createPr ? { createPr: true } : {}),
      });
      context.note(`deleted ${result.deleted.length} file(s) of config "${config}"`);
      context.print(options.format, { repo, config, ...result }, () =>
        [result.pullRequestUrl, result.commitUrl].filter(Boolean).join("\n"),
      );
    },
  );
}

function registerInfo(group: Command, context: CliContext): void {
  withHubOptions(
    group
      .command("info")
      .description("configs, splits, rows, sizes and features from the dataset card")
      .argument("<repo_id>", DATASET_ID_HELP)
      .option("--revision <rev>", "branch, tag or commit", "main")
      .addHelpText("after", examples("hfkit datasets info acme/reviews --format json")),
  ).action(async (repoId: string, options: HubCommandOptions & { revision: string }) => {
    const [{ downloadFile }, { getDatasetConfigs, getDatasetInfos, parseCard }, { formatBytes }] =
      await Promise.all([import("@hfkit/repo"), import("@hfkit/cards"), import("@hfkit/observability")]);
    const repo = repoArgument(repoId, "dataset");
    let text = "";
    try {
      const { bytes } = await downloadFile(await context.client(options), {
        repo,
        path: "README.md",
        revision: options.revision,
        to: "memory",
        signal: context.signal,
      });
      text = new TextDecoder().decode(bytes);
    } catch (error) {
      // No README.md is a dataset without configs; no repo or no such revision is an error.
      if (
        !(error instanceof NotFoundError) ||
        error instanceof RepoNotFoundError ||
        error instanceof RevisionNotFoundError
      ) {
        throw error;
      }
    }
    const card = parseCard(text);
    const infos = getDatasetInfos(card);
    const configs = getDatasetConfigs(card).map((c) => {
      const info = infos.find((i) => i.configName === c.configName);
      return {
        config: c.configName,
        default: c.default === true || c.configName === "default",
        splits: (info?.splits ?? []).map((s) => ({
          split: s.name,
          numExamples: s.numExamples,
          numBytes: s.numBytes,
        })),
        downloadSize: info?.downloadSize,
        datasetSize: info?.datasetSize,
        features: info?.raw.features,
      };
    });
    context.print(options.format, { repo, configs }, () =>
      configs.length === 0
        ? "no configs in README.md"
        : configs
            .map((c) =>
              [
                `${c.config}${c.default && c.config !== "default" ? " (default)" : ""}: ${c.downloadSize !== undefined ? formatBytes(c.downloadSize) : "?"} of Parquet`,
                ...c.splits.map((s) => `  ${s.split}: ${s.numExamples.toLocaleString("en")} rows`),
                `  columns: ${(Array.isArray(c.features) ? c.features : []).map((f: { name?: string }) => f.name).join(", ")}`,
              ].join("\n"),
            )
            .join("\n"),
    );
  });
}

/** JSON for a row: bigints as numbers when exact, bytes as base64. */
function rowJson(row: unknown): string {
  return JSON.stringify(row, (_key, value: unknown) => {
    if (typeof value === "bigint")
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
    return value;
  });
}

function registerRows(group: Command, context: CliContext): void {
  withHubOptions(
    group
      .command("rows")
      .description("print a split's rows as JSON Lines (with --format json, one document)")
      .argument("<repo_id>", DATASET_ID_HELP)
      .option("--config <name>", "config (default: the card's default)")
      .option("--split <name>", 'split (default: "train" or the first)')
      .option("--limit <n>", "stop after this many rows")
      .option("--revision <rev>", "branch, tag or commit", "main")
      .addHelpText("after", examples("hfkit datasets rows acme/reviews --split test --limit 5")),
  ).action(
    async (
      repoId: string,
      options: HubCommandOptions & { config?: string; split?: string; limit?: string; revision: string },
    ) => {
      const { loadDataset } = await import("@hfkit/datasets");
      const repo = repoArgument(repoId, "dataset");
      const limit = positiveInt(options.limit, "limit") ?? Number.POSITIVE_INFINITY;
      const rows: string[] = [];
      for await (const row of loadDataset(await context.client(options), {
        repo,
        revision: options.revision,
        signal: context.signal,
        ...(options.config !== undefined ? { config: options.config } : {}),
        ...(options.split !== undefined ? { split: options.split } : {}),
      })) {
        if (rows.length >= limit) break;
        if (options.format === "json") rows.push(rowJson(row));
        else context.io.stdout.write(`${rowJson(row)}\n`);
      }
      if (options.format === "json") {
        context.print("json", { repo, rows: rows.map((r) => JSON.parse(r) as unknown) }, () => "");
      }
    },
  );
}

/**
 * `hfkit datasets push | delete-config | info | rows`: tabular files to a Hub dataset as
 * `datasets.push_to_hub` writes it, and back.
 */
export function registerDatasetsCommand(program: Command, context: CliContext): void {
  const group = program
    .command("datasets")
    .helpGroup(HELP_GROUPS.datasets)
    .description("push tabular files as a Hub dataset (Parquet shards and card), inspect and read it back");
  registerPush(group, context);
  registerDeleteConfig(group, context);
  registerInfo(group, context);
  registerRows(group, context);
}
