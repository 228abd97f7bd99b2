// The LFS download path over hfkit's own socket (socket-get.ts, socket-bytes.ts), against a Hub
// and a storage server of the test's own over real loopback HTTP: bytes on disk, what each
// server received, and what is left in the cache when the body goes wrong.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHubClient, HubError } from "@hfkit/http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { downloadFile } from "../download-file.js";
import { OWN_SOCKET_MIN_BYTES } from "./socket-bytes.js";

const TOKEN = "hf_socket_test_token";
const COMMIT = "d".repeat(40);
// Above the size that takes the own socket, so over both receive buffers many times.
const CONTENT = randomBytes(OWN_SOCKET_MIN_BYTES + 12_345);
const SHA = createHash("sha256").update(CONTENT).digest("hex");

interface Seen {
  url: string;
  headers: IncomingMessage["headers"];
}
type Storage = (req: IncomingMessage, res: ServerResponse, attempt: number) => void;

let root: string;
let servers: Server[];
let hubSeen: Seen[];
let storageSeen: Seen[];

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A Hub whose `/resolve` redirects to `storage` (another origin: another port). */
async function start(storage: Storage): Promise<string> {
  let attempts = 0;
  const storageUrl = await listen((req, res) => {
    storageSeen.push({ url: req.url ?? "", headers: req.headers });
    storage(req, res, ++attempts);
  });
  return listen((req, res) => {
    hubSeen.push({ url: req.url ?? "", headers: req.headers });
    res.writeHead(302, {
      location: `${storageUrl}/lfs/${SHA}?signature=abc`,
      "x-repo-commit": COMMIT,
      "x-linked-etag": `"${SHA}"`,
      "x-linked-size": String(CONTENT.byteLength),
      "content-length": "0",
    });
    res.end();
  });
}

const download = (endpoint: string, extra: Record<string, unknown> = {}) =>
  downloadFile(createHubClient({ endpoint, token: TOKEN, env: {} }), {
    repo: "acme/weights",
    path: "model.bin",
    cacheDir: join(root, "cache"),
    resumeDelayMs: 0,
    ...extra,
  });

const blobs = () =>
  readdir(join(root, "cache", "models--acme--weights", "blobs")).catch(() => [] as string[]);

/** Sends `bytes` in pieces of 64 KiB (chunked when no length was set). */
function sendInPieces(res: ServerResponse, bytes: Uint8Array, then: () => void) {
  let at = 0;
  const next = () => {
    while (at < bytes.byteLength) {
      const piece = bytes.subarray(at, at + 65_536);
      at += piece.byteLength;
      if (!res.write(piece)) return void res.once("drain", next);
    }
    then();
  };
  next();
}

/** Storage that sends the first `bytes` of the file, then nothing. */
const stallAfter =
  (bytes: number): Storage =>
  (_req, res) => {
    res.writeHead(200, { "content-length": String(CONTENT.byteLength) });
    res.write(CONTENT.subarray(0, bytes));
  };

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "hfkit-socket-"));
  servers = [];
  hubSeen = [];
  storageSeen = [];
});

afterEach(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await rm(root, { recursive: true, force: true });
});

