import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type DefaultTheme, defineConfig } from "vitepress";
import { adrRecords } from "./adr.js";
import { findDeadLinks, htmlPages } from "./check-links.js";
import { PACKAGES } from "./packages.js";

const docsDir = join(import.meta.dirname, "..");
const pagesDir = join(docsDir, "pages");
const repoRoot = join(docsDir, "..", "..");

/** Every published package has a guide: the build names the one that is missing, and the fix. */
function checkEveryPackageHasAGuide(): void {
  const problems: string[] = [];
  for (const group of ["packages", "apps"]) {
    for (const name of readdirSync(join(repoRoot, group)).sort()) {
      const pkgPath = join(repoRoot, group, name, "package.json");
      if (!existsSync(pkgPath) || JSON.parse(readFileSync(pkgPath, "utf8")).private) continue;
      const guide = PACKAGES.find((entry) => entry.dir === `${group}/${name}`);
      if (!guide) {
        problems.push(
          `${group}/${name} has no guide: write apps/docs/pages/packages/${name}.md and add it to PACKAGES in apps/docs/.vitepress/packages.ts`,
        );
      } else if (!existsSync(join(pagesDir, "packages", `${guide.page}.md`))) {
        problems.push(`${guide.name}: apps/docs/pages/packages/${guide.page}.md does not exist`);
      }
    }
  }
  if (problems.length > 0)
    throw new Error(`The docs site is missing package guides:\n  ${problems.join("\n  ")}`);
}

/** The generated API pages (scripts/api.mjs), one per public entry point, named by import path. */
function apiItems(): DefaultTheme.SidebarItem[] {
  const dir = join(pagesDir, "api");
  if (!existsSync(dir)) {
    throw new Error(
      "pages/api is missing: run `node scripts/api.mjs` (pnpm docs:build and docs:dev do it first)",
    );
  }
  return readdirSync(dir)
    .filter((file) => file.endsWith(".md") && file !== "index.md")
    .sort()
    .map((file) => {
      const base = file.replace(/\.md$/, "");
      return { text: `@hfkit/${base.replace(/\./g, "/")}`, link: `/api/${base}` };
    });
}

const RECIPES: DefaultTheme.SidebarItem[] = [
  { text: "Upload a large folder, with resume", link: "/recipes/upload-large-folder" },
  { text: "Push a dataset from JSONL or CSV", link: "/recipes/push-a-dataset" },
  { text: "Mirror datasets from request files in git", link: "/recipes/mirror-datasets-with-sync" },
  { text: "Test your Hub code against the emulator", link: "/recipes/test-with-the-emulator" },
  { text: "The emulator for Python's huggingface_hub", link: "/recipes/emulator-for-python" },
  { text: "Share the download cache with Python", link: "/recipes/share-the-cache-with-python" },
  { text: "Trace a push with OpenTelemetry", link: "/recipes/trace-a-push" },
];

checkEveryPackageHasAGuide();

export default defineConfig({
  title: "hfkit",
  description:
    "A TypeScript toolkit for the Hugging Face Hub: small packages, a CLI and a local Hub emulator.",
  srcDir: "pages",
  outDir: "dist",
  cacheDir: ".vitepress/cache",
  // Dead links fail the build: VitePress's own check of Markdown links, then (buildEnd) every
  // link and anchor of the built pages.
  ignoreDeadLinks: false,
  buildEnd(site) {
    const dead = findDeadLinks(site.outDir);
    if (dead.length > 0) {
      const list = dead.map(({ page, link, problem }) => `${page}: ${link} (${problem})`);
      throw new Error(`${dead.length} dead link(s) in the built site:\n  ${list.join("\n  ")}`);
    }
    console.log(`Every link and anchor of the ${htmlPages(site.outDir).length} pages resolves.`);
  },
  lastUpdated: false,
  // Nothing on the page may come from another host: no web fonts (the theme's are bundled), no
  // analytics, no external scripts.
  head: [],
  markdown: {
    theme: { light: "github-light", dark: "github-dark" },
    // Included files (the CLI reference, the ADR index, the README's Quick start) are written to
    // be read from the page that includes them: their links are left as they are.
    include: { rebaseRelativeUrls: false },
  },
  themeConfig: {
    search: { provider: "local" },
    outline: [2, 3],
    nav: [
      { text: "Guide", link: "/guide/getting-started" },
      { text: "Packages", link: "/packages/" },
      { text: "Recipes", link: RECIPES[0]!.link! },
      { text: "API", link: "/api/" },
      { text: "CLI", link: "/cli/reference" },
    ],
    sidebar: [
      {
        text: "Guide",
        items: [
          { text: "Getting started", link: "/guide/getting-started" },
          { text: "Architecture", link: "/guide/architecture" },
          { text: "Coming from Python", link: "/guide/coming-from-python" },
          { text: "Contributing", link: "/guide/contributing" },
        ],
      },
      {
        text: "Packages",
        link: "/packages/",
        items: PACKAGES.map((entry) => ({ text: entry.name, link: `/packages/${entry.page}` })),
      },
      { text: "Recipes", items: RECIPES },
      {
        text: "Reference",
        items: [
          { text: "CLI reference", link: "/cli/reference" },
          { text: "API reference", link: "/api/", items: apiItems(), collapsed: false },
        ],
      },
      {
        text: "Decisions (ADRs)",
        link: "/adr/",
        collapsed: true,
        items: adrRecords().map((record) => ({ text: record.title, link: `/adr/${record.slug}` })),
      },
    ],
    footer: { message: "Apache-2.0" },
  },
});
