import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { formatRepoId, type HubClient, HubError, isCommitId, parseRepoId, type RepoId } from "@hfkit/http";
import { drain, TaskGroup } from "@hfkit/http/work";
import PQueue from "p-queue";
import { isUnwritablePath } from "./cache/confine.js";
import { exists } from "./cache/fs-utils.js";
import { cacheLayout, checkRevision, type RepoCacheLayout } from "./cache/layout.js";
import { cachedCommit } from "./cache/lookup.js";
import { readTreeCache, writeTreeCache } from "./cache/tree-cache.js";
import { checkServerCommit, incompleteSnapshot, listedFileMetadata } from "./download/server-values.js";
import { downloadToCache, type NetworkPolicy, prepareCache, writeRef } from "./download/to-cache.js";
import { downloadToLocalDir } from "./download/to-local-dir.js";
import type { TransferOptions } from "./download/write-verified.js";
import { networkPolicy } from "./download-file.js";
import { localEntryNotFound } from "./errors.js";
import { downloadEvents, type FileDownloadProgressEvent } from "./events.js";
import type { FileMetadata } from "./get-file-metadata.js";
import { getRepoInfo } from "./get-repo-info.js";
import { listFiles } from "./list-files.js";
import { pathFilter } from "./patterns.js";
import type { RepoFile, RepoOperationOptions } from "./types.js";

export interface SnapshotDownloadOptions extends RepoOperationOptions, TransferOptions {
  /** Branch, tag, commit or `refs/pr/N`. Default `main`. */
  revision?: string;
  /** Only files matching one of these patterns (Python `fnmatch`: `*` also crosses `/`). */
  include?: string | readonly string[];
  /** Skip files matching one of these patterns. */
  exclude?: string | readonly string[];
  /** Write real files into this folder instead of the hub cache (huggingface_hub's `local_dir`). */
  localDir?: string;
  /** Hub cache folder. Default: `client.environment.hubCache`. */
  cacheDir?: string;
  /** Use only what is cached, never the network (also implied by `HF_HUB_OFFLINE=1`). */
  localFilesOnly?: boolean;
  /** Download every file again. */
  force?: boolean;
  /** Re-hash every cached file before using it, and fetch again those that do not match. */
  verify?: boolean;
  /** Files downloaded at once. Default 8 (huggingface_hub's `max_workers`). */
  concurrency?: number;
  /** Run downloads on this queue instead (e.g. to share one limit across snapshots). */
  downloadQueue?: PQueue;
}

export interface SnapshotFile {
  /** Path in the repo. */
  path: string;
  /** Where it is on disk. */
  localPath: string;
  size: number;
  fromCache: boolean;
}

export interface SnapshotDownloadResult {
  /** The snapshot folder (`snapshots/<commit>` in the cache) or the local folder. */
  path: string;
  /** Undefined only offline, for a local folder whose commit is not recorded in the cache. */
  commit: string | undefined;
  files: SnapshotFile[];
}

/** Progress of a snapshot download, in the order things happen. */
export type SnapshotDownloadEvent =
  | { type: "snapshot-resolved"; commit: string; files: number; totalBytes: number }
  | FileDownloadProgressEvent
  | ({ type: "file-downloaded" } & SnapshotFile);

const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function unreachable(error: unknown): boolean {
  return HubError.isInstance(error) && (error.code === "NETWORK_ERROR" || error.code === "SERVER_ERROR");
}

async function resolveCommit(
  client: HubClient,
  repo: RepoId,
  revision: string,
  network: NetworkPolicy,
  signal: AbortSignal | undefined,
): Promise<{ commit: string | undefined; error?: unknown }> {
  if (isCommitId(revision)) return { commit: revision };
  if (network !== "online") return { commit: undefined };
  try {
    const info = await getRepoInfo(client, { repo, revision, expand: ["sha"], signal });
    // It names the snapshot folder and the tree file: checked before it is used as a path.
    return { commit: checkServerCommit(info.sha, `the repo info of ${formatRepoId(repo)}`) };
  } catch (error) {
    // Like huggingface_hub, an unreachable Hub falls back to the cache; a wrong revision does not.
    if (unreachable(error)) return { commit: undefined, error };
    throw error;
  }
}

