// The browser build's hash-pool.ts (ADR 0017): worker threads hash local files by path, which
// a page has none of, so the pool is never made there (hashing.ts asks for it only for files).
import { nodeOnlyError } from "@hfkit/http";
import type * as Node from "./hash-pool.js";

export const HashWorkerPool = class {
  constructor() {
    throw nodeOnlyError("concurrency.hashWorkers", "hashing in worker threads", "hash on the main thread");
  }
} as unknown as typeof Node.HashWorkerPool;
