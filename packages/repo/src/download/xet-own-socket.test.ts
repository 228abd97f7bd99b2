// Xet-stored files whose xorb ranges come over hfkit's own socket (xet-bytes.ts, socket-get.ts
// with `closedRange`), against the emulator over real loopback HTTP: bytes on disk, which
// requests went through the client, and the Range asked on the socket.
import { randomBytes } from "node:crypto";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient, HTTP_CHANNELS, type HubClient } from "@hfkit/http";
import { uploadXet } from "@hfkit/xet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo } from "../create-repo.js";
import { downloadFile } from "../download-file.js";
import { socketGet } from "./socket-get.js";
import { OWN_SOCKET_MIN_RANGE, readXetFile } from "./xet-bytes.js";

const TOKEN = "hf_xet_own_socket_token";
let emulator: EmulatorServer;
let work = "";

beforeAll(async () => {
  emulator = await startEmulatorServer({ port: 0 });
  work = await mkdtemp(join(tmpdir(), "hfkit-xet-own-socket-"));
});
afterAll(async () => {
  await emulator.close();
  await rm(work, { recursive: true, force: true });
});

/** A repo holding `content` as model.bin, stored on Xet (uploaded to the CAS, committed as an LFS pointer). */
async function xetRepo(hub: HubClient, name: string, content: Uint8Array): Promise<string> {
  const repo = `local/${name}`;
  await createRepo(hub, { repo });
  const { files } = await uploadXet(hub, { repo, files: [{ content }], cacheDir: false });
  const body = [
    { key: "header", value: { summary: "weights through xet" } },
    {
      key: "lfsFile",
      value: { path: "model.bin", algo: "sha256", oid: files[0]!.sha256, size: content.byteLength },
    },
  ]
    .map((line) => JSON.stringify(line))
    .join("\n");
  const res = await fetch(`${emulator.url}/api/models/${repo}/commit/main`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/x-ndjson" },
    body,
  });
  expect(res.status).toBe(200);
  return repo;
}

/** Downloads model.bin, returning its bytes on disk and the URLs the client itself requested. */
async function download(hub: HubClient, repo: string) {
  const urls: string[] = [];
  const onStart = (message: unknown) => urls.push(String((message as { url: URL | string }).url));
  subscribe(HTTP_CHANNELS.start, onStart);
  try {
    const { path } = await downloadFile(hub, {
      repo,
      path: "model.bin",
      cacheDir: join(work, repo, "cache"),
    });
    return { bytes: await readFile(path), clientUrls: urls };
  } finally {
    unsubscribe(HTTP_CHANNELS.start, onStart);
  }
}

