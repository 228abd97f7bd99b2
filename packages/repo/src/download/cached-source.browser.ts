// The browser build's cached-source.ts (ADR 0017): a page has no shared cache and no paths;
// "memory" and "stream" downloads always come from the Hub.
import { nodeOnlyError } from "@hfkit/http";
import type * as Node from "./cached-source.js";

const noCache = () =>
  nodeOnlyError(
    "localFilesOnly",
    "reading the shared cache",
    'download with to: "memory" or "stream" while online',
  );

export const findCached: typeof Node.findCached = async (job) => {
  if (job.network !== "online") throw noCache();
  return undefined;
};
export const readCachedBytes: typeof Node.readCachedBytes = async () => {
  throw noCache();
};
export const streamCachedFile: typeof Node.streamCachedFile = () => {
  throw noCache();
};
export const readToFile: typeof Node.readToFile = async () => {
  throw nodeOnlyError("to", "downloading to a file path", 'pass to: "memory" or "stream"');
};
