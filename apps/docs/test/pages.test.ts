// Rules the guides follow so that they cannot rot (see the Contributing page).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { findDeadLinks } from "../.vitepress/check-links.js";

const docsDir = join(import.meta.dirname, "..");
const repoRoot = join(docsDir, "..", "..");
const pages = readdirSync(join(docsDir, "pages"), { recursive: true })
  .map(String)
  .filter((file) => file.endsWith(".md") && !file.startsWith("api/"))
  .map((file) => join(docsDir, "pages", file));

describe("the guides", () => {
  it("type no TypeScript or JavaScript inline: samples are imported from checked files", () => {
    const inline = pages.flatMap((page) =>
      [...readFileSync(page, "utf8").matchAll(/^```(ts|typescript|js|javascript|tsx|mjs)\b/gm)].map(
        (match) => `${relative(docsDir, page)}: \`\`\`${match[1]}`,
      ),
    );
    expect(inline).toEqual([]);
  });

  it("import samples only from files CI type-checks or runs", () => {
    const imports = pages.flatMap((page) =>
      [...readFileSync(page, "utf8").matchAll(/^<<< (\S+)/gm)].map((match) => {
        const file = resolve(dirname(page), match[1]!.replace(/[#{].*$/, ""));
        return { page: relative(docsDir, page), file: relative(repoRoot, file), exists: existsSync(file) };
      }),
    );
    expect(imports.length).toBeGreaterThan(10);
    for (const sample of imports) {
      expect(sample.exists, `${sample.page} imports ${sample.file}`).toBe(true);
      // packages/*/examples and apps/docs/examples are in their tsconfig's `include`; the Python
      // files are run by test/recipes.test.ts.
      expect(sample.file, sample.page).toMatch(
        /^(packages\/[^/]+\/examples\/[^/]+\.ts|apps\/docs\/examples\/[^/]+\.ts|apps\/docs\/examples\/python\/[^/]+\.py)$/,
      );
    }
  });
});

describe("the link check run at the end of every build", () => {
  it("reports a missing page and a missing anchor, and accepts the rest", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dist = mkdtempSync(join(tmpdir(), "hfkit-docs-links-"));
    try {
      mkdirSync(join(dist, "guide"));
      mkdirSync(join(dist, "assets"));
      writeFileSync(join(dist, "assets", "app.js"), "");
      writeFileSync(
        join(dist, "index.html"),
        [
          '<script type="module" src="/assets/app.js"></script>',
          '<a href="/guide/start.html#install">ok</a>',
          '<a href="guide/start">ok, as a server answers it</a>',
          '<a href="https://huggingface.co/docs">another host: not fetched</a>',
          '<a href="#top">ok</a><h1 id="top">Home</h1>',
          '<a href="/guide/missing.html">dead page</a>',
          '<a href="/guide/start.html#uninstall">dead anchor</a>',
        ].join("\n"),
      );
      writeFileSync(
        join(dist, "guide", "start.html"),
        '<h2 id="install">Install</h2><a href="../index.html#top">up</a>',
      );
      expect(findDeadLinks(dist)).toEqual([
        { page: "/index.html", link: "/guide/missing.html", problem: "no such page or file" },
        {
          page: "/index.html",
          link: "/guide/start.html#uninstall",
          problem: 'no id "uninstall" on /guide/start.html',
        },
      ]);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
