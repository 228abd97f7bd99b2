import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient, HTTP_CHANNELS, type HubClient } from "@hfkit/http";
import { pythonSkipReason, runPython } from "@hfkit/testing/python";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { hubXetTokenSource } from "./cas-client.js";
import { hashToHex, loadXetHashes, type XetHash } from "./hash.js";
import { hashXetFile } from "./hash-file.js";
import { readXetFile } from "./read-xet-file.js";
import { collect, noiseBytes, splitmixBytes } from "./test-utils/index.js";
import { uploadXet } from "./upload-xet.js";

// Upload and download through the emulator's CAS (an independent implementation of Xet
// storage) over loopback HTTP, and hf_xet on the other side.
const MiB = 1 << 20;
const TOKEN = "hf_xet_emulator_test";
let server: EmulatorServer;
let hub: HubClient;
let repo = "";
let repos = 0;
const work = mkdtempSync(join(tmpdir(), "hfkit-xet-emu-"));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

beforeAll(async () => {
  server = await startEmulatorServer({ port: 0 });
  hub = createHubClient({
    endpoint: server.url,
    token: TOKEN,
    env: {},
    retry: { initialDelayMs: 10, random: () => 0 },
  });
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});
beforeEach(async () => {
  repo = `local/xet-${++repos}`;
  await hub.request({
    method: "POST",
    path: "/api/repos/create",
    body: { json: { name: repo.split("/")[1] } },
    responseType: "none",
  });
  server.emulator.clearRequestLog();
});

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const read = async (fileHash: string, range?: { start: number; end: number }) =>
  Buffer.concat(await collect(readXetFile(hub, { repo, fileHash, range })));

/** Adds uploaded files to the repo as LFS pointers, as a commit after a Xet upload does. */
async function commitPointers(files: { path: string; sha256: string; size: number }[]) {
  await hub.request({
    method: "POST",
    path: `/api/models/${repo}/commit/main`,
    body: {
      ndjson: [
        { key: "header", value: { summary: "add through xet", description: "" } },
        ...files.map((f) => ({
          key: "lfsFile",
          value: { path: f.path, algo: "sha256", oid: f.sha256, size: f.size },
        })),
      ],
    },
    responseType: "none",
  });
}

const samples: Record<string, Uint8Array> = {
  empty: new Uint8Array(0),
  "one-byte": Uint8Array.of(7),
  "one-chunk": new Uint8Array(128 * 1024).fill(1),
  "128k-plus-1": splitmixBytes(128 * 1024 + 1, 21),
  "random-6mb": noiseBytes(6 * MiB + 17, 22),
};

