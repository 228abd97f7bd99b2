import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { hfkitBrowserTsup, hfkitTsup } from "@hfkit/tsup-config";
import { defineConfig } from "tsup";

// The Node build carries the parts of zod its schemas use (tree-shaken, one file) instead of
// importing zod's ESM tree (~100 files, 65 of them locales): importing @hfkit/repo costs about
// a third less CPU (packages/repo/README.md, "Import cost"). zod's MIT notice goes with it. The
// browser build leaves zod to the page's bundler, which shares one copy between packages.
const zodLicense = readFileSync(
  join(dirname(createRequire(import.meta.url).resolve("zod/package.json")), "LICENSE"),
  "utf8",
);
export default defineConfig([
  hfkitTsup(import.meta.dirname, {
    noExternal: ["zod"],
    banner: { js: `/*! Includes zod (https://github.com/colinhacks/zod):\n${zodLicense.trim()}\n*/` },
  }),
  hfkitBrowserTsup(import.meta.dirname),
]);
