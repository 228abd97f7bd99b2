import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { createHubClient } from "./client.js";
import { LightHeaders } from "./light-headers.js";

// LightHeaders stands in for the platform's Headers on the node:http path: every check here
// runs the same calls on both and expects the same answers.
function both(build: (h: Headers) => void): [Headers, Headers] {
  const light = new LightHeaders();
  const platform = new Headers();
  build(light);
  build(platform);
  return [light, platform];
}

describe("LightHeaders", () => {
  it("reads, joins, sorts and deletes as the platform's Headers", () => {
    const [light, platform] = both((h) => {
      h.set("X-Linked-Size", " 42 ");
      h.append("accept", "application/json");
      h.append("Accept", "text/plain");
      h.set("Content-Type", "application/octet-stream");
      h.append("set-cookie", "a=1");
      h.append("Set-Cookie", "b=2");
      h.set("etag", '"abc"');
      h.delete("ETAG");
    });
    expect([...light]).toEqual([...platform]);
    expect([...light.keys()]).toEqual([...platform.keys()]);
    expect([...light.values()]).toEqual([...platform.values()]);
    for (const name of ["accept", "ACCEPT", "x-linked-size", "set-cookie", "etag", "missing"]) {
      expect(light.get(name)).toBe(platform.get(name));
      expect(light.has(name)).toBe(platform.has(name));
    }
    expect(light.getSetCookie()).toEqual(platform.getSetCookie());
    const seen: string[] = [];
    light.forEach((value, key, parent) => {
      expect(parent).toBe(light);
      seen.push(`${key}=${value}`);
    });
    expect(seen).toEqual([...platform].map(([k, v]) => `${k}=${v}`));
    expect(Object.prototype.toString.call(light)).toBe("[object Headers]");
  });

  it("copies from a record, pairs, another Headers, and is accepted where Headers are", () => {
    const record = { Authorization: "Bearer x", range: "bytes=0-9" };
    expect([...new LightHeaders(record)]).toEqual([...new Headers(record)]);
    const pairs: [string, string][] = [
      ["a", "1"],
      ["A", "2"],
    ];
    expect([...new LightHeaders(pairs)]).toEqual([...new Headers(pairs)]);
    const light = new LightHeaders(new Headers(record));
    expect([...light]).toEqual([...new Headers(record)]);
    // fetch and the platform's Headers take it as init (the fetch path hands it on).
    expect([...new Headers(light)]).toEqual([...light]);
    expect(() => new LightHeaders([["only-name"]] as unknown as [string, string][])).toThrow(TypeError);
  });

  it("refuses bad names and values (header injection) as the platform does", () => {
    for (const [name, value] of [
      ["bad name", "v"],
      ["", "v"],
      ["x-ok", "line\r\nInjected: yes"],
      ["x-ok", "nul\0"],
    ] as const) {
      expect(() => new Headers().set(name, value)).toThrow(TypeError);
      expect(() => new LightHeaders().set(name, value)).toThrow(TypeError);
      expect(() => new LightHeaders().append(name, value)).toThrow(TypeError);
    }
    expect(() => new LightHeaders().get("bad name")).toThrow(TypeError);
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
    ]);
  });
});
