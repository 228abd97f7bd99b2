import { Readable } from "node:stream";
import { HUB, STORAGE, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { prepareBody } from "./body.js";
import { createHubClient } from "./client.js";
import { InvalidInputError } from "./errors.js";

const { server, seen, flush } = useMswServer();
const client = () =>
  createHubClient({ endpoint: HUB, token: "hf_t", retry: { random: () => 0, initialDelayMs: 1 } });
const ok = () => HttpResponse.json({ ok: true });

describe("request bodies", () => {
  it("sends JSON with its content type", async () => {
    server.use(http.post(`${HUB}/api/repos/create`, ok));
    await client().request({
      schema: z.unknown(),
      method: "POST",
      path: "/api/repos/create",
      body: { json: { name: "x", type: "dataset" } },
    });
    await flush();
    expect(seen[0]!.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(new TextDecoder().decode(seen[0]!.body))).toEqual({ name: "x", type: "dataset" });
  });

  it("streams NDJSON lines from an async generator, one JSON value per line", async () => {
    server.use(http.post(`${HUB}/api/models/a/b/commit/main`, ok));
    async function* lines() {
      yield { key: "header", value: { summary: "hi" } };
      yield { key: "deletedFile", value: { path: "ünï cödé.txt" } };
    }
    await client().request({
      schema: z.unknown(),
      method: "POST",
      path: "/api/models/a/b/commit/main",
      body: { ndjson: lines() },
    });
    await flush();
    expect(seen[0]!.headers.get("content-type")).toBe("application/x-ndjson");
    expect(new TextDecoder().decode(seen[0]!.body)).toBe(
      '{"key":"header","value":{"summary":"hi"}}\n{"key":"deletedFile","value":{"path":"ünï cödé.txt"}}\n',
    );
  });

  it("groups small NDJSON lines into chunks of about 64 KiB, never splitting a line", async () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({
      key: "deletedFile",
      value: { path: `f${i}.txt` },
    }));
    const body = prepareBody({ ndjson: () => items });
    const chunks: Uint8Array[] = [];
    for await (const chunk of body.create() as AsyncIterable<Uint8Array>) chunks.push(chunk);
    const text = chunks.map((c) => new TextDecoder().decode(c));
    expect(text.join("")).toBe(items.map((i) => `${JSON.stringify(i)}\n`).join(""));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.length).toBeLessThan(5);
    for (const t of text) expect(t.endsWith("\n")).toBe(true);
  });

  it("encodes forms with repeated keys", async () => {
    server.use(http.post(`${HUB}/api/models/a/b/paths-info/main`, () => HttpResponse.json([])));
    await client().request({
      schema: z.unknown(),
      method: "POST",
      path: "/api/models/a/b/paths-info/main",
      body: { form: { paths: ["a b.txt", "c"], expand: "false" } },
    });
    await flush();
    expect(seen[0]!.headers.get("content-type")).toContain("application/x-www-form-urlencoded");
    expect(new TextDecoder().decode(seen[0]!.body)).toBe("paths=a+b.txt&paths=c&expand=false");
  });

  it("streams a binary body from a factory with an explicit Content-Length, and re-creates it on retry", async () => {
    let calls = 0;
    server.use(
      http.put(`${STORAGE}/part/1`, () =>
        ++calls === 1
          ? new HttpResponse(null, { status: 503 })
          : new HttpResponse(null, { headers: { etag: '"e1"' } }),
      ),
    );
    const chunk = new Uint8Array(64 * 1024).fill(7);
    let created = 0;
    const res = await client().request({
      method: "PUT",
      url: `${STORAGE}/part/1`,
      body: {
        binary: () => {
          created++;
          return Readable.from([chunk, chunk, chunk]);
        },
        contentLength: chunk.length * 3,
      },
      idempotent: true,
      responseType: "none",
    });
    await flush();
    expect(res.headers.get("etag")).toBe('"e1"');
    expect(created).toBe(2);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.headers.get("content-length")).toBe(String(chunk.length * 3));
    expect(seen[1]!.body.length).toBe(chunk.length * 3);
  });

  it("refuses a bare stream, which could not be re-sent", async () => {
    await expect(
      client().request({
        schema: z.unknown(),
        method: "PUT",
        url: `${STORAGE}/x`,
        body: { binary: Readable.from([new Uint8Array(1)]) as unknown as Uint8Array },
      }),
    ).rejects.toSatisfy(
      (e) => InvalidInputError.isInstance(e) && (e as InvalidInputError).field === "body.binary",
    );
    expect(seen).toHaveLength(0);
  });
});

describe("response types", () => {
  it("reads text, bytes and streams", async () => {
    server.use(http.get(`${HUB}/f`, () => HttpResponse.text("héllo")));
    expect((await client().request({ path: "/f", responseType: "text" })).data).toBe("héllo");
    expect((await client().request({ path: "/f", responseType: "bytes" })).data).toEqual(
      new TextEncoder().encode("héllo"),
    );
    const stream = (await client().request({ path: "/f", responseType: "stream" }))
      .data as ReadableStream<Uint8Array>;
    expect(await new Response(stream).text()).toBe("héllo");
  });

  // msw tees every mocked body; awaiting the cancel of one branch used to hang forever.
  it("discards an unread body without waiting on it (none, and a retried 503)", async () => {
    let calls = 0;
    server.use(
      http.post(`${HUB}/done`, () =>
        ++calls === 1 ? HttpResponse.json({ error: "busy" }, { status: 503 }) : HttpResponse.json({ ok: 1 }),
      ),
    );
    const res = await client().request({
      method: "POST",
      path: "/done",
      body: { json: {} },
      idempotent: true,
      responseType: "none",
    });
    expect([res.status, res.data, calls]).toEqual([200, undefined, 2]);
  });

  it("discards a body with responseType none without waiting on its cancel", async () => {
    // msw's mocked bodies never settle `cancel()`; a DELETE answering `{}` must still resolve.
    server.use(http.delete(`${HUB}/api/repos/delete`, () => HttpResponse.json({})));
    const res = await client().request({ method: "DELETE", path: "/api/repos/delete", responseType: "none" });
    expect(res).toMatchObject({ status: 200, data: undefined });
  });

  it("returns listed statuses instead of throwing", async () => {
    server.use(http.head(`${HUB}/raw`, () => new HttpResponse(null, { status: 404 })));
    const res = await client().request({
      method: "HEAD",
      path: "/raw",
      okStatuses: [404],
      responseType: "none",
    });
    expect(res.status).toBe(404);
  });
});

describe("paths", () => {
  it("keeps the endpoint's own path prefix (a Hub behind a reverse proxy)", async () => {
    server.use(http.get(`${HUB}/hub/api/whoami-v2`, ok));
    await createHubClient({ endpoint: `${HUB}/hub/`, token: false }).request({
      schema: z.unknown(),
      path: "/api/whoami-v2",
    });
    expect(seen[0]!.url.pathname).toBe("/hub/api/whoami-v2");
  });

  it("rejects a missing path and a bad endpoint before any I/O", async () => {
    await expect(client().request({ schema: z.unknown() })).rejects.toSatisfy((e) =>
      InvalidInputError.isInstance(e),
    );
    expect(() => createHubClient({ endpoint: "ftp://x" })).toThrow(/endpoint/);
    expect(() => createHubClient({ endpoint: "not a url" })).toThrow(/endpoint/);
  });
});
