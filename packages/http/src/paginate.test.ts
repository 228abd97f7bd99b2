import { HUB, rejection, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { describe, expect, it, onTestFinished } from "vitest";
import * as z from "zod";
import { createHubClient } from "./client.js";
import { HubError } from "./errors.js";
import { nextLink } from "./link.js";
import { pageItems } from "./page-items.js";

const { server, seen } = useMswServer();

/** A listing of `total` items served `size` at a time, with absolute `Link` URLs as the Hub sends. */
function listing(total: number, size: number) {
  server.use(
    http.get(`${HUB}/api/models`, ({ request }) => {
      const url = new URL(request.url);
      const start = Number(url.searchParams.get("cursor") ?? 0);
      const items = Array.from({ length: Math.min(size, total - start) }, (_, i) => ({
        id: `org/m${start + i}`,
      }));
      const headers: Record<string, string> = { "x-total-count": String(total) };
      if (start + size < total) {
        const next = new URL(url);
        next.searchParams.set("cursor", String(start + size));
        headers.link = `<${next}>; rel="next"`;
      }
      return HttpResponse.json(items, { headers });
    }),
  );
}

describe("pagination", () => {
  const client = () => createHubClient({ endpoint: HUB, token: "hf_t" });

  it("follows Link rel=next across pages and yields every item in order", async () => {
    listing(7, 3);
    const ids: string[] = [];
    for await (const item of client().paginate({
      schema: z.array(z.object({ id: z.string() })),
      path: "/api/models",
      query: { author: "org" },
    })) {
      ids.push(item.id);
    }
    expect(ids).toEqual(["org/m0", "org/m1", "org/m2", "org/m3", "org/m4", "org/m5", "org/m6"]);
    expect(seen).toHaveLength(3);
    // The next URL is used as given: original parameters and the cursor, not duplicated.
    expect(seen[2]!.url.search).toBe("?author=org&cursor=6");
    expect(seen.every((r) => r.headers.get("authorization") === "Bearer hf_t")).toBe(true);
  });

  it("stops fetching when the consumer stops", async () => {
    listing(100, 10);
    let n = 0;
    for await (const _ of client().paginate({ schema: z.array(z.unknown()), path: "/api/models" })) {
      if (++n === 12) break;
    }
    expect(seen).toHaveLength(2);
  });

  it("exposes pages with their headers", async () => {
    listing(5, 2);
    const counts: Array<[number, string | null]> = [];
    for await (const page of client().pages({ schema: z.array(z.unknown()), path: "/api/models" })) {
      counts.push([page.data.length, page.headers.get("x-total-count")]);
    }
    expect(counts).toEqual([
      [2, "5"],
      [2, "5"],
      [1, "5"],
    ]);
  });

  it("rejects a page that is not a JSON array", async () => {
    server.use(http.get(`${HUB}/api/models`, () => HttpResponse.json({ not: "a list" })));
    const iterate = async () => {
      for await (const _ of client().paginate({ schema: z.array(z.unknown()), path: "/api/models" })) {
        // nothing
      }
    };
    await expect(iterate()).rejects.toThrow(/JSON array/);
  });
});

/** A promise and its resolver: a test waits on what a handler saw. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Rejects when `promise` has not settled within `ms` (a request that was never sent). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
  ]);
}

describe("pagination with prefetch", () => {
  const client = () =>
    createHubClient({ endpoint: HUB, token: "hf_t", retry: { initialDelayMs: 1, random: () => 0 } });
  const request = { schema: z.array(z.object({ id: z.string() })), path: "/api/models" };

  it("requests the next page while the current one is consumed", async () => {
    listing(9, 3);
    const secondAsked = deferred();
    const watch = ({ request: sent }: { request: Request }) => {
      if (new URL(sent.url).searchParams.get("cursor") === "3") secondAsked.resolve();
    };
    server.events.on("request:start", watch);
    onTestFinished(() => server.events.removeListener("request:start", watch));
    const items = pageItems(client().pages(request, { prefetch: true }), (item) => item);
    expect((await items.next()).value).toEqual({ id: "org/m0" });
    // Page 2 is on its way although only the first item of page 1 was asked for.
    await within(secondAsked.promise, 2000, "the request of page 2");
    const ids = [];
    for await (const item of items) ids.push(item.id);
    expect(ids).toEqual(["org/m1", "org/m2", "org/m3", "org/m4", "org/m5", "org/m6", "org/m7", "org/m8"]);
    expect(seen.map((r) => r.url.searchParams.get("cursor"))).toEqual([null, "3", "6"]);
    expect(seen.every((r) => r.headers.get("authorization") === "Bearer hf_t")).toBe(true);
  });

  it("aborts the page fetched ahead when the consumer stops, and asks for no other", async () => {
    listing(30, 10);
    const aborted = deferred<boolean>();
    server.use(
      http.get(`${HUB}/api/models`, async ({ request: sent }) => {
        if (new URL(sent.url).searchParams.get("cursor") !== "10") return undefined; // page 1: listing()
        // Page 2 answers only once its request is aborted (or after 5 s, which fails the test).
        await new Promise((r) => {
          sent.signal.addEventListener("abort", r);
          setTimeout(r, 5000);
        });
        aborted.resolve(sent.signal.aborted);
        return HttpResponse.json([]);
      }),
    );
    let n = 0;
    const pages = client().pages({ ...request, schema: z.array(z.unknown()) }, { prefetch: true });
    for await (const _ of pageItems(pages, (item) => item)) {
      if (++n === 2) break;
    }
    expect(await within(aborted.promise, 4000, "the abort of page 2")).toBe(true);
    expect(seen.map((r) => r.url.searchParams.get("cursor"))).toEqual([null, "10"]);
  });

  it("throws the error of a page fetched ahead when the consumer reaches it, after every item before it", async () => {
    listing(6, 3);
    server.use(
      http.get(`${HUB}/api/models`, ({ request: sent }) =>
        new URL(sent.url).searchParams.get("cursor") === "3"
          ? HttpResponse.json({ error: "Repository not found" }, { status: 404 })
          : undefined,
      ),
    );
    const ids: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const page of client().pages(request, { prefetch: true }))
          ids.push(...page.data.map((item) => item.id));
      })(),
    );
    expect(ids).toEqual(["org/m0", "org/m1", "org/m2"]);
    expect(HubError.isInstance(error) && error.status).toBe(404);
  });

  it("retries a page fetched ahead like any other page", async () => {
    listing(6, 3);
    let failures = 0;
    server.use(
      http.get(`${HUB}/api/models`, ({ request: sent }) =>
        new URL(sent.url).searchParams.get("cursor") === "3" && failures++ === 0
          ? new HttpResponse(null, { status: 503 })
          : undefined,
      ),
    );
    const ids: string[] = [];
    for await (const page of client().pages(request, { prefetch: true }))
      ids.push(...page.data.map((item) => item.id));
    expect(ids).toHaveLength(6);
    expect(seen.map((r) => r.url.searchParams.get("cursor"))).toEqual([null, "3", "3"]);
  });
});

describe("pageItems", () => {
  const client = () => createHubClient({ endpoint: HUB, token: "hf_t" });
  const pagesOfIds = () =>
    client().pages({ schema: z.array(z.object({ id: z.string() })), path: "/api/models" });
  const same = <T>(item: T) => item;

  it("yields each item through map, skipping what it maps to undefined, across pages", async () => {
    listing(7, 3);
    const ids: string[] = [];
    const map = (item: { id: string }) => (item.id.endsWith("3") ? undefined : item.id.toUpperCase());
    for await (const id of pageItems(pagesOfIds(), map)) ids.push(id);
    expect(ids).toEqual(["ORG/M0", "ORG/M1", "ORG/M2", "ORG/M4", "ORG/M5", "ORG/M6"]);
  });

  it("answers next() calls made without waiting in order, as an async generator does", async () => {
    listing(5, 2);
    const items = pageItems(pagesOfIds(), same);
    const results = await Promise.all(Array.from({ length: 7 }, () => items.next()));
    expect(results.map((r) => (r.done ? "done" : r.value.id))).toEqual([
      "org/m0",
      "org/m1",
      "org/m2",
      "org/m3",
      "org/m4",
      "done",
      "done",
    ]);
    expect(seen).toHaveLength(3);
  });

  it("stops at return() and after an error in map, and fetches nothing more", async () => {
    listing(9, 3);
    const items = pageItems(pagesOfIds(), same);
    await items.next();
    expect(await items.return()).toEqual({ done: true, value: undefined });
    expect(await items.next()).toEqual({ done: true, value: undefined });
    const failing = pageItems(pagesOfIds(), (item) => {
      if (item.id === "org/m1") throw new Error("bad item");
      return item;
    });
    await failing.next();
    await expect(failing.next()).rejects.toThrow("bad item");
    expect(await failing.next()).toEqual({ done: true, value: undefined });
    expect(seen).toHaveLength(2);
  });

  it("throws an error of the pages once, then is done", async () => {
    server.use(http.get(`${HUB}/api/models`, () => HttpResponse.json({ error: "nope" }, { status: 404 })));
    const items = pageItems(pagesOfIds(), same);
    const error = await rejection(items.next());
    expect(HubError.isInstance(error) && error.status).toBe(404);
    expect(await items.next()).toEqual({ done: true, value: undefined });
  });
});

describe("nextLink", () => {
  it("finds rel=next among several links, with or without quotes", () => {
    const base = "https://hub.test/api/x";
    expect(nextLink('<https://a/p2>; rel="next", <https://a/p9>; rel="last"', base)?.href).toBe(
      "https://a/p2",
    );
    expect(nextLink('<https://a/p9>; rel="last", <https://a/p2>; rel=next', base)?.href).toBe("https://a/p2");
    expect(nextLink('<https://a/p9>; rel="prev"', base)).toBeUndefined();
    expect(nextLink(null, base)).toBeUndefined();
  });

  it("resolves a relative link against the page URL", () => {
    expect(nextLink('</api/x?cursor=2>; rel="next"', "https://hub.test/api/x?cursor=1")?.href).toBe(
      "https://hub.test/api/x?cursor=2",
    );
  });
});
