// Downloads over real sockets, with the platform's own fetch: the bytes then come through the
// bulk transport (undici.request, hop by hop) rather than through a patched fetch as in the
// msw-backed tests. A server of this test's own plays the Hub and, on another origin, storage.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHubClient, InvalidResponseError } from "@hfkit/http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { downloadFile } from "../download-file.js";

const COMMIT = "c".repeat(40);
const TOKEN = "hf_bulk_test_token";
const CONTENT = randomBytes(3 * 1024 * 1024 + 17);
const SHA = createHash("sha256").update(CONTENT).digest("hex");

interface Seen {
  url: string;
  range: string | undefined;
  authorization: string | undefined;
}

/** What storage does to the next GET of the file: cut it after n bytes, or flip a byte. */
let nextGet: { cutAfter?: number; corrupt?: boolean } = {};
let seen: Seen[] = [];
let hub: Server;
let storage: Server;
let hubUrl: string;
let storageUrl: string;
let cacheDir: string;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

function record(req: IncomingMessage) {
  seen.push({ url: req.url ?? "", range: req.headers.range, authorization: req.headers.authorization });
}

beforeAll(async () => {
  hub = createServer((req: IncomingMessage, res: ServerResponse) => {
    record(req);
    if (!/^\/acme\/model\/resolve\/[^/]+\/weights\.bin$/.test(req.url ?? "")) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(302, {
        location: `${storageUrl}/blobs/weights.bin`,
        "x-repo-commit": COMMIT,
        "x-linked-etag": `"${SHA}"`,
        "x-linked-size": String(CONTENT.byteLength),
        "content-length": "0",
      })
      .end();
  });
  storage = createServer((req, res) => {
    record(req);
    const plan = nextGet;
    nextGet = {};
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? "")?.[1] ?? 0);
    let body = CONTENT.subarray(start);
    if (plan.corrupt) {
      body = Buffer.from(body);
      body[1000] = (body[1000] ?? 0) ^ 0xff;
    }
    res.writeHead(start > 0 ? 206 : 200, {
      "content-length": String(body.byteLength),
      ...(start > 0
        ? { "content-range": `bytes ${start}-${CONTENT.byteLength - 1}/${CONTENT.byteLength}` }
        : {}),
    });
    if (plan.cutAfter !== undefined) {
      // Part of the body, then a reset: the client sees the connection break mid-way.
      res.write(body.subarray(0, plan.cutAfter), () => setTimeout(() => req.socket.destroy(), 20));
      return;
    }
    res.end(body);
  });
  hubUrl = await listen(hub);
  storageUrl = await listen(storage);
});

afterAll(() => {
  hub.close();
  storage.close();
});

beforeEach(async () => {
  seen = [];
  nextGet = {};
  cacheDir = await mkdtemp(join(tmpdir(), "hfkit-bulk-"));
});

afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const blobs = () => join(cacheDir, "models--acme--model", "blobs");

async function download() {
  const client = createHubClient({ endpoint: hubUrl, token: TOKEN, env: { HF_HUB_DISABLE_XET: "1" } });
  try {
    return await downloadFile(client, {
      repo: "acme/model",
      path: "weights.bin",
      cacheDir,
      resumeDelayMs: 0,
    });
  } finally {
    await client.close();
  }
}

describe("downloadFile through the bulk transport", () => {
  it("writes the exact bytes into the cache, following the redirect without sending the token to storage", async () => {
    const result = await download();
    expect(Buffer.compare(await readFile(result.path), CONTENT)).toBe(0);
    expect(await readdir(blobs())).toEqual([SHA]);
    const toStorage = seen.filter((r) => r.url.startsWith("/blobs/"));
    expect(toStorage).toHaveLength(1);
    expect(toStorage[0]?.authorization).toBeUndefined();
    expect(
      seen.filter((r) => r.url.startsWith("/acme/")).every((r) => r.authorization === `Bearer ${TOKEN}`),
    ).toBe(true);
  });

  it("resumes with Range after the connection is reset mid-body, and the file is whole", async () => {
    nextGet = { cutAfter: 1_000_000 };
    const result = await download();
    const ranges = seen.filter((r) => r.url.startsWith("/blobs/")).map((r) => r.range);
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeUndefined();
    // Resumed from where the reset left it (at least the bytes written before it).
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? "")?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(1_000_000);
    expect(Buffer.compare(await readFile(result.path), CONTENT)).toBe(0);
    expect(await readdir(blobs())).toEqual([SHA]);
  });

  it("refuses bytes whose SHA-256 differs from the etag, and renames nothing into the cache", async () => {
    nextGet = { corrupt: true };
    const error = await download().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toContain(SHA);
    expect((await readdir(blobs()).catch(() => [])).filter((name) => name === SHA)).toEqual([]);
    await expect(readdir(join(cacheDir, "models--acme--model", "snapshots", COMMIT))).rejects.toThrow();
  });
});
