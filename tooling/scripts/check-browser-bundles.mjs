// The web build of each package holds (ADR 0017): bundles every browser entry with esbuild
// for `platform: "browser"` from the built dist (what users install) and fails on any import
// of a Node built-in (`node:fs`, or `fs` without the prefix) reachable from it, naming the
// chain of files that leads there. Then holds the size budget: a page that imports
// `createHubClient`, `uploadFile` and `listFiles` must ship less than the official
// `@huggingface/hub` client's whole browser bundle, measured here in the same run with the same
// settings, and at most 56 KiB gzipped (issue 21's "about 56 kB"). Each package README shows its sizes after a
// `<!-- browser-size -->` marker; `--write` updates them, otherwise they must match.
// Run after `pnpm build`.
import { readFileSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { root, run } from "./pnpm.mjs";

const write = process.argv.includes("--write");
const BUDGET = 56 * 1024;
const BUILTINS = new Set(builtinModules);

/** The browser entries, by package folder: the main entry and any subpath with a web build. */
const ENTRIES = {
  http: ["@hfkit/http", "@hfkit/http/work"],
  repo: ["@hfkit/repo"],
  refs: ["@hfkit/refs"],
  commit: ["@hfkit/commit"],
  cards: ["@hfkit/cards"],
};

/** Minified and gzipped sizes of a page whose source is `contents`, plus Node imports found. */
async function bundle(contents, resolveDir) {
  const nodeImports = [];
  const result = await build({
    stdin: { contents, resolveDir, loader: "js", sourcefile: "page.js" },
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    metafile: true,
    logLevel: "silent",
    plugins: [
      {
        name: "node-builtins",
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            const bare = args.path.replace(/^node:/, "").split("/")[0];
            if (!args.path.startsWith("node:") && !BUILTINS.has(args.path) && !BUILTINS.has(bare)) {
              return undefined;
            }
            nodeImports.push(`${args.path} (imported by ${args.importer.replace(`${root}/`, "")})`);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength, nodeImports };
}

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const problems = [];
const lines = {};

for (const [folder, specifiers] of Object.entries(ENTRIES)) {
  const dir = join(root, "packages", folder);
  lines[folder] = [];
  for (const specifier of specifiers) {
    // Everything the entry exports, so nothing is shaken off: the worst case of a page.
    const { minified, gzipped, nodeImports } = await bundle(`export * from "${specifier}";`, dir);
    for (const found of nodeImports) problems.push(`${specifier}: the browser build reaches ${found}`);
    lines[folder].push(`| \`${specifier}\` (everything) | ${kB(minified)} | ${kB(gzipped)} |`);
    console.error(
      `${specifier.padEnd(18)} ${kB(minified).padStart(9)} minified ${kB(gzipped).padStart(9)} gzipped`,
    );
  }
}

const page = await bundle(
  [
    'import { createHubClient } from "@hfkit/http";',
    'import { uploadFile } from "@hfkit/commit";',
    'import { listFiles } from "@hfkit/repo";',
    "console.log(createHubClient, uploadFile, listFiles);",
  ].join("\n"),
  join(root, "packages", "commit"),
);
for (const found of page.nodeImports) problems.push(`budget page: reaches ${found}`);
// The official client's whole browser bundle, built the same way (its own `browser` mapping
// leaves out its file-system parts).
const official = await bundle('export * from "@huggingface/hub";', join(root, "packages", "repo"));
console.error(
  `page (createHubClient + uploadFile + listFiles): ${page.gzipped} B gzipped, budget ${BUDGET} B; ` +
    `@huggingface/hub 2.17.5 whole: ${official.gzipped} B gzipped`,
);
if (page.gzipped > BUDGET || page.gzipped >= official.gzipped) {
  problems.push(
    `the budget page is ${page.gzipped} B gzipped: over ${BUDGET} B or not below @huggingface/hub's ${official.gzipped} B`,
  );
}
const pageLine =
  `| a page with \`createHubClient\`, \`uploadFile\` and \`listFiles\` | ${kB(page.minified)} | ${kB(page.gzipped)} |\n` +
  `| \`@huggingface/hub\` 2.17.5, everything (for comparison) | ${kB(official.minified)} | ${kB(official.gzipped)} |`;

// README sections: the table between the marker and the next blank line after it.
const MARKER = "<!-- browser-size -->";
for (const [folder, rows] of Object.entries(lines)) {
  const readmePath = join(root, "packages", folder, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const at = readme.indexOf(MARKER);
  if (at < 0) {
    problems.push(`packages/${folder}/README.md: no ${MARKER} marker for the browser bundle sizes`);
    continue;
  }
  const start = at + MARKER.length + 1;
  const end = readme.indexOf("\n\n", start);
  const table = ["| browser bundle | minified | gzipped |", "| --- | ---: | ---: |", ...rows, pageLine].join(
    "\n",
  );
  const next = readme.slice(0, start) + table + readme.slice(end < 0 ? readme.trimEnd().length : end);
  // Biome aligns the table's columns: compare without the padding, and let sizes drift a
  // little (3%, at least 0.5 kB) so that not every change to a package rewrites its README.
  const shape = (text) =>
    text
      .replace(/ +\|/g, " |")
      .replace(/\| +/g, "| ")
      .replace(/-+(:?) \|/g, "-$1 |")
      .replace(/[\d.]+ kB/g, "N kB");
  const sizes = (text) => [...text.matchAll(/([\d.]+) kB/g)].map((m) => Number(m[1]));
  const [now, shown] = [sizes(next), sizes(readme)];
  const close = now.every((n, i) => Math.abs(n - (shown[i] ?? 0)) <= Math.max(0.5, n * 0.03));
  if (shape(next) === shape(readme) && now.length === shown.length && close) continue;
  if (write) {
    writeFileSync(readmePath, next);
    run("pnpm", ["exec", "biome", "format", "--write", readmePath]);
  } else
    problems.push(
      `packages/${folder}/README.md: browser sizes are stale; run node tooling/scripts/check-browser-bundles.mjs --write`,
    );
}

if (problems.length > 0) {
  console.error(`\n${problems.join("\n")}`);
  process.exit(1);
}
console.error("Browser bundles: no Node built-in reachable, page within budget.");
