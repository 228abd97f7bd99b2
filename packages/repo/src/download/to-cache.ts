import { mkdir, readdir, readlink, rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, sep } from "node:path";
import { type HubClient, HubError, isCommitId, type RepoId } from "@hfkit/http";
import { isAbandoned } from "@hfkit/http/work";
import {
  exists,
  fileSize,
  linkPointer,
  randomSuffix,
  readTextIfExists,
  writeFileAtomic,
} from "../cache/fs-utils.js";
import { cachedFileIntact, sizeInCachedTree } from "../cache/intact.js";
import { cacheLayout, checkRepoPath, type RepoCacheLayout } from "../cache/layout.js";
import { acquireCacheLock, type FileLockOptions } from "../cache/lock.js";
import { cacheMiss, lookupCachedFile } from "../cache/lookup.js";
import { commitOfMissingFile, type FileMetadata, getFileMetadata } from "../get-file-metadata.js";
import { blobNameOf } from "./server-values.js";
import { adoptPartial, type TransferOptions, writeVerified } from "./write-verified.js";

/** A file in the hub cache. */
export interface CachedFile {
  /** `snapshots/<commit>/<path>` (a symlink into `blobs/`). */
  path: string;
  commit: string;
  /** The blob's name; unknown only for a cache-only hit whose snapshot entry is a copy, not a link. */
  etag: string | undefined;
  size: number;
  /** True when nothing was downloaded. */
  fromCache: boolean;
}

export type NetworkPolicy = "online" | "offline" | "local-files-only";

export interface CacheDownload extends TransferOptions {
  client: HubClient;
  repo: RepoId;
  path: string;
  revision: string;
  cacheDir: string;
  network: NetworkPolicy;
  force?: boolean | undefined;
  /** Re-hash a cached file before serving it, and fetch it again if it does not match. */
  verify?: boolean | undefined;
  /** Metadata already known (from a tree listing): skips the HEAD request. */
  known?: FileMetadata | undefined;
  lock?: FileLockOptions | undefined;
  /**
   * What `prepareCache` found and made once for many files (a snapshot): `blobs/` and the
   * cache tag exist, and these are the partial downloads `blobs/` held, so no file lists the
   * folder again (a listing per file grew with the folder: quadratic over a snapshot).
   */
  prepared?: PreparedCache | undefined;
  onProgress?: ((bytes: number, total: number) => void) | undefined;
  signal?: AbortSignal | undefined;
}

// Same bytes as huggingface_hub writes (_local_folder.py CACHEDIR_TAG_CONTENT).
const CACHEDIR_TAG =
  "Signature: 8a477f597d28d172789f06886806bc55\n" +
  "# This file is a cache directory tag created by huggingface_hub.\n" +
  "# For information about cache directory tags, see:\n" +
  "#\thttps://bford.info/cachedir/\n";

/** See `CacheDownload.prepared`. */
export interface PreparedCache {
  /** Names of `*.incomplete` files in `blobs/` when the batch began. */
  leftovers: readonly string[];
  /** Names of the other files in `blobs/` then: a blob not among them is not looked for before its lock. */
  blobs: ReadonlySet<string>;
  /**
   * Paths (`/`-separated) in `snapshots/<commit>/` then, when the batch is of one commit: a
   * pointer not among them is not looked for before its download.
   */
  pointers?: ReadonlySet<string>;
}

/**
 * Makes `blobs/` and `CACHEDIR.TAG` once for a batch of downloads into one repo's cache, and
 * notes the partial downloads left there, for `CacheDownload.prepared`.
 */
export async function prepareCache(layout: RepoCacheLayout, commit?: string): Promise<PreparedCache> {
  await mkdir(layout.blobs, { recursive: true });
  // The lock folder too: each lock is then one exclusive create, not a mkdir first.
  await mkdir(dirname(layout.lock("0".repeat(40))), { recursive: true });
  await writeCachedirTag(layout.cacheDir);
  const names = await readdir(layout.blobs).catch(() => [] as string[]);
  const prepared: PreparedCache = {
    leftovers: names.filter((name) => name.endsWith(".incomplete")),
    blobs: new Set(names.filter((name) => !name.endsWith(".incomplete"))),
  };
  if (commit !== undefined) {
    // One listing (ENOENT on a first download) instead of a failed stat per file.
    const folder = layout.snapshot(commit);
    const entries = await readdir(folder, { recursive: true }).catch((error: unknown) =>
      (error as NodeJS.ErrnoException).code === "ENOENT" ? [] : undefined,
    );
    if (entries) prepared.pointers = new Set(entries.map((entry) => entry.split(sep).join("/")));
  }
  return prepared;
}

