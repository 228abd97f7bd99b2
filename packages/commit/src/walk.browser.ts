// The browser build's walk.ts (ADR 0017): there is no folder to walk in a page.
import { nodeOnlyError } from "@hfkit/http";
import type * as Node from "./walk.js";

export const walkFolder: typeof Node.walkFolder = async () => {
  throw nodeOnlyError(
    "folder",
    "uploading a folder from disk",
    "commit the files with commit() and add operations whose content is a Blob, a File or bytes",
  );
};
