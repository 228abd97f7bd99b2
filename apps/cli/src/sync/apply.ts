import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import type { HubClient } from "@hfkit/http";
import { acquireFileLock, snapshotDownloadIter } from "@hfkit/repo";
import { missingFiles, placeFile } from "./materialize.js";
import type { SyncProblem } from "./requests.js";
import { literalPattern, type ResolvedAdd } from "./resolve.js";
import {
  type ActiveEntry,
  appendHistory,
  audit,
  type HistoryEvent,
  readState,
  statePaths,
  writeActive,
} from "./state.js";
import { type ValidatedSync, type ValidateSyncOptions, validateSync } from "./validate.js";

export interface ApplySyncOptions extends ValidateSyncOptions {
  storage: string;
  /** Hub cache folder; default the client's (`HF_HUB_CACHE`). */
  cacheDir?: string;
  /** Report what would be done, and do nothing. */
  dryRun?: boolean;
  /** Files downloaded at once, across datasets. Default 8. */
  concurrency?: number;
  /** Delete the archived folders (they are otherwise kept in `.hfkit-sync/archive/`). */
  prune?: boolean;
  /** Called as the work goes: one event per dataset started, done, skipped, archived. */
  onEvent?: (event: SyncEvent) => void;
}

export type SyncEvent =
  | {
      type: "dataset-started";
      index: number;
      total: number;
      hfId: string;
      folder: string;
      files: number;
      bytes: number;
    }
  | { type: "dataset-added"; hfId: string; folder: string; downloaded: number; fromCache: number }
  | { type: "dataset-skipped"; index: number; total: number; hfId: string; folder: string }
  | { type: "dataset-failed"; hfId: string; folder: string; reason: string }
  | { type: "dataset-archived"; hfId: string; folder: string; reason: string }
  | { type: "archive-pruned"; folder: string };

interface DatasetLine {
  /** Absent only for a problem found in a request that could not be read as one. */
  hfId?: string;
  folder?: string;
  commit?: string;
  files?: number;
  bytes?: number;
  reason?: string;
  requestFile?: string;
  requestLine?: number;
}

/** What `apply` did (or, with `dryRun`, would do): the `--results` file and the JSON output. */
export interface SyncResults {
  /** True when everything requested is in place (and nothing failed). */
  ok: boolean;
  dryRun: boolean;
  storage: string;
  added: DatasetLine[];
  skipped: DatasetLine[];
  removed: DatasetLine[];
  failed: DatasetLine[];
  problems: SyncProblem[];
}

const line = (entry: ResolvedAdd, extra: Partial<DatasetLine> = {}): DatasetLine => ({
  hfId: entry.request.hfId,
  folder: entry.folder,
  commit: entry.commit,
  files: entry.files.length,
  bytes: entry.bytes,
  requestFile: entry.request.source.file,
  requestLine: entry.request.source.line,
  ...extra,
});

const sameTarget = (a: ActiveEntry, b: ResolvedAdd) =>
  a.repoType === b.request.repo.type &&
  a.hfId === b.request.repo.name &&
  a.revision === b.request.revision &&
  a.subset === b.subset &&
  a.split === b.request.split;

/** The same selection of files: changed globs at the same commit mean fetching again. */
const sameFiles = (a: ActiveEntry, b: ResolvedAdd) =>
  a.files.length === b.files.length &&
  a.files.every((f, i) => f.path === b.files[i]!.path && f.oid === b.files[i]!.oid);

function activeEntry(entry: ResolvedAdd, how: ActiveEntry["materialized"]): ActiveEntry {
  const { request } = entry;
  return {
    folder: entry.folder,
    hfId: request.repo.name,
    repoType: request.repo.type,
    description: request.description,
    revision: request.revision,
    commit: entry.commit,
    ...(entry.subset !== undefined ? { subset: entry.subset } : {}),
    ...(request.split !== undefined ? { split: request.split } : {}),
    ...(request.include ? { include: request.include } : {}),
    ...(request.exclude ? { exclude: request.exclude } : {}),
    requestFile: request.source.file,
    requestLine: request.source.line,
    files: entry.files,
    bytes: entry.bytes,
    materialized: how,
    syncedAt: new Date().toISOString(),
  };
}

/**
 * When `apply` refuses, every request has failed: with its own problems as the reason, or
 * because of the others'. A problem belongs to the request whose lines it falls in.
 */