describe("Xet downloads over hfkit's own socket", () => {
  it("receives a large xorb range over its own socket, byte for byte, none of it through the client", async () => {
    const hub = createHubClient({ endpoint: emulator.url, token: TOKEN, env: {} });
    // Random bytes: no chunk repeats or compresses, so one range of the whole file.
    const content = randomBytes(OWN_SOCKET_MIN_RANGE + 1_234_567);
    const repo = await xetRepo(hub, "large", content);
    const { bytes, clientUrls } = await download(hub, repo);
    expect(bytes.equals(content)).toBe(true);
    expect(clientUrls.some((url) => url.includes("/reconstructions/"))).toBe(true);
    expect(clientUrls.filter((url) => url.includes("/xorbs/"))).toEqual([]);
  });

  it("takes an hfkit upload's first xorb (closed just under 4 MiB) over its own socket too", async () => {
    const hub = createHubClient({ endpoint: emulator.url, token: TOKEN, env: {} });
    // Over 16 MiB: the upload starts with a 4 MiB xorb, then 8 and 16 MiB ones.
    const content = randomBytes(17 << 20);
    const repo = await xetRepo(hub, "first-xorb", content);
    const { bytes, clientUrls } = await download(hub, repo);
    expect(bytes.equals(content)).toBe(true);
    expect(clientUrls.filter((url) => url.includes("/xorbs/"))).toEqual([]);
  });

  it("lends the socket's receive buffers: stored chunks are read as views of them, not copied out", async () => {
    const hub = createHubClient({ endpoint: emulator.url, token: TOKEN, env: {} });
    const content = randomBytes(OWN_SOCKET_MIN_RANGE + 2_345_678);
    const repo = `local/lent`;
    await createRepo(hub, { repo });
    const [file] = (await uploadXet(hub, { repo, files: [{ content }], cacheDir: false })).files;
    const copies: Buffer[] = [];
    let views = 0;
    for await (const lent of readXetFile(hub, { repo, fileHash: file!.xetHash, lendChunks: true })) {
      copies.push(Buffer.from(lent));
      // socketGet's reused 1 MiB buffers (chunk memory is 128 KiB per chunk).
      if (lent.buffer.byteLength === 1 << 20) views++;
    }
    expect(Buffer.concat(copies).equals(content)).toBe(true);
    expect(views).toBeGreaterThan(copies.length / 2);
  });

  it("leaves a range under the threshold, or a client given its own fetch, to the client", async () => {
    const hub = createHubClient({ endpoint: emulator.url, token: TOKEN, env: {} });
    const small = randomBytes(300_000);
    const smallRepo = await xetRepo(hub, "small", small);
    const first = await download(hub, smallRepo);
    expect(first.bytes.equals(small)).toBe(true);
    expect(first.clientUrls.filter((url) => url.includes("/xorbs/"))).toHaveLength(1);

    const large = randomBytes(OWN_SOCKET_MIN_RANGE + 10);
    const largeRepo = await xetRepo(hub, "large-fetch", large);
    const withFetch = createHubClient({
      endpoint: emulator.url,
      token: TOKEN,
      env: {},
      fetch: (input, init) => fetch(input, init),
    });
    const second = await download(withFetch, largeRepo);
    expect(second.bytes.equals(large)).toBe(true);
    expect(second.clientUrls.filter((url) => url.includes("/xorbs/"))).toHaveLength(1);
  });
});

describe("socketGet with a closed range", () => {
  let server: Server;
  let seen: IncomingMessage["headers"][] = [];
  let answer: "206" | "200" = "206";
  const body = randomBytes(1000);
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      if (answer === "200") {
        res.writeHead(200, { "content-length": String(body.byteLength) }).end(body);
        return;
      }
      const [, a, b] = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? "") ?? [];
      const part = body.subarray(Number(a), Number(b) + 1);
      res
        .writeHead(206, {
          "content-range": `bytes ${a}-${b}/${body.byteLength}`,
          "content-length": String(part.byteLength),
        })
        .end(part);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** The memory of each `consume` call's bytes, in order. */
  let memory: ArrayBufferLike[] = [];
  const get = (offset: number, expected: number) => {
    const got: Buffer[] = [];
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/xorb`);
    return socketGet({
      url,
      offset,
      expected,
      closedRange: true,
      userAgent: "test",
      consume: async (bytes) => {
        memory.push(bytes.buffer);
        got.push(Buffer.from(bytes));
      },
    }).then((result) => ({ ...result, bytes: Buffer.concat(got) }));
  };

  it("asks for exactly the range, from byte 0 too, and takes exactly its bytes", async () => {
    seen = [];
    answer = "206";
    const first = await get(0, 100);
    expect(seen[0]?.range).toBe("bytes=0-99");
    expect(first).toEqual({ received: 100, bytes: body.subarray(0, 100) });
    const later = await get(250, 500);
    expect(seen[1]?.range).toBe("bytes=250-749");
    expect(later.bytes.equals(body.subarray(250, 750))).toBe(true);
  });

  it("reads the next GET into the memory of the one before, once it is done with it", async () => {
    answer = "206";
    memory = [];
    const first = await get(0, 300);
    const second = await get(300, 400);
    expect(first.bytes.equals(body.subarray(0, 300))).toBe(true);
    expect(second.bytes.equals(body.subarray(300, 700))).toBe(true);
    expect(memory).toHaveLength(2);
    expect(memory[1]).toBe(memory[0]);
  });

  it("leaves a whole-object answer (200) to the client's path before taking any byte", async () => {
    answer = "200";
    const result = await get(0, 100);
    expect(result.received).toBe(0);
    expect(result.fallback).toMatch(/status 200 for a range/);
    expect(result.bytes.byteLength).toBe(0);
  });
});
