// The browser build's to-cache.ts (ADR 0017): the shared cache is a folder on disk.
import { nodeOnlyError } from "@hfkit/http";
import type * as Node from "./to-cache.js";

const noCache = () =>
  nodeOnlyError("to", "downloading into the shared cache", 'pass to: "memory" or to: "stream"');

export const downloadToCache: typeof Node.downloadToCache = async () => {
  throw noCache();
};
export const writeRef: typeof Node.writeRef = async () => {
  throw noCache();
};
