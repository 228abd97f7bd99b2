// The browser build's to-local-dir.ts (ADR 0017): a page has no folders to write to.
import { nodeOnlyError } from "@hfkit/http";
import type * as Node from "./to-local-dir.js";

export const downloadToLocalDir: typeof Node.downloadToLocalDir = async () => {
  throw nodeOnlyError("to", "downloading into a local folder", 'pass to: "memory" or to: "stream"');
};
