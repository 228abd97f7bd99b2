import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { InvalidInputError } from "@hfkit/http";
import type { Command } from "commander";
import {
  type CliContext,
  checkFolder,
  type HubCommandOptions,
  type OutputFormat,
  positiveInt,
  withHubOptions,
  withOutputOptions,
} from "../context.js";
import { examples, HELP_GROUPS } from "../help.js";
import { startProgress } from "../observe.js";
import type { SyncResults } from "../sync/apply.js";

/** What the sync commands run on (zod, yaml, @hfkit/datasets…), loaded when one of them runs. */
const load = () => import("../sync/run.js");

interface SyncOptions extends HubCommandOptions {
  storage?: string;
  maxStorage?: string;
  cacheDir?: string;
  dryRun?: boolean;
  concurrency?: string;
  prune?: boolean;
  results?: string;
}

const STORAGE_HELP = "storage folder the datasets are mirrored into (default: HFKIT_SYNC_STORAGE)";

/** `--storage`, else `HFKIT_SYNC_STORAGE`; required where the command needs one; never a file. */
async function storageOf(options: SyncOptions, context: CliContext, required: true): Promise<string>;
async function storageOf(
  options: SyncOptions,
  context: CliContext,
  required: false,
): Promise<string | undefined>;
async function storageOf(
  options: SyncOptions,
  context: CliContext,
  required: boolean,
): Promise<string | undefined> {
  const storage = options.storage ?? context.io.env.HFKIT_SYNC_STORAGE?.trim();
  if (!storage && required) {
    throw new InvalidInputError(
      "storage: give --storage DIR (or set HFKIT_SYNC_STORAGE) for the folder to mirror into",
      {
        field: "storage",
      },
    );
  }
  await checkFolder(storage || undefined, "--storage");
  return storage ? resolve(storage) : undefined;
}

function registerValidate(group: Command, context: CliContext): void {
  withHubOptions(
    group
      .command("validate")
      .description(
        "check request files against the Hub (repos, revisions, subsets, splits, duplicates, quota) without downloading",
      )
      .addHelpText(
        "after",
        examples(
          "hfkit sync validate requests/",
          "hfkit sync validate datasets.yaml --max-storage 500GB --storage /data/hf",
        ),
      )
      .argument("<path>", "a request file, or a folder with add/*.yaml and remove/*.yaml")
      .option("--storage <dir>", STORAGE_HELP)
      .option("--max-storage <size>", 'largest total size of the requested datasets, e.g. "500GB"'),
  ).action(async (path: string, options: SyncOptions) => {
    const { formatBytes, formatProblem, parseSize, validateSync } = await load();
    const storage = await storageOf(options, context, false);
    const client = await context.client(options);
    const validated = await validateSync(client, {
      path,
      ...(storage ? { storage } : {}),
      ...(options.maxStorage ? { maxStorage: parseSize(options.maxStorage, "max-storage") } : {}),
      signal: context.signal,
    });
    const requested = validated.resolved.map((r) => ({
      hfId: r.request.hfId,
      folder: r.folder,
      commit: r.commit,
      files: r.files.length,
      bytes: r.bytes,
      requestFile: r.request.source.file,
      requestLine: r.request.source.line,
    }));
    const ok = validated.problems.length === 0;
    context.print(
      options.format,
      {
        ok,
        requests: requested,
        removes: validated.requests.removes.map((r) => ({
          hfId: r.hfId,
          reason: r.reason,
          requestFile: r.source.file,
          requestLine: r.source.line,
        })),
        problems: validated.problems,
      },
      () =>
        ok
          ? `${requested.map((r) => `ok ${r.hfId} → ${r.folder} (${r.files} files, ${formatBytes(r.bytes)})`).join("\n")}\n${requested.length} request(s) valid, ${formatBytes(requested.reduce((s, r) => s + r.bytes, 0))} in all`
          : `${validated.problems.map(formatProblem).join("\n")}\n${validated.problems.length} problem(s)`,
      () => validated.problems.map(formatProblem),
    );
    if (!ok) throw new SyncIncomplete(`${validated.problems.length} problem(s) in the requests`);
  });
}

/** Exit 1 with one line on stderr, once the details are printed on stdout. */
class SyncIncomplete extends Error {}

