// The browser build's snapshot-download.ts (ADR 0017): a snapshot is a folder of files on
// disk. In a page, list the files with listFiles and download each with to: "memory".
import { nodeOnlyError } from "@hfkit/http";
import type * as Node from "./snapshot-download.js";

const noSnapshot = () =>
  nodeOnlyError(
    "snapshotDownload",
    "downloading a snapshot to disk",
    'list the files with listFiles and download each with downloadFile(…, { to: "memory" })',
  );

export const snapshotDownloadIter: typeof Node.snapshotDownloadIter = () => {
  throw noSnapshot();
};
export const snapshotDownload: typeof Node.snapshotDownload = async () => {
  throw noSnapshot();
};
