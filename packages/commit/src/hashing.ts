import { TaskGroup } from "@hfkit/http/work";
import PQueue from "p-queue";
import type { CommitContext } from "./context.js";
import { type HashAlgorithm, hashSource } from "./hash.js";
import { HashWorkerPool } from "./hash-pool.js";
import type { PlannedAdd } from "./plan.js";

/**
 * Files at least this large go to a worker thread when two or more of them wait: starting a
 * worker costs ~30 ms, hashing 64 MiB about 40 ms, so smaller files stay on the main thread.
 */
export const WORKER_MIN_BYTES = 64 << 20;

export interface Hasher {
  hash(file: PlannedAdd, algorithm: HashAlgorithm, signal: AbortSignal): Promise<string>;
  close(): Promise<void>;
}

/**
 * Hashes on the main thread, or on a pool of worker threads when several large local files
 * are to be hashed (a second CPU then hashes in parallel, and the main thread stays free to
 * drive uploads): two 1 GiB files hash 1.46x faster (tooling/bench/hash-workers.mjs).
 */
export function createHasher(ctx: CommitContext, files: readonly PlannedAdd[]): Hasher {
  const large = files.filter((f) => f.source.filePath !== undefined && f.source.size >= WORKER_MIN_BYTES);
  const workers = Math.min(ctx.concurrency.hashWorkers, ctx.concurrency.hashing, large.length);
  const pool = large.length >= 2 && workers > 0 ? new HashWorkerPool(workers) : undefined;
  return {
    async hash(file, algorithm, signal) {
      const onProgress = (bytes: number) =>
        ctx.emit(
          { type: "file-hash-progress", path: file.path, bytesHashed: bytes, totalBytes: file.source.size },
          `hash:${file.path}`,
        );
      onProgress(0);
      const path = file.source.filePath;
      if (pool && path !== undefined && file.source.size >= WORKER_MIN_BYTES) {
        return pool.hash({ path, size: file.source.size, algorithm, field: file.field, onProgress, signal });
      }
      return hashSource({ source: file.source, algorithm, field: file.field, onProgress, signal });
    },
    async close() {
      await pool?.close();
    },
  };
}

/** Whether a file must be hashed: LFS files always, regular files only to compare with the remote. */
export function needsHash(file: PlannedAdd): boolean {
  if (file.ignored) return false;
  return file.mode === "lfs"
    ? file.sha256 === undefined
    : file.remoteOid !== undefined && file.gitOid === undefined;
}

/**
 * Marks a hashed file unchanged when its id equals what the revision holds at its path, and
 * reports it. Returns whether it is unchanged.
 */
export function checkUnchanged(ctx: CommitContext, file: PlannedAdd): boolean {
  if (file.unchanged) return true;
  const digest = file.mode === "lfs" ? file.sha256 : file.gitOid;
  if (file.remoteOid === undefined || digest === undefined || file.remoteOid !== digest) return false;
  file.unchanged = true;
  ctx.emit({ type: "file-skipped", path: file.path, reason: "unchanged" });
  return true;
}

/**
 * Files at least this large are LFS whatever the preupload says (the Hub refuses regular
 * files over 10 MiB), so their SHA-256 can start while the preupload is still in flight.
 */
export const SURELY_LFS_BYTES = 10 << 20;

/**
 * Hashes `files`, `hashing` at a time: the git blob id for files the preupload called
 * regular, else the SHA-256. A file whose id matches the revision is marked unchanged.
 * `onHashed` runs as each file is done; `keepGoing`, when given, is asked before each file
 * starts, so that speculative hashing can be cut short.
 */
export async function hashFiles(
  ctx: CommitContext,
  files: readonly PlannedAdd[],
  signal: AbortSignal,
  onHashed: (file: PlannedAdd) => void = () => {},
  keepGoing: () => boolean = () => true,
): Promise<void> {
  const hasher = createHasher(ctx, files);
  const queue = new PQueue({ concurrency: ctx.concurrency.hashing });
  const group = new TaskGroup(signal);
  try {
    for (const file of files) {
      group.spawn(() =>
        queue.add(async () => {
          if (!keepGoing()) return;
          const algorithm = file.mode === "regular" ? "git-blob" : "sha256";
          const digest = await hasher.hash(file, algorithm, group.signal);
          if (algorithm === "sha256") file.sha256 = digest;
          else file.gitOid = digest;
          checkUnchanged(ctx, file);
          onHashed(file);
        }),
      );
    }
    await group.wait();
  } finally {
    await hasher.close();
  }
}

/**
 * Runs the preupload while hashing the files that are LFS anyway, so that a large file's
 * SHA-256 does not wait for the Hub's answer. Hashes not started when the answer arrives
 * are left to the upload pipeline, which then starts uploads as hashes complete.
 */
export async function preuploadWhileHashing<T>(
  ctx: CommitContext,
  adds: readonly PlannedAdd[],
  preupload: Promise<T>,
): Promise<T> {
  const early = adds.filter(
    (a) => a.mode === undefined && a.sha256 === undefined && a.source.size >= SURELY_LFS_BYTES,
  );
  if (early.length === 0) return preupload;
  let answered = false;
  const stop = new AbortController();
  const onAbort = () => stop.abort(ctx.signal.reason);
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  const hashing = hashFiles(ctx, early, stop.signal, undefined, () => !answered);
  hashing.catch(() => {}); // awaited below; keeps a failure from being reported as unhandled meanwhile
  try {
    const answer = await preupload;
    answered = true;
    await hashing;
    return answer;
  } catch (error) {
    answered = true;
    stop.abort(error);
    await hashing.catch(() => {});
    throw error;
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
  }
}
