import { mkdir, readFile, stat, unlink, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { sleep } from "@hfkit/http/work";
import { randomSuffix } from "./fs-utils.js";

/** What hfkit writes into a lock file it holds, to tell a live holder from a dead one. */
interface LockOwner {
  tool: "hfkit";
  pid: number;
  host: string;
  id: string;
}

/** Who holds a lock, as far as its file says. */
export interface LockHolder {
  pid: number | undefined;
  host: string | undefined;
}

export interface FileLock {
  /**
   * True when this process holds the lock. False only with `foreign: "share"`, when the file
   * belongs to another tool (huggingface_hub leaves its flock files behind, empty).
   */
  exclusive: boolean;
  /** Removes the lock file if it is still this holder's. Safe to call twice. */
  release(): Promise<void>;
}

export interface FileLockOptions {
  /** A lock whose holder has not touched it for this long is taken over. Default 60 s. */
  staleMs?: number;
  /** First wait between attempts; doubles up to 1 s. Default 50 ms. */
  pollMs?: number;
  /** Stops waiting at once (rejects with the signal's reason). */
  signal?: AbortSignal | undefined;
  /** Gives up after this long with an error naming the holder. Default: wait until the signal aborts. */
  timeoutMs?: number;
  /**
   * A lock file hfkit did not write: `"wait"` (default) waits for it to go; `"share"` goes on
   * without the lock (`exclusive: false`), for the hub cache, where huggingface_hub leaves empty
   * lock files behind and every writer uses its own temporary file and an atomic rename anyway.
   */
  foreign?: "wait" | "share";
  /** Called once, when the lock is found held by someone alive and the wait begins. */
  onWait?: (holder: LockHolder) => void;
}

/** hfkit's own files, and the `{ pid, host }` files of earlier hfkit versions. */
function parseOwner(text: string): (LockHolder & { id: string | undefined }) | undefined {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    return typeof owner?.pid === "number" && typeof owner.host === "string"
      ? { pid: owner.pid, host: owner.host, id: typeof owner.id === "string" ? owner.id : undefined }
      : undefined;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

type Judgement = { state: "foreign" | "live" | "stale" | "gone"; holder: LockHolder };

async function judge(path: string, staleMs: number): Promise<Judgement> {
  const nobody = { pid: undefined, host: undefined };
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([readFile(path, "utf8"), stat(path)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { state: "gone", holder: nobody };
    throw error;
  }
  const owner = parseOwner(text);
  if (!owner) {
    // Empty or not ours: huggingface_hub's filelock, or an hfkit lock still being written.
    return { state: Date.now() - mtimeMs < 1000 && text === "" ? "live" : "foreign", holder: nobody };
  }
  const holder = { pid: owner.pid, host: owner.host };
  if (owner.host === hostname() && owner.pid !== undefined && !processAlive(owner.pid)) {
    return { state: "stale", holder };
  }
  return { state: Date.now() - mtimeMs > staleMs ? "stale" : "live", holder };
}

function describeHolder(holder: LockHolder): string {
  if (holder.pid === undefined) return "another program";
  return holder.host === hostname() ? `process ${holder.pid}` : `process ${holder.pid} on ${holder.host}`;
}

/**
 * Takes a lock file by exclusive creation: hfkit's one process lock, for the hub cache
 * (`.locks/<repo>/<etag>.lock`, next to huggingface_hub's) and for the CLI's local hub. A live
 * holder (same host and its pid alive, or a heartbeat newer than `staleMs`) is waited for,
 * with an abortable sleep; a dead one is taken over. Node-only, like the cache it guards.
 *
 * @example
 * const lock = await acquireFileLock("/data/hub/.hfkit-lock", { signal, timeoutMs: 30_000 });
 * try { ... } finally { await lock.release(); }
 */
export async function acquireFileLock(path: string, options: FileLockOptions = {}): Promise<FileLock> {
  const staleMs = options.staleMs ?? 60_000;
  const owner: LockOwner = { tool: "hfkit", pid: process.pid, host: hostname(), id: randomSuffix() };
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  let delay = options.pollMs ?? 50;
  let announced = false;
  let folderMade = false;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      // Created and written in one call (one promise instead of three per downloaded file).
      await writeFile(path, JSON.stringify(owner), { flag: "wx", mode: 0o664 });
      return heldLock(path, owner, staleMs);
    } catch (error) {
      // No folder yet: made, then the create is tried again (a mkdir per lock only when needed).
      if ((error as NodeJS.ErrnoException).code === "ENOENT" && !folderMade) {
        await mkdir(dirname(path), { recursive: true });
        folderMade = true;
        continue;
      }
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const { state, holder } = await judge(path, staleMs);
    if (state === "stale") {
      await unlink(path).catch(() => {});
      continue;
    }
    if (state === "foreign" && options.foreign === "share")
      return { exclusive: false, release: async () => {} };
    if (state === "gone") continue;
    if (deadline !== undefined && Date.now() >= deadline) {
      throw new Error(`${path} is held by ${describeHolder(holder)}; gave up after ${options.timeoutMs} ms.`);
    }
    if (!announced) {
      announced = true;
      options.onWait?.(holder);
    }
    const wait = deadline === undefined ? delay : Math.max(1, Math.min(delay, deadline - Date.now()));
    await sleep(wait, options.signal);
    delay = Math.min(delay * 2, 1000);
  }
}

/**
 * The hub cache's lock on one blob: a lock file left by huggingface_hub (empty, never removed)
 * is shared rather than waited for (ADR 0006).
 */
export function acquireCacheLock(path: string, options: FileLockOptions = {}): Promise<FileLock> {
  return acquireFileLock(path, { ...options, foreign: "share" });
}

function heldLock(path: string, owner: LockOwner, staleMs: number): FileLock {
  // A heartbeat keeps the file fresh so holders on other hosts do not take it over.
  const beat = setInterval(
    () => {
      const now = new Date();
      utimes(path, now, now).catch(() => {});
    },
    Math.max(staleMs / 4, 10),
  );
  beat.unref();
  let released = false;
  return {
    exclusive: true,
    async release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      // Only remove the file if it is still ours (it could have been judged stale and replaced).
      const current = await readFile(path, "utf8").catch(() => "");
      if (parseOwner(current)?.id === owner.id) await unlink(path).catch(() => {});
    },
  };
}
