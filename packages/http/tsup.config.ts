import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { hfkitBrowserTsup, hfkitTsup } from "@hfkit/tsup-config";
import { defineConfig } from "tsup";

const entry = { index: "src/index.ts", "work/index": "src/work/index.ts", zod: "src/zod.ts" };
// The Node build of `@hfkit/http/zod` carries the parts of zod the @hfkit packages use
// (tree-shaken, one file; src/zod.ts says why), with zod's MIT notice. Only that entry imports
// zod at run time. The browser build leaves zod to the page's bundler.
const zodLicense = readFileSync(
  join(dirname(createRequire(import.meta.url).resolve("zod/package.json")), "LICENSE"),
  "utf8",
);
export default defineConfig([
  hfkitTsup(import.meta.dirname, {
    entry,
    noExternal: ["zod"],
    banner: { js: `/*! Includes zod (https://github.com/colinhacks/zod):\n${zodLicense.trim()}\n*/` },
  }),
  hfkitBrowserTsup(import.meta.dirname, { entry }),
]);
