import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import * as z from "zod";
import { createHubClient } from "./client.js";
import { LightResponse } from "./light-response.js";

// Real loopback servers (no msw): these tests cover what only a socket shows, i.e. the
// undici fast path for bulk bodies and proxies.

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  bytes: number;
  sha256: string;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
    });
  });
}

const seen: Seen[] = [];
const target = createServer((req, res) => {
  const hash = createHash("sha256");
  let bytes = 0;
  req.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    hash.update(chunk);
  });
  req.on("end", () => {
    seen.push({
      method: req.method!,
      url: req.url!,
      headers: req.headers,
      bytes,
      sha256: hash.digest("hex"),
    });
    res.setHeader("etag", '"part-etag"');
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true }));
  });
});

const tunnels: string[] = [];
const proxy = createServer();
proxy.on("connect", (req, socket, head) => {
  tunnels.push(req.url!);
  const [host, port] = req.url!.split(":");
  const upstream = connect(Number(port), host, () => {
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on("error", () => socket.destroy());
});

let targetUrl = "";
let proxyUrl = "";
beforeAll(async () => {
  targetUrl = await listen(target);
  proxyUrl = await listen(proxy);
});
afterAll(() => {
  target.close();
  proxy.close();
  target.closeAllConnections();
  proxy.closeAllConnections();
});

describe("bulk transfers over undici", () => {
  it("sends a streamed body with Content-Length (never chunked), without the token, and returns headers", async () => {
    seen.length = 0;
    const client = createHubClient({ endpoint: "https://hub.test", token: "hf_secret", env: {} });
    const part = Buffer.alloc(3 * 1024 * 1024, 9);
    const res = await client.request({
      method: "PUT",
      url: `${targetUrl}/multipart/u1/1?X-Amz-Signature=x`,
      body: {
        binary: () => Readable.from([part.subarray(0, 1 << 20), part.subarray(1 << 20)]),
        contentLength: part.length,
      },
      bulk: true,
      idempotent: true,
      responseType: "none",
    });
    expect(res.headers.get("etag")).toBe('"part-etag"');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers["content-length"]).toBe(String(part.length));
    expect(seen[0]!.headers["transfer-encoding"]).toBeUndefined();
    expect(seen[0]!.headers.authorization).toBeUndefined();
    // fetch always adds sec-fetch-mode; its absence shows the request took the undici path.
    expect(seen[0]!.headers["sec-fetch-mode"]).toBeUndefined();
    expect(seen[0]!.sha256).toBe(createHash("sha256").update(part).digest("hex"));
  });
});

describe("bulk uploads from memory over node:http", () => {
  it("sends an in-memory body answered with JSON byte for byte, with its length, progress and no token", async () => {
    seen.length = 0;
    const client = createHubClient({ endpoint: "https://hub.test", token: "hf_secret", env: {} });
    const body = Buffer.alloc(5 * 1024 * 1024 + 3);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 0xff;
    const pieces = [body.subarray(0, 4 << 20), body.subarray(4 << 20)];
    const progress: number[] = [];
    const send = () =>
      client.request({
        method: "POST",
        url: `${targetUrl}/v1/xorbs/default/abc`,
        body: {
          binary: () =>
            (async function* () {
              yield* pieces;
            })(),
          contentLength: body.length,
        },
        bulk: true,
        idempotent: true,
        schema: z.object({ ok: z.boolean() }),
        onUploadProgress: (bytes) => progress.push(bytes),
      });
    // Twice: the second goes out on the kept-alive connection.
    for (let i = 0; i < 2; i++) expect((await send()).data).toEqual({ ok: true });
    expect(seen).toHaveLength(2);
    for (const request of seen) {
      expect(request.method).toBe("POST");
      expect(request.headers["content-length"]).toBe(String(body.length));
      expect(request.headers["transfer-encoding"]).toBeUndefined();
      expect(request.headers.authorization).toBeUndefined();
      // Neither fetch (sec-fetch-mode) nor undici.request (which adds no accept-encoding): node:http.
      expect(request.headers["sec-fetch-mode"]).toBeUndefined();
      expect(request.headers["accept-encoding"]).toBe("gzip, deflate");
      expect(request.sha256).toBe(createHash("sha256").update(body).digest("hex"));
    }
    expect(progress.at(-1)).toBe(body.length);
    expect(progress.filter((p) => p === body.length)).toHaveLength(2);
    await client.close();
  });
});

describe("file bodies", () => {
  const content = Buffer.alloc(9 * 1024 * 1024 + 123);
  for (let i = 0; i < content.length; i++) content[i] = (i * 7919) % 251;
  let path = "";
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), "hfkit-file-body-"));
    path = join(dir, "weights.bin");
    await writeFile(path, content);
  });
  const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

  it.each([
    ["bulk (node:http, reused buffers)", true],
    ["fetch", false],
  ])("uploads a byte range of a file exactly, with progress, over %s", async (_, bulk) => {
    seen.length = 0;
    const client = createHubClient({ endpoint: "https://hub.test", token: "hf_secret", env: {} });
    const progress: number[] = [];
    const start = 3 * 1024 * 1024 + 5;
    const end = 8 * 1024 * 1024 + 17;
    const res = await client.request({
      method: "PUT",
      url: `${targetUrl}/part/2`,
      body: { file: path, start, end },
      bulk,
      idempotent: true,
      responseType: "none",
      onUploadProgress: (n) => progress.push(n),
    });
    expect(res.headers.get("etag")).toBe('"part-etag"');
    expect(seen[0]).toMatchObject({ bytes: end - start, sha256: sha(content.subarray(start, end)) });
    expect(seen[0]!.headers["content-length"]).toBe(String(end - start));
    expect(seen[0]!.headers["transfer-encoding"]).toBeUndefined();
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(end - start);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it("drops answers read whole without making web streams of them (file PUT, idempotent POST)", async () => {
    // The first web stream of a process loads Node's web streams (~8 ms of CPU): an LFS upload,
    // whose PUT, completion and verify answers are all dropped, need not pay it.
    const body = vi.spyOn(LightResponse.prototype, "body", "get");
    onTestFinished(() => body.mockRestore());
    seen.length = 0;
    const client = createHubClient({ endpoint: "https://hub.test", token: false, env: {} });
    const common = { idempotent: true, responseType: "none" } as const;
    const put = await client.request({
      ...common,
      method: "PUT",
      url: `${targetUrl}/part/1`,
      body: { file: path },
      bulk: true,
    });
    const post = await client.request({
      ...common,
      method: "POST",
      url: `${targetUrl}/complete`,
      body: { json: { oid: "x" } },
    });
    expect([put.status, put.data, post.status, post.data]).toEqual([200, undefined, 200, undefined]);
    expect(seen.map((s) => [s.method, s.bytes])).toEqual([
      ["PUT", content.length],
      ["POST", JSON.stringify({ oid: "x" }).length],
    ]);
    expect(body).not.toHaveBeenCalled();
    await client.close();
  });

  /** An LFS-style PUT of the whole test file (idempotent, answer dropped). */
  const putFile = (client: ReturnType<typeof createHubClient>, to: string) =>
    client.request({
      method: "PUT",
      url: to,
      body: { file: path },
      bulk: true,
      idempotent: true,
      responseType: "none",
    });

  it("reads a file PUT's answer through its events, and retries one cut short mid-body", async () => {
    // A fresh process compiles the async iterator of a message only for the PUT answers if they
    // are read with it (~1 ms of CPU): the other calls read theirs through events (issue 19).
    const iterate = vi.spyOn(Readable.prototype, Symbol.asyncIterator);
    onTestFinished(() => iterate.mockRestore());
    let calls = 0;
    const cut = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        if (++calls === 1) {
          // Headers and the first bytes of the answer, then the connection drops.
          res.writeHead(200, { "content-length": "100", etag: '"cut"' });
          res.write("0123456789", () => res.socket?.destroy());
          return;
        }
        res.writeHead(200, { etag: '"whole"' }).end('{"ok":true}');
      });
    });
    const url = await listen(cut);
    onTestFinished(() => void cut.close());
    const client = createHubClient({ endpoint: "https://hub.test", env: {}, retry: { initialDelayMs: 1 } });
    const res = await putFile(client, `${url}/part/1`);
    expect([calls, res.headers.get("etag")]).toEqual([2, '"whole"']);
    expect(iterate).not.toHaveBeenCalled();
    await client.close();
  });

  it("fails a file PUT whose answer cannot be decoded, instead of never settling", async () => {
    const garbled = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-encoding": "gzip" }).end("not gzip at all"));
    });
    const url = await listen(garbled);
    onTestFinished(() => void garbled.close());
    const client = createHubClient({ endpoint: "https://hub.test", env: {} });
    await expect(putFile(client, `${url}/part/1`)).rejects.toThrow(/incorrect header check|Network error/);
    await client.close();
  }, 5_000);

  it("uploads the whole file when no range is given", async () => {
    seen.length = 0;
    const client = createHubClient({ endpoint: "https://hub.test", token: false, env: {} });
    await client.request({
      method: "PUT",
      url: `${targetUrl}/all`,
      body: { file: path },
      bulk: true,
      responseType: "none",
    });
    expect(seen[0]).toMatchObject({ bytes: content.length, sha256: sha(content) });
  });

  it("reads bodies up to 64 MiB 512 KiB at a time and larger ones 4 MiB at a time, sending them exactly", async () => {
    const bigPath = join(dirname(path), "big.bin");
    const big = Buffer.alloc((64 << 20) + 4099);
    for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) % 251;
    await writeFile(bigPath, big);
    onTestFinished(() => rm(bigPath, { force: true }));
    const client = createHubClient({ endpoint: "https://hub.test", token: false, env: {} });
    for (const [file, bytes, read] of [
      [path, content, 512 << 10],
      [bigPath, big, 4 << 20],
    ] as const) {
      seen.length = 0;
      const progress: number[] = [];
      await client.request({
        method: "PUT",
        url: `${targetUrl}/reads`,
        body: { file },
        bulk: true,
        responseType: "none",
        onUploadProgress: (n) => progress.push(n),
      });
      expect(seen[0]).toMatchObject({ bytes: bytes.length, sha256: sha(bytes) });
      // Progress moves once per write, by the bytes of one read.
      const steps = progress.slice(1).map((n, i) => n - progress[i]!);
      expect(Math.max(...steps)).toBe(read);
      expect(steps.length).toBe(Math.ceil(bytes.length / read));
    }
  });

  it("re-reads the range when a retried attempt needs the body again", async () => {
    let calls = 0;
    const flaky = createServer((req, res) => {
      const hash = createHash("sha256");
      req.on("data", (chunk: Buffer) => hash.update(chunk));
      req.on("end", () => {
        res.statusCode = ++calls === 1 ? 503 : 200;
        res.setHeader("x-sha", hash.digest("hex"));
        res.end();
      });
    });
    const url = await listen(flaky);
    try {
      const client = createHubClient({ endpoint: "https://hub.test", env: {}, retry: { initialDelayMs: 1 } });
      const res = await client.request({
        method: "PUT",
        url: `${url}/x`,
        body: { file: path, start: 10, end: 2_000_000 },
        bulk: true,
        idempotent: true,
        responseType: "none",
      });
      expect(calls).toBe(2);
      expect(res.headers.get("x-sha")).toBe(sha(content.subarray(10, 2_000_000)));
    } finally {
      flaky.close();
    }
  });

  it("shares its buffers between parallel parts, and an upload the server cuts short starves no other", async () => {
    // The server answers 400 after the first bytes of /early and closes: writes are abandoned.
    const early = createServer((req, res) => {
      if (req.url === "/early") {
        req.once("data", () => {
          res.writeHead(400, { connection: "close" }).end();
          req.destroy();
        });
        return;
      }
      const hash = createHash("sha256");
      req.on("data", (chunk: Buffer) => hash.update(chunk));
      req.on("end", () => res.writeHead(200, { "x-sha": hash.digest("hex") }).end());
    });
    const url = await listen(early);
    try {
      const client = createHubClient({ endpoint: "https://hub.test", env: {}, retry: false });
      const part = 1024 * 1024 + 7;
      const failing = client
        .request({
          method: "PUT",
          url: `${url}/early`,
          body: { file: path },
          bulk: true,
          responseType: "none",
        })
        .then(
          () => "ok",
          () => "failed",
        );
      const parts = Array.from({ length: 9 }, (_, i) =>
        client.request({
          method: "PUT",
          url: `${url}/part-${i}`,
          body: { file: path, start: i * part, end: (i + 1) * part },
          bulk: true,
          responseType: "none",
        }),
      );
      const answers = await Promise.all(parts);
      expect(await failing).toBe("failed");
      expect(answers.map((res) => res.headers.get("x-sha"))).toEqual(
        answers.map((_, i) => sha(content.subarray(i * part, (i + 1) * part))),
      );
      // And the pool still serves a whole-file upload afterwards.
      const after = await client.request({
        method: "PUT",
        url: `${url}/after`,
        body: { file: path },
        bulk: true,
        responseType: "none",
      });
      expect(after.headers.get("x-sha")).toBe(sha(content));
    } finally {
      early.close();
      early.closeAllConnections();
    }
  });

  it("goes through the proxy when one is configured", async () => {
    tunnels.length = 0;
    seen.length = 0;
    const client = createHubClient({
      endpoint: "https://hub.test",
      token: false,
      env: { HTTP_PROXY: proxyUrl },
    });
    await client.request({
      method: "PUT",
      url: `${targetUrl}/via-proxy`,
      body: { file: path },
      bulk: true,
      responseType: "none",
    });
    expect(tunnels).toEqual([new URL(targetUrl).host]);
    expect(seen[0]).toMatchObject({ bytes: content.length, sha256: sha(content) });
  });

  it("rejects a range outside the file's bounds before sending, naming the field", async () => {
    const client = createHubClient({ endpoint: "https://hub.test", token: false, env: {} });
    await expect(
      client.request({
        schema: z.unknown(),
        method: "PUT",
        url: `${targetUrl}/x`,
        body: { file: path, start: 5, end: 2 },
        bulk: true,
      }),
    ).rejects.toThrow(/^body\.file: /);
    await expect(
      client.request({
        schema: z.unknown(),
        method: "PUT",
        url: `${targetUrl}/x`,
        body: { file: `${path}.missing` },
        bulk: true,
      }),
    ).rejects.toThrow(/^body\.file: cannot read/);
  });
});

