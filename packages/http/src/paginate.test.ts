import { HUB, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { createHubClient } from "./client.js";
import { nextLink } from "./link.js";

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
