// The browser build's xet-upload.ts (ADR 0017): Xet uploads are Node-only for now. The
// browser build's environment turns Xet off, so the LFS batch never offers it and this is
// reached only with an explicit `useXet: true`.
import { nodeOnlyError } from "@hfkit/http";
import type * as Node from "./xet-upload.js";

export const uploadThroughXet: typeof Node.uploadThroughXet = async () => {
  throw nodeOnlyError(
    "useXet",
    "uploading through Xet",
    "leave useXet unset: the browser build uploads through Git LFS",
  );
};

/** Nothing to build ahead in the browser build: it never uploads through Xet. */
export const preloadXet: typeof Node.preloadXet = () => {};
