import { nodeOnlyError } from "@hfkit/http";
import type * as Node from "./xet-bytes.js";

// The browser build reads every file through /resolve: its environment turns Xet off.
export const xetBytes: typeof Node.xetBytes = () => {
  throw nodeOnlyError("useXet", "downloading through Xet", "leave useXet unset: files come through /resolve");
};
