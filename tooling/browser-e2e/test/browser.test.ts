// hfkit in a real browser (issue 21): a page bundled from the packages' browser builds (the
// `browser` export condition, dist/browser), served on loopback and opened in Debian's
// Chromium, talks to the emulator on two other origins (Hub and storage), so every call is a
// CORS call: whoami, create a repo, upload a small file and a 20 MB Blob (LFS multipart: the
// browser build offers no Xet), list, download both back and compare bytes, create a branch,
// validate a card. No console error, no request leaves localhost.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { launchChromium } from "@hfkit/testing/chromium";
import { build } from "esbuild";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowResult } from "../page/main.js";

const TOKEN = "hf_browser_page";
const BIG = 20 * 1000 * 1000;
const PART = 8 * 1024 * 1024;

let emulator: EmulatorServer;
let site: Server;
let siteOrigin: string;
let context: BrowserContext;
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
const requests: string[] = [];
const problems: string[] = [];

/** The page, bundled as a user's bundler would: browser conditions, from the built packages. */
async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(import.meta.dirname, "..", "page", "main.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

async function serve(script: string): Promise<{ server: Server; origin: string }> {
  const html =
    '<!doctype html><meta charset="utf-8"><title>hfkit</title><script type="module" src="/main.js"></script>';
  const server = createServer((request, response) => {
    if (request.url === "/main.js") {
      response.writeHead(200, { "content-type": "text/javascript" }).end(script);
    } else if (request.url === "/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const loopback = (url: string) => /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(url);

beforeAll(async () => {
  // Parts of 8 MiB from 8 MiB on, so the 20 MB Blob goes up in three presigned parts.
  emulator = await startEmulatorServer({
    port: 0,
    multipartThreshold: PART,
    multipartChunkSize: PART,
    users: [{ user: "page-user", token: TOKEN, role: "write" }],
  });
  ({ server: site, origin: siteOrigin } = await serve(await bundlePage()));
  browser = await launchChromium("hfkit-browser-e2e-");
  context = browser.context;
  await context.route("**/*", (route) => {
    const url = route.request().url();
    requests.push(url);
    return loopback(url) ? route.continue() : route.abort();
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
  await emulator?.close();
});

async function openPage(): Promise<Page> {
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    // The page cancels bodies it does not read (a part PUT's empty answer, a redirect it
    // follows itself): Chromium reports those as ERR_ABORTED. Anything else is a failure.
    const reason = request.failure()?.errorText ?? "";
    if (reason !== "net::ERR_ABORTED")
      problems.push(`failed (${reason}): ${request.method()} ${request.url()}`);
  });
  await page.goto(`${siteOrigin}/`);
  await page.waitForFunction("typeof globalThis.hfkitFlow === 'function'");
  return page;
}

describe("hfkit in Chromium, against the emulator", () => {
  it("runs the whole flow from a page, across origins, with nothing Node-only", async () => {
    const page = await openPage();
    emulator.emulator.clearRequestLog();
    const result = (await page.evaluate(
      (options) =>
        (globalThis as unknown as { hfkitFlow: (o: typeof options) => Promise<unknown> }).hfkitFlow(options),
      { endpoint: emulator.url, token: TOKEN, bigBytes: BIG },
    )) as FlowResult;

    expect(result.user).toBe("page-user");
    expect(result.files).toEqual([
      { path: ".gitattributes", size: expect.any(Number) },
      { path: "hello.md", size: 20 },
      { path: "weights/big.bin", size: BIG },
    ]);
    expect(result.smallMatches).toBe(true);
    expect(result.bigSize).toBe(BIG);
    expect(result.bigMatches).toBe(true);
    expect(result.branches).toEqual(["experiment", "main"]);
    expect(result.cardProblems).toEqual([expect.stringContaining("pipeline_tag")]);
    expect(result.nodeOnlyError).toMatch(/^to: downloading into the shared cache works on Node\.js only/);

    // The Blob went up as LFS multipart: three part PUTs to the storage origin, then the
    // completion; no Xet call (the browser build offers basic and multipart only).
    const log = emulator.emulator.requestLog;
    const storage = new URL(emulator.storageUrl).origin;
    const partPuts = log.filter((e) => e.method === "PUT" && new URL(e.url).origin === storage);
    expect(partPuts.length).toBe(Math.ceil(BIG / PART));
    expect(log.some((e) => /xet/i.test(new URL(e.url).pathname))).toBe(false);
    // Every call was a CORS call from the page's origin, which the emulator allowed (with
    // request routing on, Chromium's preflights are answered inside Playwright; the emulator's
    // own preflight answers are tested in packages/emulator/test/cors.test.ts).
    const calls = log.filter((e) => e.method !== "OPTIONS");
    expect(calls.length).toBeGreaterThan(10);
    // After a redirect to the storage origin the browser sends `Origin: null`, as the Fetch
    // standard says for a cross-origin redirect.
    expect(calls.filter((e) => e.headers.origin !== siteOrigin && e.headers.origin !== "null")).toEqual([]);
    expect(calls.filter((e) => e.headers["sec-fetch-mode"] !== "cors")).toEqual([]);

    expect(problems).toEqual([]);
    expect(requests.filter((url) => !loopback(url))).toEqual([]);
    await page.close();
  });
});