function refusedLines(validated: ValidatedSync): DatasetLine[] {
  const requests = [...validated.requests.adds, ...validated.requests.removes];
  const owner = (p: SyncProblem) =>
    requests
      .filter((r) => r.source.file === p.file && r.source.line <= p.line)
      .sort((a, b) => b.source.line - a.source.line)[0];
  const lines: DatasetLine[] = [];
  const where = (r: { source: { file: string; line: number } }) => ({
    requestFile: r.source.file,
    requestLine: r.source.line,
  });
  for (const request of requests) {
    const own = validated.problems.filter((p) => owner(p) === request);
    lines.push({
      hfId: request.hfId,
      reason: own.length
        ? own.map((p) => `${p.field}: ${p.message}`).join("; ")
        : "not applied: other requests have problems",
      ...where(request),
    });
  }
  for (const p of validated.problems.filter((p) => owner(p) === undefined)) {
    lines.push({ reason: `${p.field}: ${p.message}`, requestFile: p.file, requestLine: p.line });
  }
  return lines;
}

/**
 * Downloads one resolved request through the hub cache (resuming what an earlier run left) and
 * materializes it in `partial/<folder>`, then renames it into the storage: the storage's top
 * level only ever holds complete datasets.
 */
async function fetchDataset(
  client: HubClient,
  entry: ResolvedAdd,
  options: ApplySyncOptions,
): Promise<{ how: ActiveEntry["materialized"]; downloaded: number; fromCache: number }> {
  const paths = statePaths(options.storage);
  const partial = join(paths.dir, "partial", entry.folder);
  const final = join(options.storage, entry.folder);
  const sizes = new Map(entry.files.map((f) => [f.path, f.size]));
  let how: ActiveEntry["materialized"] = "hardlink";
  let downloaded = 0;
  let fromCache = 0;
  const run = snapshotDownloadIter(client, {
    repo: entry.request.repo,
    revision: entry.commit,
    include: entry.files.map((f) => literalPattern(f.path)),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  for (let step = await run.next(); !step.done; step = await run.next()) {
    const event = step.value;
    if (event.type !== "file-downloaded") continue;
    const target = join(partial, ...event.path.split("/"));
    if (relative(partial, target).startsWith(".."))
      throw new Error(`${event.path}: a path that leaves the dataset's folder`);
    if (event.fromCache) fromCache++;
    else downloaded++;
    if ((await placeFile(event.localPath, target, sizes.get(event.path) ?? event.size)) === "copy")
      how = "copy";
  }
  const missing = await missingFiles(partial, entry.files);
  if (missing.length > 0)
    throw new Error(`${missing.length} file(s) missing after the download, e.g. ${missing[0]}`);
  await rm(final, { recursive: true, force: true });
  await rename(partial, final);
  return { how, downloaded, fromCache };
}

async function archiveFolder(storage: string, folder: string): Promise<void> {
  const paths = statePaths(storage);
  const from = join(storage, folder);
  if (!(await stat(from).catch(() => undefined))) return;
  await mkdir(paths.archive, { recursive: true });
  let to = join(paths.archive, folder);
  if (await stat(to).catch(() => undefined)) to = `${to}.${Date.now()}`;
  await rename(from, to);
}

/**
 * Makes the storage hold exactly what the requests ask for: validates them all first (and
 * refuses, downloading nothing, if any problem is found), downloads what is missing through the
 * shared cache, skips what is complete, and archives what is no longer requested (a removal, a
 * revision that moved, a request file that is gone). Writes `active.json`, `archived.json`
 * and the audit log as it goes, so an interrupted run resumes where it stopped.
 */
export async function applySync(client: HubClient, options: ApplySyncOptions): Promise<SyncResults> {
  const results: SyncResults = {
    ok: false,
    dryRun: options.dryRun === true,
    storage: options.storage,
    added: [],
    skipped: [],
    removed: [],
    failed: [],
    problems: [],
  };
  const emit = options.onEvent ?? (() => {});
  const validated = await validateSync(client, options);
  const run = randomBytes(6).toString("hex");
  const log = (op: string, fields?: Record<string, unknown>) =>
    options.dryRun ? Promise.resolve() : audit(options.storage, run, op, fields);
  if (validated.problems.length > 0) {
    results.problems = validated.problems;
    results.failed = refusedLines(validated);
    await log("apply-refused", { problems: validated.problems.length });
    return results;
  }
  const lock = options.dryRun
    ? undefined
    : await acquireFileLock(statePaths(options.storage).lock, {
        ...(options.signal ? { signal: options.signal } : {}),
      });
  try {
    const state = options.dryRun
      ? { active: validated.active, history: [] }
      : await readState(options.storage);
    let active = [...state.active];
    // The history is appended as things happen: a run killed later still leaves its record.
    const record = (event: HistoryEvent) =>
      options.dryRun ? Promise.resolve() : appendHistory(options.storage, [event]);
    const now = () => new Date().toISOString();
    await log("apply-started", { path: options.path, requests: validated.resolved.length });
    const total = validated.resolved.length;
    for (const [i, entry] of validated.resolved.entries()) {
      const existing = active.find((a) => a.folder === entry.folder);
      if (
        existing &&
        sameFiles(existing, entry) &&
        (await missingFiles(join(options.storage, entry.folder), existing.files)).length === 0
      ) {
        // Complete: only the request's own fields (description, request file) are brought up to date.
        if (!options.dryRun) {
          const updated = { ...activeEntry(entry, existing.materialized), syncedAt: existing.syncedAt };
          active = [...active.filter((a) => a !== existing), updated];
        }
        results.skipped.push(line(entry, { reason: "complete" }));
        emit({
          type: "dataset-skipped",
          index: i + 1,
          total,
          hfId: entry.request.hfId,
          folder: entry.folder,
        });
        await log("dataset-skipped", { hfId: entry.request.hfId, folder: entry.folder });
        continue;
      }
      emit({
        type: "dataset-started",
        index: i + 1,
        total,
        hfId: entry.request.hfId,
        folder: entry.folder,
        files: entry.files.length,
        bytes: entry.bytes,
      });
      if (options.dryRun) {
        results.added.push(
          line(entry, { reason: existing ? "incomplete: would fetch the missing files" : "would download" }),
        );
        continue;
      }
      await log("dataset-fetch", {
        hfId: entry.request.hfId,
        folder: entry.folder,
        commit: entry.commit,
        files: entry.files.length,
        bytes: entry.bytes,
      });
      try {
        const done = await fetchDataset(client, entry, options);
        active = [...active.filter((a) => a.folder !== entry.folder), activeEntry(entry, done.how)];
        await writeActive(options.storage, active);
        results.added.push(line(entry));
        await record({
          event: "added",
          at: now(),
          hfId: entry.request.hfId,
          folder: entry.folder,
          commit: entry.commit,
          requestFile: entry.request.source.file,
          requestLine: entry.request.source.line,
        });
        emit({
          type: "dataset-added",
          hfId: entry.request.hfId,
          folder: entry.folder,
          downloaded: done.downloaded,
          fromCache: done.fromCache,
        });
        await log("dataset-added", {
          hfId: entry.request.hfId,
          folder: entry.folder,
          downloaded: done.downloaded,
          fromCache: done.fromCache,
          materialized: done.how,
        });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        results.failed.push(line(entry, { reason }));
        await record({
          event: "failed",
          at: now(),
          hfId: entry.request.hfId,
          folder: entry.folder,
          commit: entry.commit,
          reason,
        });
        emit({ type: "dataset-failed", hfId: entry.request.hfId, folder: entry.folder, reason });
        await log("dataset-failed", { hfId: entry.request.hfId, folder: entry.folder, reason });
      }
    }
    // What the storage holds that no request asks for any more, and why it goes.
    const wanted = new Set(validated.resolved.map((r) => r.folder));
    for (const entry of active.filter((a) => !wanted.has(a.folder))) {
      const removal = validated.requests.removes.find(
        (r) => r.repo.type === entry.repoType && r.repo.name === entry.hfId,
      );
      const successor = validated.resolved.find((r) => sameTarget(entry, r));
      if (
        successor &&
        !results.added.some((a) => a.folder === successor.folder) &&
        !results.skipped.some((s) => s.folder === successor.folder)
      ) {
        continue; // the new revision is not in place: the old copy stays until it is
      }
      const reason = removal
        ? `removed: ${removal.reason} (${removal.source.file}:${removal.source.line})`
        : successor
          ? `revision ${entry.revision} moved from ${entry.commit.slice(0, 8)} to ${successor.commit.slice(0, 8)}`
          : "no request asks for it any more";
      results.removed.push({ hfId: entry.hfId, folder: entry.folder, commit: entry.commit, reason });
      emit({ type: "dataset-archived", hfId: entry.hfId, folder: entry.folder, reason });
      if (options.dryRun) continue;
      await archiveFolder(options.storage, entry.folder);
      active = active.filter((a) => a.folder !== entry.folder);
      await writeActive(options.storage, active);
      await record({
        event: "archived",
        at: now(),
        hfId: entry.hfId,
        folder: entry.folder,
        commit: entry.commit,
        reason,
      });
      await log("dataset-archived", { hfId: entry.hfId, folder: entry.folder, reason });
    }
    if (options.prune && !options.dryRun) {
      const archive = statePaths(options.storage).archive;
      for (const folder of await readdir(archive).catch(() => [] as string[])) {
        await rm(join(archive, folder), { recursive: true, force: true });
        await record({ event: "pruned", at: now(), hfId: "", folder });
        emit({ type: "archive-pruned", folder });
        await log("archive-pruned", { folder });
      }
    }
    if (!options.dryRun) {
      await writeActive(options.storage, active);
    }
    results.ok = results.failed.length === 0;
    await log("apply-finished", {
      ok: results.ok,
      added: results.added.length,
      skipped: results.skipped.length,
      removed: results.removed.length,
      failed: results.failed.length,
    });
    return results;
  } finally {
    await lock?.release();
  }
}