/** Records which commit a branch or tag resolved to (no newline, as Python writes it). */
export async function writeRef(layout: RepoCacheLayout, revision: string, commit: string): Promise<void> {
  if (revision === commit) return;
  const path = layout.ref(revision);
  if ((await readTextIfExists(path)) === commit) return;
  await writeFileAtomic(path, commit);
}

async function writeCachedirTag(cacheDir: string): Promise<void> {
  const path = join(cacheDir, "CACHEDIR.TAG");
  if (!(await exists(path))) await writeFile(path, CACHEDIR_TAG, { flag: "wx" }).catch(() => {});
}

/**
 * The cached file, if it is there and intact: its size must match what the listing, the
 * cached tree or `expectedSize` says (and with `verify` its hash its blob name), else it is
 * not served and gets fetched again (`undefined`). `"absent"`: no pointer there at all.
 */
async function hit(
  job: CacheDownload,
  layout: RepoCacheLayout,
  pointer: string,
  commit: string,
  expectedSize?: number,
): Promise<CachedFile | "absent" | undefined> {
  const size = await fileSize(pointer);
  if (size === undefined) return "absent";
  const expected = expectedSize ?? job.known?.size ?? (await sizeInCachedTree(layout, commit, job.path));
  if (!(await cachedFileIntact(pointer, { size: expected }, job.verify))) return undefined;
  const target = await readlink(pointer).catch(() => undefined);
  return { path: pointer, commit, etag: target ? basename(target) : undefined, size, fromCache: true };
}

function isCheckFailure(error: unknown): boolean {
  return HubError.isInstance(error) && error.code === "INVALID_RESPONSE";
}

/** Network errors and 5xx: the cases where huggingface_hub falls back to what is cached. */
function unreachable(error: unknown): boolean {
  return HubError.isInstance(error) && (error.code === "NETWORK_ERROR" || error.code === "SERVER_ERROR");
}

async function fromCacheOnly(
  job: CacheDownload,
  layout: RepoCacheLayout,
  why: "offline" | "local-files-only" | "unreachable",
  cause?: unknown,
): Promise<CachedFile> {
  const found = await lookupCachedFile(layout, job.revision, job.path);
  const cached = found.state === "found" ? await hit(job, layout, found.path, found.commit) : undefined;
  if (cached && cached !== "absent") return cached;
  throw cacheMiss(job, found.state, why, cause);
}

async function metadataOf(job: CacheDownload, layout: RepoCacheLayout): Promise<FileMetadata | CachedFile> {
  if (job.known) return job.known;
  const ask = (retry?: false) =>
    getFileMetadata(job.client, {
      repo: job.repo,
      path: job.path,
      revision: job.revision,
      signal: job.signal,
      retry,
    });
  try {
    // Asked once first, as huggingface_hub does: if the Hub is unreachable and the file is
    // cached, the cached copy is served at once instead of after the whole retry schedule.
    return await ask(false).catch(async (error: unknown) => {
      if (!unreachable(error) || job.force) throw error;
      const found = await lookupCachedFile(layout, job.revision, job.path);
      const cached = found.state === "found" ? await hit(job, layout, found.path, found.commit) : undefined;
      return cached && cached !== "absent" ? cached : await ask();
    });
  } catch (error) {
    const missingAt = commitOfMissingFile(error);
    if (missingAt) {
      // Cache the miss as Python does, so offline lookups can answer "absent" without the Hub.
      const marker = layout.noExist(missingAt, job.path);
      await mkdir(dirname(marker), { recursive: true });
      await writeFile(marker, "");
      await writeRef(layout, job.revision, missingAt);
    } else if (unreachable(error) && !job.force) {
      return fromCacheOnly(job, layout, "unreachable", error);
    }
    throw error;
  }
}

/**
 * Puts one file into the Python-compatible hub cache and returns its snapshot path. Order and
 * file names follow huggingface_hub (file_download.py): temp file `blobs/<etag>.<hex>.incomplete`,
 * checked, renamed to `blobs/<etag>`, then the relative symlink and `refs/<revision>`.
 */
