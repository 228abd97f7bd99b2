// The browser build of an hfkit package is the same source with each Node-only module swapped
// for its twin: `x.browser.ts` beside `x.ts` (ADR 0017). This esbuild plugin does the swap for
// relative imports, so the Node build, the tests and the type-checker never see the twins
// except as the files they are.
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** @returns {import("esbuild").Plugin} */
export function browserTwins() {
  return {
    name: "hfkit-browser-twins",
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (!args.importer || args.importer.includes("node_modules")) return undefined;
        const target = resolve(dirname(args.importer), args.path).replace(/\.js$/, "");
        if (target.endsWith(".browser")) return undefined;
        const twin = `${target}.browser.ts`;
        return existsSync(twin) ? { path: twin } : undefined;
      });
    },
  };
}
