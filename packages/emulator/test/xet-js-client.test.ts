// The official @huggingface/hub client (2.17.5) with its default `useXet`, against the emulator
// over loopback HTTP: uploads go through the LFS batch's `transfer: "xet"`, the CAS (xorbs,
// shards, dedup queries), downloads through `/resolve`'s file info and the reconstruction API.
import { createHash, randomBytes } from "node:crypto";
import * as hub from "@huggingface/hub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorServer, startEmulatorServer } from "../src/index.js";

const accessToken = "hf_xet_js_client";
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

let server: EmulatorServer;
let hubUrl: string;
beforeAll(async () => {
  server = await startEmulatorServer({ port: 0 });
  hubUrl = server.url;
});
afterAll(() => server.close());

/** Bytes that compress (repeated text with noise), so LZ4 and byte-grouped chunks are exercised. */
function compressible(size: number): Uint8Array {
  const out = new Uint8Array(size);
  const line = Buffer.from("the quick brown fox jumps over the lazy dog 0123456789\n");
  for (let i = 0; i < size; i++) out[i] = line[i % line.length]!;
  const noise = randomBytes(Math.floor(size / 64));
  for (let i = 0; i < noise.length; i++) out[(i * 64 + noise[i]!) % size] = noise[i]!;
  return out;
}

/** Float32 values close to each other: byte grouping helps these. */
function floats(count: number): Uint8Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = 1 + Math.sin(i / 100) * 0.001;
  return new Uint8Array(values.buffer);
}

describe("official @huggingface/hub client, default useXet", () => {
  const repo = { type: "model" as const, name: "local/xet-js" };
  const small = new TextEncoder().encode("small file through xet\n");
  const medium = compressible(3 * 1024 * 1024 + 12_345);
  const tensor = floats(256 * 1024);
  const large = new Uint8Array(randomBytes(50 * 1024 * 1024));

  it("uploadFiles sends small, medium and 50 MB files through Xet (no LFS PUT)", async () => {
    await hub.createRepo({ repo, accessToken, hubUrl });
    server.emulator.clearRequestLog();
    const result = await hub.uploadFiles({
      repo,
      accessToken,
      hubUrl,
      files: [
        { path: "small.bin", content: new Blob([small]) },
        { path: "medium.txt.gz", content: new Blob([medium]) },
        { path: "tensor.safetensors", content: new Blob([tensor]) },
        { path: "large.bin", content: new Blob([large]) },
      ],
    });
    expect(result?.commit.oid).toMatch(/^[0-9a-f]{40}$/);
    const log = server.emulator.requestLog;
    const paths = log.map((e) => `${e.method} ${new URL(e.url).pathname}`);
    expect(paths.filter((p) => p.startsWith("POST /v1/xorbs/default/")).length).toBeGreaterThanOrEqual(1);
    expect(paths.filter((p) => p === "POST /v1/shards").length).toBeGreaterThanOrEqual(1);
    expect(paths.some((p) => p.startsWith("PUT /upload/") || p.startsWith("PUT /part/"))).toBe(false);
    expect(paths.filter((p) => p.startsWith("GET /v1/chunks/default/")).length).toBeGreaterThanOrEqual(1);
    // Dedup queries for chunks nobody uploaded yet are 404s by design; nothing else fails.
    expect(log.filter((e) => e.status >= 400 && !e.url.includes("/v1/chunks/"))).toEqual([]);
    // The Hub token never reaches the storage origin (CAS calls carry the Xet token).
    for (const e of log.filter((x) => x.url.startsWith(server.storageUrl))) {
      if (e.hasAuthorization) expect(e.url).toMatch(/\/v[12]\//);
    }
  }, 120_000);

  it("paths-info reports each file's xetHash and the LFS sha256", async () => {
    const info = await hub.pathsInfo({ repo, paths: ["large.bin", "small.bin"], accessToken, hubUrl });
    const large0 = info.find((i) => i.path === "large.bin")!;
    expect(large0.lfs?.oid).toBe(sha256(large));
    expect((large0 as { xetHash?: string }).xetHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("downloadFile returns identical bytes, whole and ranged, through the reconstruction API", async () => {
    server.emulator.clearRequestLog();
    for (const [path, bytes] of [
      ["small.bin", small],
      ["medium.txt.gz", medium],
      ["tensor.safetensors", tensor],
      ["large.bin", large],
    ] as const) {
      const blob = await hub.downloadFile({ repo, path, accessToken, hubUrl });
      expect(blob!.size).toBe(bytes.byteLength);
      expect(sha256(new Uint8Array(await blob!.arrayBuffer()))).toBe(sha256(bytes));
    }
    const blob = await hub.downloadFile({ repo, path: "large.bin", accessToken, hubUrl });
    const from = 20 * 1024 * 1024 + 17;
    const slice = new Uint8Array(await blob!.slice(from, from + 3_000_000).arrayBuffer());
    // (Hashes, not toEqual: a deep compare of megabytes takes vitest tens of seconds.)
    expect(sha256(slice)).toBe(sha256(large.subarray(from, from + 3_000_000)));
    const paths = server.emulator.requestLog.map((e) => new URL(e.url).pathname);
    expect(paths.some((p) => p.startsWith("/v2/reconstructions/"))).toBe(true);
    expect(paths.some((p) => p.startsWith("/xorbs/default/"))).toBe(true);
  }, 120_000);
});
