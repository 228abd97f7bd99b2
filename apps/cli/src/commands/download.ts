import { formatRepoId, type RepoType } from "@hfkit/http";
import type { DownloadedFile } from "@hfkit/repo";
import { type Command, Option } from "commander";
import {
  type CliContext,
  checkFolder,
  type HubCommandOptions,
  positiveInt,
  repeatable,
  withHubOptions,
} from "../context.js";
import { examples, HELP_GROUPS } from "../help.js";
import { startProgress } from "../observe.js";
import { REPO_ID_HELP, repoArgument, repoTypeOption } from "../repo-command.js";

interface DownloadOptions extends HubCommandOptions {
  repoType?: RepoType;
  revision?: string;
  include?: string[];
  exclude?: string[];
  localDir?: string;
  cacheDir?: string;
  force?: boolean;
  verify?: boolean;
  verifySha256?: boolean;
  maxWorkers?: string;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

/**
 * `hfkit download <id> [files…]`, as `hf download`: the named files, or the whole repo
 * filtered by `--include`/`--exclude`, into the shared cache (or `--local-dir`). Prints the
 * path of each file, or of the snapshot folder.
 */
export function registerDownloadCommand(program: Command, context: CliContext): void {
  withHubOptions(
    program
      .command("download")
      .helpGroup(HELP_GROUPS.files)
      .description("download files or a whole repo into the Hugging Face cache (or a folder)")
      .addHelpText(
        "after",
        examples(
          "hfkit download acme/bert config.json",
          "hfkit download datasets/acme/reviews --include '*.parquet' --local-dir ./reviews",
        ),
      )
      .argument("<repo_id>", REPO_ID_HELP)
      .argument("[files...]", "files to download (default: the whole repo)")
      .addOption(repoTypeOption())
      .option("--revision <rev>", "branch, tag, commit or refs/pr/N (default: main)")
      .option(
        "--include <pattern>",
        "only files matching this pattern (repeatable; * also matches /)",
        repeatable,
      )
      .option("--exclude <pattern>", "skip files matching this pattern (repeatable)", repeatable)
      .option("--local-dir <dir>", "write real files into this folder instead of the cache")
      .option("--cache-dir <dir>", "cache folder (default: HF_HUB_CACHE, then $HF_HOME/hub)")
      .option("--force", "download again even if cached")
      // Python's `hf download` spells it --force-download.
      .addOption(new Option("--force-download", "same as --force").implies({ force: true }).hideHelp())
      .option("--verify", "re-hash cached files before using them, and fetch again any that do not match")
      .option(
        "--verify-sha256",
        "check files read through Xet against their SHA-256 as well as their Xet hash (more CPU)",
      )
      .option("--max-workers <n>", "files downloaded at once (default: 8)"),
  ).action(async (id: string, files: string[], options: DownloadOptions) => {
    // Refused before any request: "0" or "many" used to fall back to 8 without a word.
    const concurrency = positiveInt(options.maxWorkers, "--max-workers");
    await checkFolder(options.localDir, "--local-dir");
    await checkFolder(options.cacheDir, "--cache-dir");
    const { downloadFile, snapshotDownloadIter } = await import("@hfkit/repo");
    // Bars on a terminal (JSON lines with --log-format json): piped output stays the command's own lines.
    const stopProgress = await startProgress(context);
    try {
      const client = await context.client(options);
      const repo = repoArgument(id, options.repoType);
      const revision = options.revision ?? "main";
      const common = {
        repo,
        ...(options.revision ? { revision: options.revision } : {}),
        ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
        ...(options.force ? { force: true } : {}),
        ...(options.verify ? { verify: true } : {}),
        ...(options.verifySha256 ? { verifySha256: true } : {}),
        signal: context.signal,
      };
      if (files.length > 0) {
        if (options.include?.length || options.exclude?.length) {
          context.note("Files were named: --include and --exclude are ignored.");
        }
        const results: DownloadedFile[] = [];
        for (const path of files) {
          results.push(
            await downloadFile(client, {
              ...common,
              path,
              ...(options.localDir ? { to: { localDir: options.localDir } } : {}),
            }),
          );
        }
        context.print(
          options.format,
          {
            repo,
            revision,
            files: results.map((r, i) => ({
              path: files[i],
              localPath: r.path,
              commit: r.commit,
              size: r.size,
              fromCache: r.fromCache,
            })),
          },
          () => results.map((r) => r.path).join("\n"),
          () => results.map((r) => r.path),
        );
        return;
      }
      const run = snapshotDownloadIter(client, {
        ...common,
        ...(options.include?.length ? { include: options.include } : {}),
        ...(options.exclude?.length ? { exclude: options.exclude } : {}),
        ...(options.localDir ? { localDir: options.localDir } : {}),
        ...(concurrency !== undefined ? { concurrency } : {}),
      });
      for (;;) {
        const step = await run.next();
        if (step.done) {
          const { path, commit, files: downloaded } = step.value;
          context.print(options.format, { repo, revision, commit, path, files: downloaded }, () => path);
          return;
        }
        if (step.value.type === "snapshot-resolved" && options.format === "human") {
          const { files: count, totalBytes, commit } = step.value;
          context.note(
            `Fetching ${count} files (${megabytes(totalBytes)}) of ${formatRepoId(repo)} at ${commit.slice(0, 8)}`,
          );
        }
      }
    } finally {
      stopProgress();
    }
  });
}
