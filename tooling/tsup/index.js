// Shared tsup preset: ESM only, one bundled .d.ts per entry, Node 20.19 target; and the
// browser build of the same entries (ADR 0017), written to dist/browser/.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { browserTwins } from "./browser-twins.js";

/**
 * @param {string} packageDir absolute directory of the package (use import.meta.dirname)
 * @param {import("tsup").Options} [overrides]
 * @returns {import("tsup").Options}
 */
export function hfkitTsup(packageDir, overrides = {}) {
  const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
  return {
    entry: ["src/index.ts"],
    format: ["esm"],
    target: "node20",
    platform: "node",
    dts: true,
    sourcemap: true,
    // The browser build writes dist/browser/ at the same time: leave it alone.
    clean: ["!browser", "!browser/**"],
    splitting: false,
    treeshake: true,
    define: { __HFKIT_VERSION__: JSON.stringify(pkg.version) },
    ...overrides,
  };
}

/**
 * The web build of a package: the same entries bundled for `platform: "browser"` with every
 * `x.browser.ts` twin in place of its `x.ts`, into dist/browser/ (types are the Node build's:
 * the API is the same, Node-only features throw there). Selected by the `browser` export
 * condition.
 * @param {string} packageDir
 * @param {import("tsup").Options} [overrides] same `entry` as the Node build
 * @returns {import("tsup").Options}
 */
export function hfkitBrowserTsup(packageDir, overrides = {}) {
  const node = hfkitTsup(packageDir, overrides);
  return {
    ...node,
    target: "es2022",
    platform: "browser",
    outDir: "dist/browser",
    dts: false,
    clean: true,
    esbuildPlugins: [browserTwins()],
  };
}