async function walk(dir: string, skip?: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) =>
      join(e.parentPath ?? e.path, e.name)
        .slice(dir.length + 1)
        .split("\\")
        .join("/"),
    )
    .filter((p) => skip === undefined || !p.startsWith(skip));
}

/** What can be served without the Hub: the cached snapshot (or local folder), if complete. */
async function fromDisk(
  options: SnapshotDownloadOptions,
  ctx: {
    repo: RepoId;
    revision: string;
    layout: RepoCacheLayout;
    keep: (p: string) => boolean;
    why: "offline" | "local-files-only" | "unreachable";
    cause?: unknown;
  },
): Promise<SnapshotDownloadResult> {
  const commit = await cachedCommit(ctx.layout, ctx.revision);
  const folder = options.localDir ?? (commit ? ctx.layout.snapshot(commit) : undefined);
  const missing = (path: string | undefined) =>
    localEntryNotFound(
      {
        repo: formatRepoId(ctx.repo),
        revision: ctx.revision,
        path,
        cacheDir: options.localDir ?? ctx.layout.cacheDir,
        reason: "not-cached",
      },
      ctx.why,
      ctx.cause,
    );
  if (!folder || !(await exists(folder))) throw missing(undefined);
  const present = (await walk(folder, options.localDir ? ".cache/" : undefined))
    .filter(ctx.keep)
    .sort(byPath);
  // With the commit's listing cached, a partial snapshot is told apart from a complete one.
  const tree = commit ? await readTreeCache(treeFile(options, ctx.layout, commit)) : undefined;
  const absent = tree?.filter((f) => ctx.keep(f.path) && !present.includes(f.path));
  if (absent?.length) throw missing(absent[0]!.path);
  const files = await Promise.all(
    present.map(async (path) => {
      const localPath = join(folder, ...path.split("/"));
      return { path, localPath, size: (await stat(localPath)).size, fromCache: true };
    }),
  );
  return { path: folder, commit, files };
}

function treeFile(options: SnapshotDownloadOptions, layout: RepoCacheLayout, commit: string): string {
  // Python keeps the listing next to what it describes: in the repo's cache folder, or in local_dir.
  return options.localDir
    ? join(options.localDir, ".cache", "huggingface", "trees", `${commit}.json`)
    : layout.tree(commit);
}

async function listSnapshot(
  client: HubClient,
  repo: RepoId,
  commit: string,
  file: string,
  signal: AbortSignal | undefined,
) {
  const cached = await readTreeCache(file);
  if (cached) return cached;
  const files: RepoFile[] = [];
  for await (const entry of listFiles(client, { repo, revision: commit, recursive: true, signal })) {
    if (entry.type === "file") files.push(entry);
  }
  await writeTreeCache(file, files).catch(() => {}); // a read-only cache still downloads
  return files;
}

/**
 * Downloads a repo at a revision, as a generator of progress events that returns the
 * result; {@link snapshotDownload} is the same without the events. Files go into the hub
 * cache (shared with Python) or into `localDir`, at most `concurrency` at a time. Progress
 * events of one file coalesce under a slow consumer; stopping the iteration (`break`) stops
 * every download and resolves only once they have all wound down, their temporary files gone.
 *
 * @example
 * const run = snapshotDownloadIter(hub, { repo: "acme/bert", include: ["*.json", "*.safetensors"] });
 * for (let step = await run.next(); ; step = await run.next()) {
 *   if (step.done) { console.log("snapshot at", step.value.path); break; }
 *   if (step.value.type === "file-downloaded") console.log(step.value.path);
 * }
 */