describe("connections a client owns", () => {
  const connections = (server: Server) =>
    new Promise<number>((resolve, reject) =>
      server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );

  it("keeps its own keep-alive agents, closes them with client.close(), then refuses requests", async () => {
    const own = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.end());
    });
    const url = await listen(own);
    const dir = await mkdtemp(join(tmpdir(), "hfkit-close-"));
    const path = join(dir, "part.bin");
    await writeFile(path, Buffer.alloc(1000, 1));
    const client = createHubClient({ endpoint: "https://hub.test", token: false, env: {} });
    const other = createHubClient({ endpoint: "https://hub.test", token: false, env: {} });
    const put = (hub: typeof client) =>
      hub.request({
        method: "PUT",
        url: `${url}/keep`,
        body: { file: path },
        bulk: true,
        responseType: "none",
      });
    try {
      await put(client);
      await put(other);
      // One kept-alive socket per client: agents are not shared between clients.
      expect(await connections(own)).toBe(2);
      await client.close();
      for (let i = 0; i < 100 && (await connections(own)) > 1; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(await connections(own)).toBe(1);
      await expect(put(client)).rejects.toThrow(/^client: this client was closed/);
      await other.close();
      for (let i = 0; i < 100 && (await connections(own)) > 0; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(await connections(own)).toBe(0);
    } finally {
      own.close();
    }
  });
});