function registerApply(group: Command, context: CliContext): void {
  withHubOptions(
    group
      .command("apply")
      .description(
        "download what the requests ask for into the storage, resumably; archive what they no longer ask for",
      )
      .addHelpText(
        "after",
        examples(
          "hfkit sync apply requests/ --storage /data/hf",
          "hfkit sync apply requests/ --storage /data/hf --dry-run --results plan.json",
        ),
      )
      .argument("<path>", "a request file, or a folder with add/*.yaml and remove/*.yaml")
      .option("--storage <dir>", STORAGE_HELP)
      .option("--max-storage <size>", 'largest total size of the requested datasets, e.g. "500GB"')
      .option("--cache-dir <dir>", "hub cache folder (default: HF_HUB_CACHE, then $HF_HOME/hub)")
      .option("--dry-run", "print what would be added, skipped and archived; change nothing")
      .option("--concurrency <n>", "files downloaded at once (default: 8)")
      .option("--prune", "delete archived folders instead of keeping them in .hfkit-sync/archive")
      .option(
        "--results <file>",
        "write a JSON summary (added, skipped, removed, failed, with reasons) to FILE",
      ),
  ).action(async (path: string, options: SyncOptions) => {
    const { applySync, humanResults, parseSize, progressNote } = await load();
    const storage = await storageOf(options, context, true);
    const client = await context.client(options);
    const stopProgress = await startProgress(context);
    let results: SyncResults;
    try {
      results = await applySync(client, {
        path,
        storage,
        ...(options.maxStorage ? { maxStorage: parseSize(options.maxStorage, "max-storage") } : {}),
        ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
        ...(options.dryRun ? { dryRun: true } : {}),
        ...(options.prune ? { prune: true } : {}),
        ...(options.concurrency ? { concurrency: positiveInt(options.concurrency, "concurrency") } : {}),
        onEvent: (event) => progressNote(context, event),
        signal: context.signal,
      });
    } finally {
      stopProgress();
    }
    if (options.results) await writeFile(options.results, `${JSON.stringify(results, null, 2)}\n`);
    context.print(
      options.format,
      { ...results },
      () => humanResults(results),
      () => results.added.flatMap((d) => (d.folder ? [d.folder] : [])),
    );
    if (!results.ok) {
      throw new SyncIncomplete(
        results.problems.length > 0
          ? `${results.problems.length} problem(s) in the requests: nothing was downloaded`
          : `${results.failed.length} request(s) failed: not everything requested is in place`,
      );
    }
  });
}

function registerStatus(group: Command, context: CliContext): void {
  withOutputOptions(
    group
      .command("status")
      .description(
        "list the datasets the storage holds (from its manifests, checked on disk) and its history",
      )
      .addHelpText(
        "after",
        examples(
          "hfkit sync status --storage /data/hf",
          "hfkit sync status --storage /data/hf --format json",
        ),
      )
      .option("--storage <dir>", STORAGE_HELP),
  ).action(async (options: SyncOptions & { format: OutputFormat }) => {
    const { formatBytes, syncStatus } = await load();
    const status = await syncStatus(await storageOf(options, context, true));
    const incomplete = status.active.filter((a) => !a.complete);
    context.print(
      options.format,
      { ...status },
      () =>
        [
          ...status.active.map(
            (a) =>
              `${a.complete ? "ok  " : "MISSING"} ${a.folder}  ${a.files.length} files, ${formatBytes(a.bytes)}, synced ${a.syncedAt}${a.complete ? "" : ` (${a.missing.length} missing)`}`,
          ),
          `${status.active.length} active, ${status.history.filter((h) => h.event === "archived").length} archived`,
        ].join("\n"),
      () => status.active.map((a) => a.folder),
    );
    if (incomplete.length > 0)
      throw new SyncIncomplete(`${incomplete.length} dataset(s) have missing files: run hfkit sync apply`);
  });
}

/** `hfkit sync validate | apply | status`: datasets and models as code (request files in git, mirrored to a storage folder). */
export function registerSyncCommand(program: Command, context: CliContext): void {
  const group = program
    .command("sync")
    .helpGroup(HELP_GROUPS.datasets)
    .description(
      "mirror the datasets and models that request files (YAML, kept in git) ask for into a storage folder",
    );
  registerValidate(group, context);
  registerApply(group, context);
  registerStatus(group, context);
}
