import { join } from "node:path";
// The emulator is loaded only when the local hub is used (see commands/emulator.ts).
import type { Emulator } from "@hfkit/emulator";
import { readHubEnvironment } from "@hfkit/http";
// So is @hfkit/repo (its file lock): only a command that opens the local hub needs it.
import type { FileLock, LockHolder } from "@hfkit/repo";

/** `--endpoint local` (or `HF_ENDPOINT=local`) selects the embedded local hub. */
export const LOCAL_ENDPOINT = "local";

/** The token the CLI uses on the local hub when none is given: any `hf_` token is the user `local`. */
export const LOCAL_TOKEN = "hf_local_hub_user";

/** Where the local hub keeps its repos: `HFKIT_LOCAL_HUB`, else `$HF_HOME/hfkit/local-hub`. */
export function localHubDir(env: Record<string, string | undefined>): string {
  return env.HFKIT_LOCAL_HUB?.trim() || join(readHubEnvironment(env).hfHome, "hfkit", "local-hub");
}

export interface OpenLocalHubOptions {
  /** Stops waiting for another process at once. */
  signal?: AbortSignal;
  /** How long to wait for another process to release the folder. Default 30 s. */
  waitMs?: number;
  /** Told once when another live process holds the folder and the wait begins. */
  onWait?: (holder: LockHolder) => void;
}

/**
 * An emulator running inside this process on a folder that survives between commands: the
 * Hub for people with no network or no account. One process at a time owns the folder (the
 * emulator rewrites its state file on every change), so a second `hfkit` waits for its lock,
 * with `@hfkit/repo`'s file lock: asynchronously, and Ctrl-C stops the wait.
 */
export class LocalHub {
  private constructor(
    readonly dir: string,
    readonly emulator: Emulator,
    private readonly lock: FileLock,
  ) {}

  static async open(dir: string, options: OpenLocalHubOptions = {}): Promise<LocalHub> {
    const lockPath = join(dir, ".hfkit-lock");
    let holder: LockHolder | undefined;
    let lock: FileLock;
    const { acquireFileLock } = await import("@hfkit/repo");
    try {
      lock = await acquireFileLock(lockPath, {
        timeoutMs: options.waitMs ?? 30_000,
        ...(options.signal ? { signal: options.signal } : {}),
        onWait: (found) => {
          holder = found;
          options.onWait?.(found);
        },
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new Error(
        `The local hub at ${dir} is in use by another hfkit process${holder?.pid ? ` (pid ${holder.pid})` : ""}; wait for it to finish, or remove ${lockPath} if no hfkit is running.`,
        { cause: error },
      );
    }
    const { createEmulator } = await import("@hfkit/emulator");
    return new LocalHub(dir, createEmulator({ storage: { dir } }), lock);
  }

  /** Lets the next process in. Safe to call twice. */
  release(): Promise<void> {
    return this.lock.release();
  }
}
