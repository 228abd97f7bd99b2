import { hfkitTsup } from "@hfkit/tsup-config";
import { defineConfig } from "tsup";

export default defineConfig(
  hfkitTsup(import.meta.dirname, { entry: { index: "src/index.ts", "work/index": "src/work/index.ts" } }),
);
