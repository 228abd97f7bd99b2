import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { createHubClient } from "./client.js";
import { BufferedResponse, LightHeaders, toWebResponse } from "./light-headers.js";

describe("LightHeaders behaves as the platform's Headers", () => {
  // The same operations on both; every observable answer must match.
  function run(make: (init?: [string, string][]) => Headers) {
    const h = make([
      ["X-B", " two "],
      ["accept", "a"],
    ]);
    h.append("Accept", "b");
    h.set("Content-Type", "application/json");
    h.append("set-cookie", "a=1");
    h.append("set-cookie", "b=2");
    h.delete("x-missing");
    const seen: string[] = [];
    h.forEach((value, key) => seen.push(`${key}=${value}`));
    const errors = [
      () => h.set("bad name", "x"),
      () => h.set("x-ok", "line\r\nInjected: 1"),
      () => h.append("x-ok", "nul\0"),
    ].map((f) => {
      try {
        f();
        return "no error";
      } catch (e) {
        return (e as Error).name;
      }
    });
    const copy = make([...h] as [string, string][]);
    copy.delete("ACCEPT");
    return {
      accept: h.get("ACCEPT"),
      xb: h.get("x-b"),
      has: [h.has("content-type"), h.has("x-none")],
      missing: h.get("x-none"),
      cookies: h.getSetCookie(),
      entries: [...h.entries()],
      keys: [...h.keys()],
      values: [...h.values()],
      seen,
      errors,
      copyHasAccept: copy.has("accept"),
      originalHasAccept: h.has("accept"),
    };
  }

  it("answers every operation the same, refuses the same input", () => {
    const ours = run((init) => new LightHeaders(init));
    const theirs = run((init) => new Headers(init));
    expect(ours).toEqual(theirs);
    expect(ours.errors).toEqual(["TypeError", "TypeError", "TypeError"]);
    // And it goes through fetch as headers (a Headers init is iterable pairs).
    expect(new Headers(new LightHeaders([["x-a", "1"]])).get("x-a")).toBe("1");
  });
});

describe("BufferedResponse", () => {
  const make = () =>
    new BufferedResponse(
      new TextEncoder().encode('{"a":1}'),
      201,
      "Created",
      new LightHeaders([["content-type", "application/json"]]),
      "http://hub.test/x",
    );

  it("reads its bytes once, as text, JSON, bytes, a Blob or a stream, and clones before", async () => {
    const response = make();
    expect([response.ok, response.status, response.statusText, response.url]).toEqual([
      true,
      201,
      "Created",
      "http://hub.test/x",
    ]);
    const clone = response.clone();
    expect(await response.json()).toEqual({ a: 1 });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(new TextDecoder().decode(new Uint8Array(await clone.arrayBuffer()))).toBe('{"a":1}');
    // Looking at `body` reads nothing; reading it does.
    const looked = make();
    expect(looked.body).not.toBeNull();
    expect(looked.bodyUsed).toBe(false);
    expect(await looked.text()).toBe('{"a":1}');
    const blob = await make().blob();
    expect([blob.type, await blob.text()]).toEqual(["application/json", '{"a":1}']);
    const streamed = await new Response(make().body).text();
    expect(streamed).toBe('{"a":1}');
    const real = toWebResponse(make());
    expect(real).toBeInstanceOf(Response);
    expect([real.status, real.url, real.headers.get("content-type"), await real.text()]).toEqual([
      201,
      "http://hub.test/x",
      "application/json",
      '{"a":1}',
    ]);
  });
});

describe("requests over node:http never build the platform's Headers or Response", () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on("end", () => {
      seen.push(`${req.method} ${req.url} ${bytes}`);
      res.writeHead(200, { "content-type": "application/json", etag: '"e1"', "x-request-id": "r-9" });
      res.end(req.method === "HEAD" ? undefined : JSON.stringify({ ok: true }));
    });
  });
  let base = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => {
    server.close();
    server.closeAllConnections();
  });

  it("a JSON GET, a dropped POST, a file PUT, a HEAD and a commit POST, with their answers read", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hfkit-light-"));
    const file = join(dir, "part.bin");
    await writeFile(file, Buffer.alloc(1000, 7));
    // Counted, not refused: the platform classes still work if something else in this
    // process builds them, but these requests must not.
    const built = { headers: 0, response: 0 };
    const PlatformHeaders = globalThis.Headers;
    const PlatformResponse = globalThis.Response;
    globalThis.Headers = class extends PlatformHeaders {
      constructor(...args: ConstructorParameters<typeof Headers>) {
        super(...args);
        built.headers++;
      }
    };
    globalThis.Response = class extends PlatformResponse {
      constructor(...args: ConstructorParameters<typeof Response>) {
        super(...args);
        built.response++;
      }
    } as typeof Response;
    const client = createHubClient({ endpoint: base, token: "hf_light_token", env: {} });
    try {
      const got = await client.request({ path: "/api/one", schema: z.object({ ok: z.boolean() }) });
      expect([got.data, got.requestId, got.headers.get("ETag")]).toEqual([{ ok: true }, "r-9", '"e1"']);
      await client.request({
        method: "POST",
        path: "/api/verify",
        body: { json: { oid: "x" } },
        responseType: "none",
        idempotent: true,
      });
      const put = await client.request({
        method: "PUT",
        url: `${base}/storage/part`,
        body: { file },
        bulk: true,
        idempotent: true,
        auth: false,
        responseType: "none",
      });
      expect(put.headers.get("etag")).toBe('"e1"');
      const head = await client.request({ method: "HEAD", path: "/api/head", responseType: "none" });
      expect(head.status).toBe(200);
      const commit = await client.request({
        method: "POST",
        path: "/api/commit",
        body: {
          ndjson: async function* () {
            yield { key: "header" };
          },
        },
        schema: z.object({ ok: z.boolean() }),
        idempotent: false,
      });
      expect(commit.data).toEqual({ ok: true });
      expect(built).toEqual({ headers: 0, response: 0 });
      // Asked for the Response itself, a caller gets the platform's.
      const raw = await client.request({ method: "HEAD", path: "/api/raw", responseType: "response" });
      expect(raw.data).toBeInstanceOf(PlatformResponse);
    } finally {
      globalThis.Headers = PlatformHeaders;
      globalThis.Response = PlatformResponse;
      await client.close();
    }
    expect(seen).toEqual([
      "GET /api/one 0",
      "POST /api/verify 11",
      "PUT /storage/part 1000",
      "HEAD /api/head 0",
      "POST /api/commit 17",
      "HEAD /api/raw 0",
    ]);
  });
});