describe("round trips through the emulator's CAS", () => {
  it("uploads and reads back every sample byte for byte, whole and ranged", async () => {
    const names = Object.keys(samples);
    const result = await uploadXet(hub, {
      repo,
      files: names.map((name) => ({ content: samples[name]!, name })),
      cacheDir: false,
    });
    expect(result.files.map((f) => f.name)).toEqual(names);
    for (const file of result.files) {
      const bytes = samples[file.name]!;
      expect(file.size).toBe(bytes.byteLength);
      expect(file.sha256).toBe(sha256(bytes));
      expect((await read(file.xetHash)).equals(Buffer.from(bytes))).toBe(true);
    }
    const big = result.files.at(-1)!;
    const bytes = Buffer.from(samples["random-6mb"]!);
    for (const [start, end] of [
      [0, 10],
      [100_000, 3_000_001],
      [bytes.byteLength - 5, bytes.byteLength],
    ] as const) {
      expect((await read(big.xetHash, { start, end })).equals(bytes.subarray(start, end))).toBe(true);
    }
    // Nothing the emulator refused; the Hub token never went to the storage (CAS) origin.
    const log = server.emulator.requestLog;
    expect(log.filter((e) => e.status >= 400 && !e.url.includes("/v1/chunks/"))).toEqual([]);
    for (const e of log.filter((x) => x.url.startsWith(server.storageUrl))) {
      if (e.hasAuthorization) expect(new URL(e.url).pathname).toMatch(/^\/v[12]\//);
    }
  }, 120_000);

  it("re-uploads a file with 1 MiB changed in the middle sending under 3 MB of xorbs", async () => {
    const original = noiseBytes(24 * MiB, 23);
    const edited = Uint8Array.from(original);
    edited.fill(9, 12 * MiB, 13 * MiB);
    const cacheDir = join(work, `cache-${repos}`);
    const first = await uploadXet(hub, { repo, files: [{ content: original }], cacheDir });
    expect(first.bytesUploaded).toBeGreaterThan(24 * MiB);
    const second = await uploadXet(hub, { repo, files: [{ content: edited }], cacheDir });
    expect(second.bytesUploaded).toBeLessThan(3_000_000);
    expect(second.bytesDeduplicated).toBeGreaterThan(21 * MiB);
    expect((await read(second.files[0]!.xetHash)).equals(Buffer.from(edited))).toBe(true);
  }, 120_000);

  it("cuts a file at the chunks given with it rather than chunking and hashing it again", async () => {
    const data = noiseBytes(3 * MiB + 5, 25);
    const path = join(work, `given-${repos}.bin`);
    writeFileSync(path, data);
    // Fixed 40 000-byte chunks, not where content-defined chunking cuts: the file hash says
    // which chunks the upload used.
    const hashes = await loadXetHashes();
    const chunks: { hash: XetHash; size: number }[] = [];
    for (let at = 0; at < data.byteLength; at += 40_000) {
      const chunk = data.subarray(at, at + 40_000);
      chunks.push({ hash: hashes.chunk(chunk), size: chunk.byteLength });
    }
    const given = chunks.map((c) => ({ hash: hashToHex(c.hash), size: c.size }));
    const { files } = await uploadXet(hub, {
      repo,
      files: [{ path, sha256: sha256(data), chunks: given }],
      cacheDir: false,
    });
    expect(files[0]!.xetHash).toBe(hashToHex(hashes.file(chunks)));
    expect(files[0]!.xetHash).not.toBe((await hashXetFile({ path })).xetHash);
    expect((await read(files[0]!.xetHash)).equals(Buffer.from(data))).toBe(true);

    // Chunks that are not this file's are refused before anything is sent.
    server.emulator.clearRequestLog();
    const short = given.slice(0, -1);
    await expect(
      uploadXet(hub, { repo, files: [{ path, chunks: short }], cacheDir: false }),
    ).rejects.toMatchObject({ field: "files[0].chunks", message: expect.stringContaining("add up to") });
    expect(server.emulator.requestLog).toEqual([]);
  }, 120_000);

  it("finds a file's chunks with the global dedup query when no local record exists", async () => {
    const data = noiseBytes(5 * MiB, 24);
    await uploadXet(hub, { repo, files: [{ content: data }], cacheDir: false });
    const again = await uploadXet(hub, { repo, files: [{ content: data }], cacheDir: false });
    expect(again.xorbsUploaded).toBe(0);
  }, 120_000);

  it("takes a dedup query's answer while the file's first 4 MiB read is still being chunked", async () => {
    // Over a real socket the query needs several turns of the event loop (host lookup,
    // connection, request, answer): chunking hands the loop one every 256 KiB while a query is
    // pending, not only between 4 MiB reads, so the answer comes ~one read earlier.
    const path = join(work, "dedup-answer.bin");
    writeFileSync(path, noiseBytes(16 * MiB, 25));
    let bytesRead = 0;
    let readWhenAnswered: number | undefined;
    const onEnd = (event: unknown) => {
      const { url } = event as { url: string };
      if (url.includes("/v1/chunks/")) readWhenAnswered ??= bytesRead;
    };
    subscribe(HTTP_CHANNELS.end, onEnd);
    try {
      await uploadXet(hub, {
        repo,
        files: [{ path }],
        cacheDir: false,
        onProgress: (event) => {
          if (event.type === "xet-file-progress") bytesRead = event.bytesRead;
        },
      });
    } finally {
      unsubscribe(HTTP_CHANNELS.end, onEnd);
    }
    expect(readWhenAnswered).toBe(0);
  }, 120_000);
});

describe("faults on the way", () => {
  const data = noiseBytes(3 * MiB, 27);

  it("survives a xorb POST failing twice, a 401 that needs a new token, and a reset mid-download", async () => {
    server.emulator.faults.inject({ method: "POST", path: /^\/v1\/xorbs\//, status: 500, times: 2 });
    server.emulator.faults.inject({ method: "POST", path: "/v1/shards", status: 401, times: 1 });
    const { files } = await uploadXet(hub, { repo, files: [{ content: data }], cacheDir: false });
    const calls = server.emulator.requestLog.map(
      (e) => `${e.method} ${new URL(e.url).pathname.split("/").slice(0, 3).join("/")} ${e.status}`,
    );
    expect(calls.filter((c) => c.startsWith("POST /v1/xorbs"))).toEqual([
      "POST /v1/xorbs 500",
      "POST /v1/xorbs 500",
      "POST /v1/xorbs 200",
    ]);
    expect(calls.filter((c) => c.startsWith("POST /v1/shards"))).toEqual([
      "POST /v1/shards 401",
      "POST /v1/shards 200",
    ]);
    const tokens = server.emulator.requestLog.filter((e) => e.url.includes("/xet-write-token/"));
    expect(tokens).toHaveLength(2);

    server.emulator.faults.inject({ method: "GET", path: /^\/xorbs\//, reset: true, times: 1 });
    expect((await read(files[0]!.xetHash)).equals(Buffer.from(data))).toBe(true);
    const fetches = server.emulator.requestLog.filter(
      (e) => e.method === "GET" && new URL(e.url).pathname.startsWith("/xorbs/"),
    );
    expect(fetches.length).toBeGreaterThanOrEqual(2);
  }, 120_000);
});

describe("a xorb range cut mid-body on a real socket", () => {
  it("is asked again from the first chunk not yet whole, and the file reads back whole", async () => {
    const data = noiseBytes(3 * MiB, 41);
    const { files } = await uploadXet(hub, { repo, files: [{ content: data }], cacheDir: false });
    // A CAS in front of the emulator's: the reconstruction's xorb URLs are pointed at it, and
    // the first xorb answer sends its headers and 1,000,000 bytes, then the socket is destroyed.
    let upstream = "";
    const xorbGets: IncomingHttpHeaders[] = [];
    const front = createServer(async (request, response) => {
      const path = request.url ?? "/";
      const headers: Record<string, string> = {};
      for (const name of ["authorization", "range", "accept-encoding"]) {
        const value = request.headers[name];
        if (typeof value === "string") headers[name] = value;
      }
      const answer = await fetch(`${upstream}${path}`, { headers });
      let body = Buffer.from(await answer.arrayBuffer());
      const out: Record<string, string> = {};
      for (const name of ["content-type", "content-range"]) {
        const value = answer.headers.get(name);
        if (value) out[name] = value;
      }
      if (/^\/v[12]\/reconstructions\//.test(path)) {
        body = Buffer.from(body.toString("utf8").replaceAll(upstream, `http://127.0.0.1:${port()}`));
      }
      if (path.startsWith("/xorbs/")) {
        xorbGets.push(request.headers);
        if (xorbGets.length === 1) {
          response.writeHead(answer.status, { ...out, "content-length": String(body.byteLength) });
          response.write(body.subarray(0, 1_000_000), () => setTimeout(() => response.socket?.destroy(), 50));
          return;
        }
      }
      response.writeHead(answer.status, { ...out, "content-length": String(body.byteLength) });
      response.end(body);
    });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    const port = () => (front.address() as AddressInfo).port;
    try {
      const hubTokens = hubXetTokenSource(hub, { repo, scope: "read" });
      const tokenSource = async (signal?: AbortSignal) => {
        const connection = await hubTokens(signal);
        upstream = connection.casUrl;
        return { ...connection, casUrl: `http://127.0.0.1:${port()}` };
      };
      const got = Buffer.concat(
        await collect(readXetFile(hub, { fileHash: files[0]!.xetHash, tokenSource })),
      );
      expect(got.equals(Buffer.from(data))).toBe(true);
      expect(xorbGets).toHaveLength(2);
      // Sent by node:http on the client's agents, not by fetch (which adds Sec-Fetch-Mode).
      expect(xorbGets[0]!["sec-fetch-mode"]).toBeUndefined();
      const [first, again] = xorbGets.map((h) => /bytes=(\d+)-(\d+)/.exec(String(h.range)));
      // Asked again from a chunk boundary after the bytes that arrived whole, to the same end.
      expect(Number(again![1])).toBeGreaterThan(Number(first![1]) + 900_000);
      expect(Number(again![1])).toBeLessThanOrEqual(Number(first![1]) + 1_000_000);
      expect(again![2]).toBe(first![2]);
    } finally {
      await new Promise((resolve) => front.close(resolve));
    }
  }, 60_000);
});

describe("a process killed mid-upload", () => {
  it("is run again without sending any xorb it had recorded as accepted", { timeout: 120_000 }, async () => {
    // turbo builds the package before its tests (packages/xet/turbo.json): the child runs dist.
    const files = [1, 2].map((seed) => {
      const path = join(work, `kill-${seed}.bin`);
      writeFileSync(path, noiseBytes(40 * MiB, 30 + seed));
      return path;
    });
    const cacheDir = join(work, "kill-cache");
    // The shard is held back, so the child cannot finish before it is killed.
    server.emulator.faults.inject({ method: "POST", path: "/v1/shards", latencyMs: 60_000 });
    const child = spawn(
      process.execPath,
      [
        join(import.meta.dirname, "test-utils", "upload-child.mjs"),
        server.url,
        TOKEN,
        repo,
        cacheDir,
        ...files,
      ],
      { stdio: "ignore" },
    );
    children.push(child);
    // A xorb's line runs to kilobytes (its chunk list): read while the child appends it, or
    // after a kill in the middle of that append, the last line can be torn. The cache skips such
    // a line when it loads (the xorb counts as not recorded), and so does this.
    const recorded = () => {
      if (!existsSync(cacheDir)) return [];
      return readdirSync(cacheDir).flatMap((f) =>
        readFileSync(join(cacheDir, f), "utf8")
          .split("\n")
          .filter((line) => line.startsWith('{"t":"xorb"'))
          .flatMap((line) => {
            try {
              return [JSON.parse(line).h as string];
            } catch {
              return [];
            }
          }),
      );
    };
    for (let waited = 0; recorded().length === 0; waited += 20) {
      expect(waited).toBeLessThan(60_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const accepted = recorded();
    server.emulator.faults.clear();
    server.emulator.clearRequestLog();

    const result = await uploadXet(hub, {
      repo,
      files: files.map((path) => ({ path })),
      cacheDir,
      globalDedup: false,
    });
    const posted = server.emulator.requestLog
      .filter((e) => e.method === "POST" && new URL(e.url).pathname.startsWith("/v1/xorbs/"))
      .map((e) => new URL(e.url).pathname.split("/").at(-1));
    for (const xorb of accepted) expect(posted).not.toContain(xorb);
    expect(result.chunksDeduplicated).toBeGreaterThan(0);
    // The emulator accepted the shard: it rebuilt each file from the xorbs (old and new) and
    // checked its SHA-256, so the files are whole.
    expect(result.shardsUploaded).toBe(1);
    expect(result.files.map((f) => f.sha256)).toEqual(files.map((f) => sha256(readFileSync(f))));
  });
});

describe.skipIf(pythonSkipReason())("hfkit and hf_xet read each other's uploads", () => {
  const env = () => ({ HF_ENDPOINT: server.url, HF_TOKEN: TOKEN, HF_HOME: join(work, `hf-home-${repos}`) });

  it("hf_hub_download (through hf_xet) reads what hfkit uploaded", { timeout: 300_000 }, async () => {
    const data = noiseBytes(9 * MiB + 3, 25);
    const { files } = await uploadXet(hub, {
      repo,
      files: [{ content: data, name: "model.bin" }],
      cacheDir: false,
    });
    await commitPointers([{ path: "model.bin", sha256: files[0]!.sha256, size: files[0]!.size }]);
    server.emulator.clearRequestLog();
    const path = await runPython(
      `import sys
from huggingface_hub import hf_hub_download
print(hf_hub_download(sys.argv[1], "model.bin"))`,
      { env: env(), args: [repo] },
    );
    expect(readFileSync(path.trim()).equals(Buffer.from(data))).toBe(true);
    // It went through Xet: hf_xet asked the CAS for the reconstruction.
    const paths = server.emulator.requestLog.map((e) => new URL(e.url).pathname);
    expect(paths.some((p) => /^\/v[12]\/reconstructions\//.test(p))).toBe(true);
  });

  it("hfkit reads what huggingface_hub uploaded through hf_xet", { timeout: 300_000 }, async () => {
    const data = noiseBytes(7 * MiB + 5, 26);
    const local = join(work, "from-python.bin");
    writeFileSync(local, data);
    await runPython(
      `import sys
from huggingface_hub import HfApi
HfApi().upload_file(path_or_fileobj=sys.argv[2], path_in_repo="py.bin", repo_id=sys.argv[1])`,
      { env: env(), args: [repo, local] },
    );
    const paths = server.emulator.requestLog.map((e) => `${e.method} ${new URL(e.url).pathname}`);
    expect(paths.some((p) => p.startsWith("POST /v1/xorbs/"))).toBe(true);
    const { data: info } = await hub.request({
      method: "POST",
      path: `/api/models/${repo}/paths-info/main`,
      body: { json: { paths: ["py.bin"] } },
      schema: z.array(z.object({ path: z.string(), xetHash: z.string().optional() })),
    });
    const xetHash = info[0]?.xetHash;
    expect(xetHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await read(xetHash!)).equals(Buffer.from(data))).toBe(true);
  });
});
