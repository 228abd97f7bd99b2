// The browser build's lock.ts (ADR 0017): lock files live on disk.
import { nodeOnlyError } from "@hfkit/http";
import type * as Node from "./lock.js";

export const acquireFileLock: typeof Node.acquireFileLock = async () => {
  throw nodeOnlyError("path", "file locks", "keep cache work in Node.js");
};
export const acquireCacheLock: typeof Node.acquireCacheLock = async () => {
  throw nodeOnlyError("path", "cache locks", "keep cache work in Node.js");
};
