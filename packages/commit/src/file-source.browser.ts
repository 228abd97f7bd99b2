// The browser build's file-source.ts (ADR 0017): a page has no file paths. Commit a Blob or
// File (`content`), bytes, or a stream factory with its size instead.
import { nodeOnlyError } from "@hfkit/http";
import type * as Node from "./file-source.js";

const noPaths = (field: string) =>
  nodeOnlyError(field, "reading a local file by path", "pass content (a Blob, a File or bytes) or stream");

export const fileSource: typeof Node.fileSource = (_path, _size, field) => {
  throw noPaths(field);
};
export const localFile: typeof Node.localFile = async (_path, field) => {
  throw noPaths(field);
};
export const baseName: typeof Node.baseName = (path) => path.slice(path.lastIndexOf("/") + 1);