describe("bodies over the default fetch path", () => {
  // fetch sets Content-Length itself for bytes; a second one made every JSON POST fail
  // ("invalid content-length header") once a real socket was involved.
  it("sends JSON, NDJSON and a streamed binary body with one correct Content-Length (or chunked)", async () => {
    seen.length = 0;
    const client = createHubClient({ endpoint: targetUrl, token: "hf_secret", env: {}, retry: false });
    await client.request({
      schema: z.unknown(),
      method: "POST",
      path: "/api/json",
      body: { json: { files: [1, 2, 3] } },
    });
    await client.request({
      schema: z.unknown(),
      method: "POST",
      path: "/api/ndjson",
      body: { ndjson: [{ a: 1 }, { b: 2 }] },
    });
    await client.request({
      method: "PUT",
      path: "/api/stream",
      body: { binary: () => Readable.from([Buffer.from("abc"), Buffer.from("de")]), contentLength: 5 },
      responseType: "none",
    });
    expect(seen.map((r) => [r.url, r.headers["content-length"], r.bytes])).toEqual([
      ["/api/json", "17", 17],
      ["/api/ndjson", "16", 16],
      ["/api/stream", "5", 5],
    ]);
    expect(seen[2]!.headers["transfer-encoding"]).toBeUndefined();
  });
});