export async function* snapshotDownloadIter(
  client: HubClient,
  options: SnapshotDownloadOptions,
): AsyncGenerator<SnapshotDownloadEvent, SnapshotDownloadResult> {
  const repo = parseRepoId(options.repo);
  const revision = options.revision ?? "main";
  checkRevision(revision);
  const cacheDir = options.cacheDir ?? client.environment.hubCache;
  const layout = cacheLayout(cacheDir, repo);
  const network = networkPolicy(client, options.localFilesOnly);
  const keep = pathFilter(options.include, options.exclude);
  const label = { repo: formatRepoId(repo), revision };
  return yield* downloadEvents<SnapshotDownloadEvent, SnapshotDownloadResult>(
    label,
    { signal: options.signal },
    async (emit, signal) => {
      const { commit, error } = await resolveCommit(client, repo, revision, network, signal);
      if (commit === undefined || network !== "online") {
        const why = network === "online" ? "unreachable" : network;
        return await fromDisk(options, { repo, revision, layout, keep, why, cause: error });
      }
      const listed = (
        await listSnapshot(client, repo, commit, treeFile(options, layout, commit), signal)
      ).filter((f) => keep(f.path));
      // An entry the listing describes badly (a path that climbs out, a bogus size) fails alone.
      const failed: { path: string; error: unknown }[] = [];
      const known = new Map<RepoFile, FileMetadata>();
      for (const file of listed) {
        try {
          known.set(file, listedFileMetadata(file, commit, `the file listing of ${formatRepoId(repo)}`));
        } catch (error) {
          failed.push({ path: file.path, error });
        }
      }
      const selected = listed.filter((f) => known.has(f));
      if (!options.localDir) await writeRef(layout, revision, commit);
      // The folders, the cache tag and the list of partial downloads: once, not once per file.
      const prepared =
        options.localDir || selected.length === 0 ? undefined : await prepareCache(layout, commit);
      emit({
        type: "snapshot-resolved",
        commit,
        files: selected.length,
        totalBytes: selected.reduce((sum, f) => sum + f.size, 0),
      });
      const queue = options.downloadQueue ?? new PQueue({ concurrency: options.concurrency ?? 8 });
      // The first failure (or the caller's abort, or a `break`) stops every other download;
      // wait() returns only once each has settled and cleaned up after itself.
      const group = new TaskGroup(signal);
      const files: SnapshotFile[] = [];
      const fetchOne = async (file: RepoFile, stop: AbortSignal) => {
        stop.throwIfAborted(); // queued behind others while the group failed
        const job = {
          client,
          repo,
          path: file.path,
          revision: commit,
          cacheDir,
          network,
          force: options.force,
          verify: options.verify,
          // The listing already says what HEAD would: no request per file before its download.
          known: known.get(file),
          prepared,
          maxResumes: options.maxResumes,
          resumeDelayMs: options.resumeDelayMs,
          useXet: options.useXet,
          verifySha256: options.verifySha256,
          onProgress: (bytes: number, totalBytes: number) =>
            emit({ type: "file-download-progress", path: file.path, bytes, totalBytes }, file.path),
          signal: stop,
        };
        try {
          const done = options.localDir
            ? await downloadToLocalDir({ ...job, localDir: options.localDir })
            : await downloadToCache(job);
          const entry = { path: file.path, localPath: done.path, size: done.size, fromCache: done.fromCache };
          files.push(entry);
          emit({ type: "file-downloaded", ...entry });
        } catch (error) {
          // A path this file system cannot hold fails that file only; anything else stops the rest.
          if (!isUnwritablePath(error) || stop.aborted) throw error;
          failed.push({ path: file.path, error });
        }
      };
      for (const file of selected) group.spawn((stop) => queue.add(() => fetchOne(file, stop)));
      await group.wait();
      const path = options.localDir ?? layout.snapshot(commit);
      if (failed.length > 0) throw incompleteSnapshot(failed, files.length, path);
      files.sort((a, b) => byPath(a.path, b.path));
      return { path, commit, files };
    },
  );
}

/**
 * Downloads a repo at a revision into the hub cache (or `localDir`) and returns where it is.
 *
 * @example
 * const { path, commit } = await snapshotDownload(hub, { repo: "datasets/acme/reviews", include: "data/*" });
 */
export function snapshotDownload(
  client: HubClient,
  options: SnapshotDownloadOptions,
): Promise<SnapshotDownloadResult> {
  return drain(snapshotDownloadIter(client, options));
}
