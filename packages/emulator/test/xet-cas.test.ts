// The CAS as a client sees it, driven with the test encoder: every compression scheme round
// trips, files registered by a shard can be committed and downloaded (Xet and plain), ranges
// and multi-range xorb downloads work, the dedup index answers, and a disk restart keeps it all.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../src/index.js";
import { hashToHex, xetHasher } from "../src/xet/hash.js";
import { call, callJson, createRepo, ndjson } from "./helpers.js";
import { cas, sha256, writeAccess, xetToken, xetUpload } from "./xet/client.js";
import type { ChunkSpec } from "./xet/encoder.js";

let hub: Emulator;
beforeEach(async () => {
  hub = createEmulator();
  await createRepo(hub, "xet");
});

function commitLfs(emulator: Emulator, path: string, oid: string, size: number) {
  return callJson<{ commitOid: string }>(emulator, "POST", "/api/models/local/xet/commit/main", {
    body: ndjson([
      { key: "header", value: { summary: `add ${path}` } },
      { key: "lfsFile", value: { path, algo: "sha256", oid, size } },
    ]),
    headers: { "content-type": "application/x-ndjson" },
  });
}

interface Reconstruction {
  offset_into_first_range: number;
  terms: Array<{ hash: string; unpacked_length: number; range: { start: number; end: number } }>;
  xorbs?: Record<
    string,
    Array<{
      url: string;
      ranges: Array<{ chunks: { start: number; end: number }; bytes: { start: number; end: number } }>;
    }>
  >;
  fetch_info?: Record<
    string,
    Array<{ url: string; range: { start: number; end: number }; url_range: { start: number; end: number } }>
  >;
}

describe("xorbs and shards round trip", () => {
  it("accepts chunks stored raw, as LZ4 frames (every frame option) and byte-grouped, and serves the same bytes", async () => {
    const { accessToken } = await writeAccess(hub, "local/xet");
    const text = Buffer.from("abcabcabcabc the same words again and again ".repeat(3000));
    const floats = new Uint8Array(new Float32Array(20_000).map((_, i) => 1 + i * 1e-6).buffer);
    const runs = new Uint8Array(70_000).fill(7); // one long overlapping match
    const specs: ChunkSpec[] = [
      { raw: new Uint8Array(randomBytes(5000)), scheme: 0 },
      { raw: text.subarray(0, 100_000), scheme: 1 },
      { raw: text.subarray(100_000), scheme: 1, frame: { contentSize: true, blockChecksum: true } },
      { raw: floats.subarray(0, 65_537), scheme: 2 },
      { raw: runs, scheme: 1, frame: {} },
      { raw: new Uint8Array(randomBytes(3)), scheme: 2 },
    ];
    const data = Buffer.concat(specs.map((s) => s.raw));
    const up = await xetUpload(hub, accessToken, data, specs);
    expect(up.xorb.bytes.byteLength).toBeLessThan(data.byteLength); // compression happened
    // A re-upload of the same xorb is fine and says so.
    const again = await cas(hub, "POST", `/v1/xorbs/default/${up.xorb.hash}`, {
      token: accessToken,
      body: up.xorb.bytes,
    });
    expect(await again.json()).toEqual({ was_inserted: false });
    // It is still checked whole, though not kept: a flipped byte in the last chunk is refused.
    const flipped = Uint8Array.from(up.xorb.bytes);
    flipped[flipped.byteLength - 1]! ^= 1;
    const bad = await cas(hub, "POST", `/v1/xorbs/default/${up.xorb.hash}`, {
      token: accessToken,
      body: flipped,
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("x-error-code")).toBe("InvalidXorb");
    const head = await cas(hub, "HEAD", `/v1/xorbs/default/${up.xorb.hash}`, { token: accessToken });
    expect(head.headers.get("content-length")).toBe(String(up.xorb.bytes.byteLength));
    const file = await cas(hub, "HEAD", `/v1/files/${up.fileHash}`, { token: accessToken });
    expect(file.headers.get("content-length")).toBe(String(data.byteLength));

    expect((await commitLfs(hub, "mixed.bin", up.sha256, data.byteLength)).status).toBe(200);
    // A plain client follows /resolve's redirect to the file rebuilt from the xorb.
    const plain = await call(hub, "GET", "/local/xet/resolve/main/mixed.bin");
    expect(plain.status).toBe(200);
    expect(sha256(new Uint8Array(await plain.arrayBuffer()))).toBe(sha256(data));
    const ranged = await call(hub, "GET", "/local/xet/resolve/main/mixed.bin", {
      headers: { range: "bytes=99990-200009" },
    });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(data.subarray(99_990, 200_010))).toBe(true);
  });

  it("accepts a shard with a footer (as the JS client sends) and answers result 0 for what is already registered", async () => {
    const { accessToken } = await writeAccess(hub, "local/xet");
    const data = new Uint8Array(randomBytes(150_000));
    const up = await xetUpload(hub, accessToken, data);
    const { buildShard } = await import("./xet/encoder.js");
    const hasher = await xetHasher();
    const withFooter = buildShard(
      [{ terms: [{ xorb: up.xorb, start: 0, end: up.xorb.chunks.length }], bytes: data }],
      [up.xorb],
      hasher,
      { footer: true },
    );
    const res = await cas(hub, "POST", "/v1/shards", { token: accessToken, body: withFooter });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: 0 });
  });

  it("streams /v2/shards progress as NDJSON ending in a result event", async () => {
    const { accessToken } = await writeAccess(hub, "local/xet");
    const data = new Uint8Array(randomBytes(10_000));
    const { encodeFile } = await import("./xet/client.js");
    const encoded = await encodeFile(data);
    await cas(hub, "POST", `/v1/xorbs/default/${encoded.xorb.hash}`, {
      token: accessToken,
      body: encoded.xorb.bytes,
    });
    const res = await cas(hub, "POST", "/v2/shards", { token: accessToken, body: encoded.shard });
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    const events = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string });
    expect(events.map((e) => e.type)).toEqual(["validating", "committing", "committing", "result"]);
    expect(events.at(-1)).toEqual({ type: "result", result: 1 });
  });
});