describe("proxies", () => {
  it("goes through HTTP_PROXY by default", async () => {
    seen.length = 0;
    tunnels.length = 0;
    const client = createHubClient({ endpoint: targetUrl, token: false, env: { HTTP_PROXY: proxyUrl } });
    const { data } = await client.request({ schema: z.unknown(), path: "/api/whoami-v2" });
    expect(data).toEqual({ ok: true });
    expect(tunnels).toEqual([new URL(targetUrl).host]);
  });

  it("bypasses the proxy for hosts in NO_PROXY", async () => {
    tunnels.length = 0;
    const client = createHubClient({
      endpoint: targetUrl,
      token: false,
      env: { HTTP_PROXY: proxyUrl, NO_PROXY: "127.0.0.1" },
    });
    await client.request({ schema: z.unknown(), path: "/api/whoami-v2" });
    expect(tunnels).toEqual([]);
  });
});

describe("small calls over node:http", () => {
  // With the platform's fetch untouched, idempotent JSON/text calls leave through node:http
  // (node-api-transport.ts): these pin what fetch did for them, on a real socket.
  const requests: {
    method: string;
    url: string;
    headers: IncomingMessage["headers"];
    body: string;
    port?: number | undefined;
  }[] = [];
  let base = "";
  let other = "";
  let release = () => {};
  const hub = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      requests.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body,
        port: req.socket.remotePort,
      });
      const path = req.url!.split("?")[0];
      if (path === "/gzip" || path === "/deflate" || path === "/br") {
        const json = Buffer.from(JSON.stringify({ files: ["a", "b"], coding: path.slice(1) }));
        const coded =
          path === "/gzip"
            ? gzipSync(json)
            : path === "/deflate"
              ? deflateSync(json)
              : brotliCompressSync(json);
        res.writeHead(200, { "content-type": "application/json", "content-encoding": path.slice(1) });
        res.end(coded);
      } else if (path === "/moved") {
        res.writeHead(302, { location: `${other}/landed?x=1` });
        res.end();
      } else if (path === "/see-other") {
        res.writeHead(303, { location: "/api/after" });
        res.end();
      } else if (path === "/page") {
        res.writeHead(200, { "content-type": "application/json", link: '</page2>; rel="next"' });
        res.end("[1,2]");
      } else if (path === "/page2") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end("[3]");
      } else if (path === "/file-moved") {
        res.writeHead(302, { location: `${base}/file-storage` });
        res.end("redirect body, never read");
      } else if (path === "/file-storage") {
        // Half now, half once the client has seen the first half: the body is handed on as it arrives.
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": "8" });
        res.write("abcd");
        release = () => res.end("efgh");
      } else if (path === "/file-cut") {
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": "8" });
        res.write("abcd");
        setTimeout(() => res.destroy(), 20);
      } else if (path === "/missing") {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "Branch nope not found" }));
      } else if (path === "/cut") {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
        res.write('{"partial":');
        res.destroy();
      } else {
        res.writeHead(200, { "content-type": "application/json", "x-request-id": "r-1" });
        res.end(JSON.stringify({ path, method: req.method }));
      }
    });
  });
  const elsewhere = createServer((req, res) => {
    requests.push({ method: req.method!, url: req.url!, headers: req.headers, body: "" });
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"elsewhere":true}');
  });
  beforeAll(async () => {
    base = await listen(hub);
    other = await listen(elsewhere);
  });
  afterAll(() => {
    hub.close();
    elsewhere.close();
    hub.closeAllConnections();
    elsewhere.closeAllConnections();
  });

  it("sends the headers fetch sent, the token to the Hub only, and decodes gzip, deflate and br answers", async () => {
    requests.length = 0;
    const client = createHubClient({ endpoint: base, token: "hf_small_calls_token", env: {} });
    try {
      const result = await client.request({ schema: z.unknown(), path: "/api/one", query: { a: "1" } });
      expect(result.data).toEqual({ path: "/api/one", method: "GET" });
      expect(result.requestId).toBe("r-1");
      expect(result.url).toBe(`${base}/api/one?a=1`);
      const { headers } = requests[0]!;
      expect(headers.authorization).toBe("Bearer hf_small_calls_token");
      expect(headers.accept).toBe("application/json");
      expect(headers["accept-encoding"]).toBe("gzip, deflate");
      expect(headers["user-agent"]).toMatch(/^hfkit\//);
      for (const coding of ["gzip", "deflate", "br"]) {
        const { data } = await client.request({ schema: z.unknown(), path: `/${coding}` });
        expect(data).toEqual({ files: ["a", "b"], coding });
      }
      const text = await client.request({ path: "/api/text", responseType: "text" });
      expect(text.data).toBe('{"path":"/api/text","method":"GET"}');
    } finally {
      await client.close();
    }
  });

  it("sends an idempotent POST's JSON body with its length, and follows redirects as fetch did", async () => {
    requests.length = 0;
    const client = createHubClient({ endpoint: base, token: "hf_small_calls_token", env: {} });
    try {
      const posted = await client.request({
        schema: z.unknown(),
        method: "POST",
        path: "/api/preupload",
        body: { json: { files: [{ path: "a.txt" }] } },
        idempotent: true,
      });
      expect(posted.data).toEqual({ path: "/api/preupload", method: "POST" });
      expect(requests[0]!.body).toBe('{"files":[{"path":"a.txt"}]}');
      expect(requests[0]!.headers["content-length"]).toBe("28");
      expect(requests[0]!.headers["content-type"]).toMatch(/^application\/json/);

      // A hop to another origin loses the token; the answer's URL is where it landed.
      const moved = await client.request({ schema: z.unknown(), path: "/moved" });
      expect(moved.data).toEqual({ elsewhere: true });
      expect(moved.url).toBe(`${other}/landed?x=1`);
      expect(requests.at(-1)!.headers.authorization).toBeUndefined();

      // 303 turns a POST into a body-less GET.
      requests.length = 0;
      await client.request({
        schema: z.unknown(),
        method: "POST",
        path: "/see-other",
        body: { json: { a: 1 } },
        idempotent: true,
      });
      expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
        ["POST", "/see-other", '{"a":1}'],
        ["GET", "/api/after", ""],
      ]);

      // Pages: the next page's relative Link resolves against the answer's URL.
      const items: unknown[] = [];
      for await (const item of client.paginate({ schema: z.array(z.number()), path: "/page" }))
        items.push(item);
      expect(items).toEqual([1, 2, 3]);
    } finally {
      await client.close();
    }
  });

  it("reads a dropped (`none`) answer whole over node:http, so its keep-alive socket serves the next call", async () => {
    requests.length = 0;
    const client = createHubClient({ endpoint: base, token: "hf_small_calls_token", env: {} });
    try {
      const first = await client.request({
        method: "POST",
        path: "/api/complete",
        body: { json: { oid: "abc" } },
        responseType: "none",
        idempotent: true,
      });
      expect(first.data).toBeUndefined();
      expect(first.status).toBe(200);
      const second = await client.request({
        method: "DELETE",
        path: "/api/branch",
        responseType: "none",
        idempotent: true,
      });
      expect(second.status).toBe(200);
      // An error's text still reaches its message.
      const error = await client
        .request({ method: "DELETE", path: "/missing", responseType: "none", idempotent: true, retry: false })
        .catch((e: unknown) => e);
      expect(String((error as Error).message)).toContain("Branch nope not found");
      expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
        ["POST", "/api/complete", '{"oid":"abc"}'],
        ["DELETE", "/api/branch", ""],
        ["DELETE", "/missing", ""],
      ]);
      // node:http, not fetch (which adds sec-fetch-mode), on one socket drained between calls.
      for (const r of requests) expect(r.headers["sec-fetch-mode"]).toBeUndefined();
      expect(new Set(requests.map((r) => r.port)).size).toBe(1);
    } finally {
      await client.close();
    }
  });

  it("sends a non-idempotent POST (a commit) over node:http on a fresh connection, never twice", async () => {
    const seenCommits: { port: number | undefined; body: string; headers: IncomingMessage["headers"] }[] = [];
    let cutNext = false;
    const server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => {
        body += chunk;
      });
      req.on("end", () => {
        if (req.url === "/api/models/a/b/commit/main")
          seenCommits.push({ port: req.socket.remotePort, body, headers: req.headers });
        // The server drops the connection after reading the whole commit, without answering.
        if (cutNext) return req.socket.destroy();
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ commitOid: "c".repeat(40) }));
      });
    });
    const url = await listen(server);
    const client = createHubClient({ endpoint: url, token: "hf_commit_token", env: {} });
    try {
      // A keep-alive socket first, then two commits: each on its own connection, chunked NDJSON.
      await client.request({ method: "GET", path: "/api/models/a/b", schema: z.unknown() });
      for (const n of [1, 2]) {
        const { data } = await client.request({
          method: "POST",
          path: "/api/models/a/b/commit/main",
          // A generator, as createCommit streams its lines: no length known up front.
          body: {
            ndjson: async function* () {
              yield { key: "header", value: { summary: `commit ${n}` } };
            },
          },
          schema: z.object({ commitOid: z.string() }),
          idempotent: false,
        });
        expect(data.commitOid).toBe("c".repeat(40));
      }
      expect(seenCommits.map((c) => c.body)).toEqual([
        '{"key":"header","value":{"summary":"commit 1"}}\n',
        '{"key":"header","value":{"summary":"commit 2"}}\n',
      ]);
      for (const c of seenCommits) {
        expect(c.headers["sec-fetch-mode"]).toBeUndefined(); // node:http, not fetch
        expect(c.headers["transfer-encoding"]).toBe("chunked");
        expect(c.headers.connection).toBe("close");
        expect(c.headers.authorization).toBe("Bearer hf_commit_token");
      }
      expect(seenCommits[0]!.port).not.toBe(seenCommits[1]!.port);

      // A connection lost after the commit went out: an error, and the commit was sent once.
      seenCommits.length = 0;
      cutNext = true;
      const error = await client
        .request({
          method: "POST",
          path: "/api/models/a/b/commit/main",
          body: { ndjson: [{ key: "header", value: { summary: "cut" } }] },
          schema: z.unknown(),
          idempotent: false,
        })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "NETWORK_ERROR" });
      expect(seenCommits).toHaveLength(1);
    } finally {
      await client.close();
      server.close();
      server.closeAllConnections();
    }
  });

  it("streams a small download as it arrives, after a redirect it follows, and errors a cut one", async () => {
    requests.length = 0;
    const client = createHubClient({ endpoint: base, token: "hf_small_calls_token", env: {} });
    try {
      const { data, status } = await client.request({
        path: "/file-moved",
        headers: { "accept-encoding": "identity" },
        responseType: "stream",
      });
      expect(status).toBe(200);
      const reader = data!.getReader();
      const first = await reader.read();
      expect(Buffer.from(first.value!).toString()).toBe("abcd");
      release();
      let rest = "";
      for (let next = await reader.read(); !next.done; next = await reader.read())
        rest += Buffer.from(next.value).toString();
      expect(rest).toBe("efgh");
      expect(requests.map((r) => [r.url, r.headers["accept-encoding"]])).toEqual([
        ["/file-moved", "identity"],
        ["/file-storage", "identity"],
      ]);

      const cut = await client.request({ path: "/file-cut", responseType: "stream" });
      const chunks: string[] = [];
      const error = await (async () => {
        for await (const chunk of cut.data as unknown as AsyncIterable<Uint8Array>)
          chunks.push(Buffer.from(chunk).toString());
      })().catch((e: unknown) => e);
      expect(chunks.join("")).toBe("abcd");
      expect(error).toBeInstanceOf(Error);
    } finally {
      await client.close();
    }
  });

  it("never builds the platform's Headers or Response on this path (their first use loads fetch)", async () => {
    requests.length = 0;
    const client = createHubClient({ endpoint: base, token: "hf_small_calls_token", env: {} });
    const saved = { Headers: globalThis.Headers, Response: globalThis.Response };
    const refuse = (name: string) =>
      class {
        constructor() {
          throw new Error(`${name} built on the node:http path`);
        }
      };
    Object.assign(globalThis, { Headers: refuse("Headers"), Response: refuse("Response") });
    try {
      const json = await client.request({ schema: z.unknown(), path: "/moved" });
      expect(json.data).toEqual({ elsewhere: true });
      const pages: unknown[] = [];
      for await (const page of client.paginate({ schema: z.array(z.number()), path: "/page" }))
        pages.push(page);
      expect(pages.flat()).toEqual([1, 2, 3]);
      const file = await client.request({ path: "/file-moved", responseType: "stream" });
      const reader = file.data!.getReader();
      expect(Buffer.from((await reader.read()).value!).toString()).toBe("abcd");
      release();
      await reader.cancel();
      expect(requests.map((r) => [r.url, r.headers.authorization])).toEqual([
        ["/moved", "Bearer hf_small_calls_token"],
        ["/landed?x=1", undefined],
        ["/page", "Bearer hf_small_calls_token"],
        ["/page2", "Bearer hf_small_calls_token"],
        ["/file-moved", "Bearer hf_small_calls_token"],
        ["/file-storage", "Bearer hf_small_calls_token"],
      ]);
    } finally {
      Object.assign(globalThis, saved);
      await client.close();
    }
  });

  it("reports an answer cut short as a network error naming the URL, after retrying it", async () => {
    const client = createHubClient({
      endpoint: base,
      token: false,
      env: {},
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
    });
    requests.length = 0;
    try {
      const error = await client.request({ schema: z.unknown(), path: "/cut" }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "NETWORK_ERROR", retryable: true });
      expect(String((error as Error).message)).toContain(`GET ${base}/cut`);
      expect(requests.filter((r) => r.url === "/cut")).toHaveLength(2);
    } finally {
      await client.close();
    }
  });
});
