import { Worker } from "node:worker_threads";
import { fileReadSize } from "@hfkit/http";
import { readPieces } from "@hfkit/xet";
import { fileChanged, type HashAlgorithm, hashLoop, newHash } from "./hash.js";

/**
 * The worker's code, evaluated from a string so that it runs the same from the TypeScript
 * sources (tests) and from the bundle, with no extra file to ship or resolve. Its hashing is
 * `newHash` and `hashLoop` from hash.ts and `readPieces` from @hfkit/xet, inserted from their
 * source text: one loop for the main thread and the workers.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { open } = require("node:fs/promises");
const { createHash } = require("node:crypto");
const newHash = ${newHash.toString()};
const readPieces = ${readPieces.toString()};
const hashLoop = ${hashLoop.toString()};
parentPort.on("message", async ({ id, path, size, algorithm, chunk }) => {
  let handle;
  try {
    const hash = newHash(createHash, algorithm, size);
    handle = await open(path, "r");
    const progress = (position) => parentPort.postMessage({ id, progress: position });
    const position = await hashLoop(readPieces(handle, size, chunk), (bytes) => hash.update(bytes), progress);
    const now = (await handle.stat()).size;
    parentPort.postMessage({ id, digest: hash.digest("hex"), position, now });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error), code: error && error.code });
  } finally {
    if (handle) await handle.close().catch(() => {});
  }
});
`;

interface Reply {
  id: number;
  progress?: number;
  digest?: string;
  position?: number;
  now?: number;
  error?: string;
  code?: string;
}

export interface PoolJob {
  path: string;
  size: number;
  algorithm: HashAlgorithm;
  field: string;
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal | undefined;
}

/**
 * Hashes files on up to `size` worker threads, one file per worker at a time. Two files
 * hash at 2.1–2.2 GB/s on two workers against 1.3–1.45 GB/s on one thread
 * (/shared/perf-limits.md). Created per commit and closed at its end: nothing is global.
 */
export class HashWorkerPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private readonly all = new Set<Worker>();
  private nextId = 0;

  constructor(private readonly size: number) {}

  private async acquire(): Promise<Worker> {
    const ready = this.idle.pop();
    if (ready) return ready;
    if (this.all.size < this.size) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      this.all.add(worker);
      return worker;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker): void {
    const next = this.waiting.shift();
    if (next) next(worker);
    else this.idle.push(worker);
  }

  private discard(worker: Worker): void {
    this.all.delete(worker);
    void worker.terminate();
    // A waiter may now start a fresh worker in its place.
    const next = this.waiting.shift();
    if (next) void this.acquire().then(next);
  }

  async hash(job: PoolJob): Promise<string> {
    job.signal?.throwIfAborted();
    const worker = await this.acquire();
    const id = ++this.nextId;
    return new Promise<string>((resolve, reject) => {
      const finish = (ok: boolean) => {
        worker.off("message", onMessage);
        worker.off("error", onError);
        job.signal?.removeEventListener("abort", onAbort);
        if (ok) this.release(worker);
        else this.discard(worker);
      };
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        if (reply.progress !== undefined) {
          job.onProgress?.(reply.progress);
        } else if (reply.error !== undefined) {
          finish(true);
          reject(Object.assign(new Error(reply.error), { code: reply.code }));
        } else {
          finish(true);
          if (reply.position !== job.size || reply.now !== job.size) {
            reject(fileChanged(job.field, job.size, reply.now ?? -1));
          } else resolve(reply.digest!);
        }
      };
      const onError = (error: Error) => {
        finish(false);
        reject(error);
      };
      const onAbort = () => {
        finish(false);
        reject(job.signal!.reason);
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      if (job.signal?.aborted) {
        onAbort(); // aborted while waiting for a worker
        return;
      }
      job.signal?.addEventListener("abort", onAbort, { once: true });
      worker.postMessage({
        id,
        path: job.path,
        size: job.size,
        algorithm: job.algorithm,
        chunk: fileReadSize(job.size),
      });
    });
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    const workers = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