describe("downloads", () => {
  let data: Uint8Array;
  let fileHash: string;
  let readToken: string;
  beforeEach(async () => {
    const { accessToken } = await writeAccess(hub, "local/xet");
    data = new Uint8Array(randomBytes(400_000));
    const up = await xetUpload(hub, accessToken, data); // 7 chunks of 64 KiB (the last shorter)
    fileHash = up.fileHash;
    await commitLfs(hub, "data.bin", up.sha256, data.byteLength);
    readToken = (await xetToken(hub, "local/xet", "read")).body.accessToken;
  });

  it("/resolve carries X-Xet-Hash and the Link rels, and answers the xet-fileinfo Accept with JSON", async () => {
    const manual = await hub.fetch(`${hub.baseUrl}/local/xet/resolve/main/data.bin`, { redirect: "manual" });
    expect(manual.status).toBe(302);
    expect(manual.headers.get("location")).toMatch(
      new RegExp(`^${hub.storageBaseUrl}/xet-file/${fileHash}\\?`),
    );
    expect(manual.headers.get("x-xet-hash")).toBe(fileHash);
    const link = manual.headers.get("link")!;
    expect(link).toContain(`rel="xet-auth"`);
    expect(link).toMatch(
      /<http:\/\/hub\.emulator\.local\/api\/models\/local\/xet\/xet-read-token\/[0-9a-f]{40}>; rel="xet-auth"/,
    );
    expect(link).toContain(
      `<${hub.storageBaseUrl}/v1/reconstructions/${fileHash}>; rel="xet-reconstruction-info"`,
    );
    const info = await call(hub, "GET", "/local/xet/resolve/main/data.bin", {
      headers: { accept: "application/vnd.xet-fileinfo+json, */*", range: "bytes=0-0" },
    });
    expect(info.status).toBe(200);
    expect(info.headers.get("content-type")).toBe("application/vnd.xet-fileinfo+json");
    expect(info.headers.get("x-linked-size")).toBe(String(data.byteLength));
    expect(await info.json()).toMatchObject({ hash: fileHash, size: data.byteLength, etag: sha256(data) });
  });

  it("paths-info and tree show the xetHash", async () => {
    const info = await callJson<Array<{ path: string; xetHash?: string }>>(
      hub,
      "POST",
      "/api/models/local/xet/paths-info/main",
      { json: { paths: ["data.bin", ".gitattributes"] } },
    );
    expect(Object.fromEntries(info.body.map((e) => [e.path, e.xetHash]))).toEqual({
      "data.bin": fileHash,
      ".gitattributes": undefined,
    });
    const tree = await callJson<Array<{ path: string; xetHash?: string }>>(
      hub,
      "GET",
      "/api/models/local/xet/tree/main",
    );
    expect(tree.body.find((e) => e.path === "data.bin")?.xetHash).toBe(fileHash);
  });

  it("reconstruction v2 with a Range trims the terms and a multi-range xorb URL answers multipart/byteranges", async () => {
    const res = await cas(hub, "GET", `/v2/reconstructions/${fileHash}`, {
      token: readToken,
      headers: { range: "bytes=70000-200000" },
    });
    const body = (await res.json()) as Reconstruction;
    // Chunk 1 starts at 65536, so 70000 is 4464 bytes into the first returned chunk.
    expect(body.offset_into_first_range).toBe(70_000 - 65_536);
    expect(body.terms).toEqual([
      { hash: expect.any(String), unpacked_length: 3 * 65_536, range: { start: 1, end: 4 } },
    ]);
    const [fetch] = Object.values(body.xorbs!)[0]!;
    expect(fetch!.ranges[0]!.chunks).toEqual({ start: 1, end: 4 });
    const { start, end } = fetch!.ranges[0]!.bytes;
    const part = await hub.fetch(fetch!.url, { headers: { range: `bytes=${start}-${end}` } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes ${start}-${end}/${400_000 + 7 * 8}`);

    // A URL signed for two ranges answers both in one multipart/byteranges response.
    const whole = (await (
      await cas(hub, "GET", `/v2/reconstructions/${fileHash}`, { token: readToken })
    ).json()) as Reconstruction;
    const url = new URL(Object.values(whole.xorbs!)[0]![0]!.url);
    const multi = await hub.fetch(url, { headers: { range: "bytes=0-7,65544-65551" } });
    expect(multi.status).toBe(206);
    const type = multi.headers.get("content-type")!;
    expect(type).toMatch(/^multipart\/byteranges; boundary=/);
    const text = Buffer.from(await multi.arrayBuffer()).toString("latin1");
    expect(text.match(/content-range: bytes 0-7\/\d+/)).not.toBeNull();
    expect(text.match(/content-range: bytes 65544-65551\/\d+/)).not.toBeNull();
  });

  it("presigned xorb URLs refuse Authorization, a missing Range and bytes outside the signed ranges", async () => {
    const body = (await (
      await cas(hub, "GET", `/v1/reconstructions/${fileHash}`, {
        token: readToken,
        headers: { range: "bytes=0-10" },
      })
    ).json()) as Reconstruction;
    const [info] = Object.values(body.fetch_info!)[0]!;
    expect(info!.range).toEqual({ start: 0, end: 1 });
    const inside = `bytes=${info!.url_range.start}-${info!.url_range.end}`;
    expect((await hub.fetch(info!.url, { headers: { range: inside } })).status).toBe(206);
    expect(
      (await hub.fetch(info!.url, { headers: { range: inside, authorization: "Bearer hf_x" } })).status,
    ).toBe(400);
    expect((await hub.fetch(info!.url)).status).toBe(403);
    expect(
      (await hub.fetch(info!.url, { headers: { range: `bytes=0-${info!.url_range.end + 1}` } })).status,
    ).toBe(403);
    const altered = info!.url.replace(/X-Xet-Signed-Range=[^&]+/, "X-Xet-Signed-Range=bytes%3D0-999999");
    expect((await hub.fetch(altered, { headers: { range: "bytes=0-999999" } })).status).toBe(403);
  });

  it("a range past the end is 416; a batch reconstruction lists the file's terms", async () => {
    const past = await cas(hub, "GET", `/v2/reconstructions/${fileHash}`, {
      token: readToken,
      headers: { range: "bytes=400000-500000" },
    });
    expect(past.status).toBe(416);
    const batch = await cas(hub, "GET", `/v1/reconstructions?file_id=${fileHash}`, { token: readToken });
    const body = (await batch.json()) as {
      files: Record<string, unknown[]>;
      fetch_info: Record<string, unknown[]>;
    };
    expect(Object.keys(body.files)).toEqual([fileHash]);
    expect(Object.values(body.fetch_info)).toHaveLength(1);
    const post = await cas(hub, "POST", "/v1/reconstructions", {
      token: readToken,
      body: JSON.stringify([{ prefix: "default", hash: fileHash }]),
    });
    expect(((await post.json()) as { files: Record<string, unknown> }).files[fileHash]).toHaveLength(1);
  });

  it("the global dedup query returns a shard for an indexed chunk (hashes HMAC-protected), 404 otherwise", async () => {
    const hasher = await xetHasher();
    const firstChunk = hashToHex(hasher.chunkHash(data.subarray(0, 65_536)));
    for (const prefix of ["default", "default-merkledb"]) {
      const res = await cas(hub, "GET", `/v1/chunks/${prefix}/${firstChunk}`, { token: readToken });
      expect(res.status).toBe(200);
      const shard = new Uint8Array(await res.arrayBuffer());
      expect(Buffer.from(shard.subarray(0, 14)).toString()).toBe("HFRepoMetaData");
      const footer = shard.subarray(shard.length - 200);
      const key = footer.subarray(72, 104);
      expect(key.some((b) => b !== 0)).toBe(true);
      await hasher.loadKey(key);
      const protectedHash = hasher.hmac(hasher.chunkHash(data.subarray(0, 65_536)), key);
      expect(Buffer.from(shard).indexOf(Buffer.from(protectedHash))).toBeGreaterThan(0);
    }
    const unknown = "ab".repeat(32);
    expect((await cas(hub, "GET", `/v1/chunks/default/${unknown}`, { token: readToken })).status).toBe(404);
  });
});

describe("a disk emulator", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "hfkit-emulator-xet-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("keeps xorbs, registered files and the dedup index across a restart", async () => {
    const first = createEmulator({ storage: { dir } });
    await createRepo(first, "xet");
    const { accessToken } = await writeAccess(first, "local/xet");
    const data = new Uint8Array(randomBytes(200_000));
    const up = await xetUpload(first, accessToken, data);
    expect((await commitLfs(first, "kept.bin", up.sha256, data.byteLength)).status).toBe(200);

    const second = createEmulator({ storage: { dir } });
    const got = await call(second, "GET", "/local/xet/resolve/main/kept.bin");
    expect(sha256(new Uint8Array(await got.arrayBuffer()))).toBe(sha256(data));
    // The old token is still valid (same secret), and the CAS still knows the file.
    const recon = await cas(second, "GET", `/v2/reconstructions/${up.fileHash}`, { token: accessToken });
    expect(recon.status).toBe(200);
    const hasher = await xetHasher();
    const chunk = hashToHex(hasher.chunkHash(data.subarray(0, 65_536)));
    expect((await cas(second, "GET", `/v1/chunks/default/${chunk}`, { token: accessToken })).status).toBe(
      200,
    );
  });
});
