import { hfkitBrowserTsup, hfkitTsup } from "@hfkit/tsup-config";
import { defineConfig } from "tsup";

const entry = { index: "src/index.ts", "work/index": "src/work/index.ts" };
export default defineConfig([
  hfkitTsup(import.meta.dirname, { entry }),
  hfkitBrowserTsup(import.meta.dirname, { entry }),
]);
