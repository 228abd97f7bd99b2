import { statfs } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { HubClient } from "@hfkit/http";
import { formatBytes } from "@hfkit/observability";
import { type AddRequest, type RequestSet, readRequests, type SyncProblem } from "./requests.js";
import { crossCheck, type ResolvedAdd, resolveAdd } from "./resolve.js";
import { type ActiveEntry, readState } from "./state.js";

export interface ValidateSyncOptions {
  /** A request file, or a folder with `add/` and `remove/`. */
  path: string;
  /** The storage root: what it already holds is not counted against the free disk space. */
  storage?: string;
  /** Largest total size of the requested datasets, in bytes (`--max-storage`). */
  maxStorage?: number;
  /** Free bytes of the storage's file system; default: measured with `statfs`. */
  freeBytes?: number;
  signal?: AbortSignal;
}

export interface ValidatedSync {
  requests: RequestSet;
  resolved: ResolvedAdd[];
  active: ActiveEntry[];
  /** Every problem of every request, sorted by file and line. Empty: `apply` may go ahead. */
  problems: SyncProblem[];
}

async function freeSpace(storage: string): Promise<number> {
  // The storage may not exist yet: measure the nearest folder that does.
  for (let dir = resolve(storage); ; dir = dirname(dir)) {
    try {
      const fs = await statfs(dir);
      return fs.bavail * fs.bsize;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || dirname(dir) === dir) throw error;
    }
  }
}

const size = formatBytes;

/**
 * Reads the requests and checks each against the Hub and the disk before anything is
 * downloaded: the files themselves (fields, types, duplicates, a repo both added and removed),
 * then every add request on the Hub (repo readable, revision resolved to its commit, subset and
 * split present, globs selecting files), then the total size against `maxStorage` and the free
 * disk. Every problem is returned at once; nothing is written.
 */
export async function validateSync(client: HubClient, options: ValidateSyncOptions): Promise<ValidatedSync> {
  const requests = await readRequests(options.path);
  const crossed = crossCheck(requests.adds, requests.removes);
  const problems = [...requests.problems, ...crossed];
  const resolved: ResolvedAdd[] = [];
  // A duplicate is reported once, and neither asked about nor counted against the quota.
  const flagged = (add: AddRequest) =>
    crossed.some((p) => p.file === add.source.file && p.line === add.source.line);
  for (const add of requests.adds.filter((a) => !flagged(a))) {
    const result = await resolveAdd(client, add, options.signal);
    if ("commit" in result) resolved.push(result);
    else problems.push(result);
  }
  const active = options.storage ? (await readState(options.storage)).active : [];
  // The quota is met request by request, in file order: the one that crosses it is named.
  let total = 0;
  let toFetch = 0;
  const free = options.freeBytes ?? (options.storage ? await freeSpace(options.storage) : undefined);
  for (const entry of resolved) {
    total += entry.bytes;
    if (options.maxStorage !== undefined && total > options.maxStorage) {
      problems.push({
        ...entry.request.source,
        field: "hf_id",
        message: `over quota: ${entry.request.hfId} (${size(entry.bytes)}) brings the requested total to ${size(total)}, more than --max-storage ${size(options.maxStorage)}`,
      });
    }
    if (!active.some((a) => a.folder === entry.folder)) toFetch += entry.bytes;
    if (free !== undefined && toFetch > free) {
      problems.push({
        ...entry.request.source,
        field: "hf_id",
        message: `does not fit: ${entry.request.hfId} (${size(entry.bytes)}) brings what is still to copy to ${size(toFetch)}, and the storage's disk has ${size(free)} free`,
      });
    }
  }
  problems.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column,
  );
  return { requests, resolved, active, problems };
}