export async function downloadToCache(job: CacheDownload): Promise<CachedFile> {
  const layout = cacheLayout(job.cacheDir, job.repo);
  checkRepoPath(job.path);
  // Whether the pointer at this commit was looked for and not found: not asked again below.
  let absentAt: string | undefined;
  if (isCommitId(job.revision) && !job.force) {
    const pointer = layout.pointer(job.revision, job.path);
    // Not there when the batch began (`prepared`): looked for under the lock below, if at all.
    const cached =
      job.prepared?.pointers?.has(job.path) === false
        ? "absent"
        : await hit(job, layout, pointer, job.revision);
    if (cached === "absent") absentAt = pointer;
    else if (cached) return cached;
  }
  if (job.network !== "online") return fromCacheOnly(job, layout, job.network);

  const meta = await metadataOf(job, layout);
  if ("fromCache" in meta) return meta;
  const pointer = layout.pointer(meta.commit, job.path);
  // A blob is named by its ETag only when that is a git blob id or a SHA-256; any other ETag
  // (a mirror's own) is never a file name: the blob is named by the hash of what arrived.
  const name = blobNameOf(meta.etag);
  const result: CachedFile = {
    path: pointer,
    commit: meta.commit,
    etag: name,
    size: meta.size,
    fromCache: true,
  };
  // Checked on use: a cached copy whose size differs from the Hub's (or, with `verify`, whose
  // hash differs from its name) is fetched again rather than served.
  const expected = { size: meta.size, etag: name };
  let stale = false;
  if (!job.force && absentAt !== pointer && (await exists(pointer))) {
    if (await cachedFileIntact(pointer, expected, job.verify)) {
      await writeRef(layout, job.revision, meta.commit).catch(() => {}); // a read-only cache still serves
      return result;
    }
    stale = true;
  }
  if (name !== undefined && !stale && job.verify && (await exists(layout.blob(name)))) {
    stale = !(await cachedFileIntact(layout.blob(name), expected, true));
  }
  // Asked again under the lock, by size only: another process may have fetched it meanwhile.
  const refetch = async (blob: string) => job.force || stale || !(await cachedFileIntact(blob, expected));
  // Before the lock, a blob absent when the batch began is not looked for: the check under the
  // lock (the one that counts: another process may have fetched it meanwhile) is enough.
  const unseen = name !== undefined && job.prepared !== undefined && !job.prepared.blobs.has(name);
  if (!job.prepared) {
    await mkdir(layout.blobs, { recursive: true });
    await writeCachedirTag(job.cacheDir);
  }
  await writeRef(layout, job.revision, meta.commit);

  if (name === undefined) {
    result.etag = await fetchBlob(job, meta, layout, undefined, false);
    result.fromCache = false;
  } else if (!meta.lfs) {
    // A regular (git-stored) file: at most 10 MiB, most a few KB. Its lock (a file created,
    // read back and removed: 9 of the 14 system calls of a new file) would cost more than the
    // duplicate transfer it may save; correctness never rested on it (ADR 0006).
    if (unseen || (await refetch(layout.blob(name)))) {
      await fetchBlob(job, meta, layout, name, false);
      result.fromCache = false;
    }
  } else if (unseen || (await refetch(layout.blob(name)))) {
    // The lock only saves bandwidth: correctness comes from private temp files and atomic renames.
    const lock = await acquireCacheLock(layout.lock(name), { ...job.lock, signal: job.signal });
    try {
      if (await refetch(layout.blob(name))) {
        await fetchBlob(job, meta, layout, name, lock.exclusive);
        result.fromCache = false;
      }
    } finally {
      await lock.release();
    }
  }
  await linkPointer(layout.blob(result.etag ?? ""), pointer);
  return result;
}

/** Downloads the blob into a temp file and renames it to its name (computed when `name` is undefined). */
async function fetchBlob(
  job: CacheDownload,
  meta: FileMetadata,
  layout: RepoCacheLayout,
  name: string | undefined,
  exclusive: boolean,
): Promise<string> {
  const temp = join(layout.blobs, `${name ?? "unnamed"}.${randomSuffix()}.incomplete`);
  // Leftovers of a killed download are only safe to take while holding the lock.
  const offset =
    exclusive && name ? await adoptPartial(layout.blobs, name, temp, meta.size, job.prepared?.leftovers) : 0;
  const write = (from: number) => writeVerified(job, meta, temp, from);
  let keep = false;
  let renamed = false;
  try {
    let digest: string | undefined;
    try {
      digest = await write(offset);
    } catch (error) {
      // A leftover that does not check out (written by something else) is dropped once.
      if (offset === 0 || !isCheckFailure(error)) throw error;
      digest = await write(0);
    }
    const final = name ?? digest;
    if (final === undefined) throw new Error("internal: no name for a downloaded blob");
    await rename(temp, layout.blob(final));
    renamed = true;
    return final;
  } catch (error) {
    // Bytes received before the network went away (or an interrupt) are kept for the next attempt
    // to resume from; bytes that failed their check are not, nor those of an abandoned download.
    keep = exclusive && !isCheckFailure(error) && !isAbandoned(job.signal);
    throw error;
  } finally {
    if (!keep && !renamed) await unlink(temp).catch(() => {});
  }
}