describe("LFS downloads over hfkit's own socket", () => {
  it("writes a chunked body to the cache, with the token sent to the Hub only", async () => {
    const endpoint = await start((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" }); // no length: chunked
      sendInPieces(res, CONTENT, () => res.end());
    });
    const result = await download(endpoint);
    expect(Buffer.compare(await readFile(result.path), CONTENT)).toBe(0);
    expect(await blobs()).toEqual([SHA]);
    expect(hubSeen.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(storageSeen).toHaveLength(1);
    expect(storageSeen[0]?.headers.authorization).toBeUndefined();
    // The marker of this path (undici and node:http keep connections alive).
    expect(storageSeen[0]?.headers.connection).toBe("close");
    expect(storageSeen[0]?.url).toBe(`/lfs/${SHA}?signature=abc`);
  });

  it("resumes with Range after the connection is cut mid-body, and reports progress to the end", async () => {
    const endpoint = await start((req, res, attempt) => {
      if (attempt === 1) {
        res.writeHead(200, { "content-length": String(CONTENT.byteLength) });
        sendInPieces(res, CONTENT.subarray(0, 1_500_000), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? "")?.[1]);
      res.writeHead(206, {
        "content-length": String(CONTENT.byteLength - from),
        "content-range": `bytes ${from}-${CONTENT.byteLength - 1}/${CONTENT.byteLength}`,
      });
      res.end(CONTENT.subarray(from));
    });
    const progress: number[] = [];
    const result = await download(endpoint, { onProgress: (p: { bytes: number }) => progress.push(p.bytes) });
    expect(Buffer.compare(await readFile(result.path), CONTENT)).toBe(0);
    expect(storageSeen).toHaveLength(2);
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(storageSeen[1]?.headers.range ?? "")?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(1_500_000);
    expect(storageSeen.map((r) => r.headers.connection)).toEqual(["close", "close"]);
    expect(progress.at(-1)).toBe(CONTENT.byteLength);
    expect(await blobs()).toEqual([SHA]);
  });

  it("fails with NETWORK_ERROR when every attempt is cut, and names no blob", async () => {
    const endpoint = await start((req, res) => {
      const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? "")?.[1] ?? 0);
      res.writeHead(from > 0 ? 206 : 200, {
        "content-length": String(CONTENT.byteLength - from),
        ...(from > 0
          ? { "content-range": `bytes ${from}-${CONTENT.byteLength - 1}/${CONTENT.byteLength}` }
          : {}),
      });
      res.write(CONTENT.subarray(from, from + 100_000), () => setTimeout(() => res.socket?.destroy(), 20));
    });
    const error = await download(endpoint, { maxResumes: 1 }).catch((e: unknown) => e);
    expect(HubError.isInstance(error) && error.code).toBe("NETWORK_ERROR");
    expect(String((error as Error).message)).toMatch(
      new RegExp(`broke off at byte \\d+ of ${CONTENT.byteLength}`),
    );
    expect(storageSeen.map((r) => r.headers.connection)).toEqual(["close", "close"]);
    expect(await blobs()).not.toContain(SHA);
    expect((await blobs()).every((name) => name.endsWith(".incomplete"))).toBe(true);
  });

  it("refuses bytes whose SHA-256 differs from the announced one, and keeps nothing", async () => {
    const endpoint = await start((_req, res) => {
      const wrong = Buffer.from(CONTENT);
      wrong[1_234_567] = (wrong[1_234_567] as number) ^ 1;
      res.writeHead(200, { "content-length": String(wrong.byteLength) });
      sendInPieces(res, wrong, () => res.end());
    });
    const error = await download(endpoint).catch((e: unknown) => e);
    expect(HubError.isInstance(error) && error.code).toBe("INVALID_RESPONSE");
    expect(String((error as Error).message)).toContain(`the Hub announced ${SHA}`);
    expect(storageSeen[0]?.headers.connection).toBe("close");
    expect(await blobs()).toEqual([]);
  });

  it("stops on abort while the body is arriving, with the abort's reason", async () => {
    const controller = new AbortController();
    const endpoint = await start(stallAfter(1_200_000));
    const reason = new Error("stopped by the test");
    const error = await download(endpoint, {
      signal: controller.signal,
      onProgress: (p: { bytes: number }) => {
        if (p.bytes > 0) controller.abort(reason);
      },
    }).catch((e: unknown) => e);
    expect(error).toBe(reason);
    expect(storageSeen[0]?.headers.connection).toBe("close");
    expect(await blobs()).not.toContain(SHA);
  });

  it("stops when the client's own signal aborts (a CLI's Ctrl-C)", async () => {
    const controller = new AbortController();
    const endpoint = await start(stallAfter(1_200_000));
    const reason = new Error("interrupted");
    const client = createHubClient({ endpoint, token: TOKEN, env: {}, signal: controller.signal });
    const error = await downloadFile(client, {
      repo: "acme/weights",
      path: "model.bin",
      cacheDir: join(root, "cache"),
      onProgress: (p) => {
        if (p.bytes > 0) controller.abort(reason);
      },
    }).catch((e: unknown) => e);
    expect(error).toBe(reason);
    expect(storageSeen[0]?.headers.connection).toBe("close");
    expect(await blobs()).not.toContain(SHA);
  });

  it("leaves an answer it does not read (a second redirect) to the client's path", async () => {
    let bounced = false;
    const endpoint = await start((req, res) => {
      if (!req.url?.startsWith("/final")) {
        bounced = true;
        res.writeHead(307, { location: "/final", "content-length": "0" });
        return void res.end();
      }
      res.writeHead(200, { "content-length": String(CONTENT.byteLength) });
      res.end(CONTENT);
    });
    const result = await download(endpoint);
    expect(bounced).toBe(true);
    expect(Buffer.compare(await readFile(result.path), CONTENT)).toBe(0);
    expect(storageSeen.every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});
