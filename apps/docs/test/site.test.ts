// The built site (apps/docs/dist), served on loopback and opened in Debian's Chromium, as a
// reader opens it: every package guide, every API page and the CLI reference render without a
// console error, the search finds `pushDataset`, and no request leaves localhost.
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join } from "node:path";
import { launchChromium } from "@hfkit/testing/chromium";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileFor } from "../.vitepress/check-links.js";
import { PACKAGES } from "../.vitepress/packages.js";

const docsDir = join(import.meta.dirname, "..");
const dist = join(docsDir, "dist");
const screenshots = join(docsDir, "test-results");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".png": "image/png",
};

/** A static server for dist/, answering as a plain web host would (`/a` serves `/a.html`). */
async function serve(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const file = fileFor(root, path);
    response.writeHead(file ? 200 : 404, {
      "content-type": TYPES[extname(file ?? ".html")] ?? "application/octet-stream",
    });
    response.end(readFileSync(file ?? join(root, "404.html")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let server: Server;
let origin: string;
let context: BrowserContext;
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
const requests: string[] = [];
const problems: string[] = [];

/** A tab that records console errors, page errors and failed requests. */
async function newTab(): Promise<Page> {
  const page = await context.newPage();
  const where = () => new URL(page.url()).pathname;
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`${where()}: console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`${where()}: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${where()}: ${response.status()} for ${response.url()}`);
  });
  return page;
}

/** Loads `path` and waits until Vue has taken over the server-rendered page. */
async function visit(page: Page, path: string): Promise<void> {
  const response = await page.goto(`${origin}${path}`);
  expect(response?.status(), path).toBe(200);
  await page.waitForFunction('Boolean(document.querySelector("#app")?.__vue_app__)');
}

async function open(path: string): Promise<Page> {
  const page = await newTab();
  await visit(page, path);
  return page;
}

beforeAll(async () => {
  if (!existsSync(join(dist, "index.html"))) {
    throw new Error("apps/docs/dist is missing: build the site first (pnpm docs:build).");
  }
  ({ server, origin } = await serve(dist));
  browser = await launchChromium("hfkit-docs-chromium-");
  context = browser.context;
  // Record every request the pages make; anything not on our loopback server is refused.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    requests.push(url);
    return url.startsWith(`${origin}/`) || url.startsWith("data:") ? route.continue() : route.abort();
  });
  mkdirSync(screenshots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe("the docs site in Chromium", () => {
  it("opens the home page and follows its links to the guides", async () => {
    const page = await open("/");
    await expect(page.locator(".VPHero .name").textContent()).resolves.toContain("hfkit");
    // The package table is rendered from PACKAGES: every guide is linked from the home page.
    for (const entry of PACKAGES) {
      await expect(page.locator(`a[href="/packages/${entry.page}.html"]`).count()).resolves.toBeGreaterThan(
        0,
      );
    }
    await page.screenshot({ path: join(screenshots, "home.png"), fullPage: true });
    // Client-side navigation works: the page is hydrated, not only server-rendered.
    await page.locator(".VPHero a", { hasText: "Get started" }).click();
    await page.waitForURL(`${origin}/guide/getting-started.html`);
    await page.locator(".vp-doc h1", { hasText: "Getting started" }).waitFor();
    await page.close();
  });

  it("renders every package guide with its type-checked example", async () => {
    const page = await newTab();
    for (const entry of PACKAGES) {
      await visit(page, `/packages/${entry.page}.html`);
      await expect(page.locator(".vp-doc h1").first().textContent()).resolves.toContain(entry.name);
      if (entry.dir.startsWith("packages/")) {
        // The example is highlighted code, imported from the package's examples/*.ts.
        await expect(page.locator(".vp-doc div.language-ts").count()).resolves.toBeGreaterThan(0);
      }
    }
    await page.close();
  });

  it("renders an API page for every public entry point, reached from the sidebar", async () => {
    const pages = readdirSync(join(dist, "api")).filter((file) => file !== "index.html");
    expect(pages).toEqual(
      expect.arrayContaining(["http.html", "http.work.html", "commit.html", "repo.html"]),
    );
    // One full load, then client-side navigation as a reader clicks through: each page's
    // component renders in the browser (the package guides above were each loaded in full).
    const page = await open("/api/");
    for (const file of pages) {
      const name = `@hfkit/${file.replace(/\.html$/, "").replace(/\./g, "/")}`;
      await page.locator(`.VPSidebar a[href="/api/${file}"]`).click();
      await page.waitForURL(`${origin}/api/${file}`);
      await page.locator(".vp-doc h1", { hasText: name }).waitFor();
      await expect(page.locator(".vp-doc h2, .vp-doc h3").count()).resolves.toBeGreaterThan(1);
    }
    await page.close();
  });

  it("renders the CLI reference generated from the commands", async () => {
    const reference = readFileSync(join(docsDir, "..", "cli", "docs", "reference.md"), "utf8");
    const commands = [...reference.matchAll(/^## (.+)$/gm)].map((m) => m[1]!);
    expect(commands).toContain("hfkit upload");
    const page = await open("/cli/reference.html");
    await expect(page.locator(".vp-doc h2").allTextContents()).resolves.toEqual(
      commands.map((command) => expect.stringContaining(command)),
    );
    await page.close();
  });

  it("finds pushDataset with the local search", async () => {
    const page = await open("/");
    await page.locator(".VPNavBarSearch button").click();
    await page.locator("#localsearch-input").fill("pushDataset");
    const results = page.locator(".VPLocalSearchBox .results a.result");
    await results.first().waitFor();
    const targets = await Promise.all((await results.all()).map((link) => link.getAttribute("href")));
    // The function's own entry in the generated API reference, and the recipe that uses it.
    expect(targets).toEqual(
      expect.arrayContaining([
        "/api/datasets.html#pushdataset",
        expect.stringMatching(/^\/recipes\/push-a-dataset\.html/),
      ]),
    );
    await page.screenshot({ path: join(screenshots, "search.png") });
    await page.close();
  });

  it("made no request outside localhost and saw no console error", () => {
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith("data:"))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
