import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHubClient } from "@hfkit/http";
import { HUB, rejection, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { afterAll, describe, expect, it } from "vitest";
import { createCasClient, hubXetTokenSource } from "./cas-client.js";
import type { XorbRangeReceiver } from "./fetch-xorb-ranges.js";
import { getXetToken } from "./get-xet-token.js";
import { hashToHex } from "./hash.js";
import { readXetFile } from "./read-xet-file.js";
import { parseShard } from "./shard.js";
import { CAS, TRANSFER, useFakeCas } from "./test-utils/fake-cas.js";
import { collect, noiseBytes, splitmixBytes } from "./test-utils/index.js";
import type { XetUploadEvent } from "./types.js";
import { CompressionProbe, MIN_XORB_TARGET, PROBE_AFTER_RAW, xorbTarget } from "./upload-session.js";
import { uploadXet, uploadXetIter } from "./upload-xet.js";
import { CHUNK_HEADER_BYTES, type EncodedChunk, parseChunkHeader } from "./xorb.js";

const { server, seen, flush } = useMswServer();
const HUB_TOKEN = "hf_hubtoken123";
const hub = () =>
  createHubClient({
    endpoint: HUB,
    token: HUB_TOKEN,
    env: {},
    fetch: (input, init) => fetch(input, init), // keeps bulk requests visible to msw
    retry: { initialDelayMs: 1, random: () => 0 },
  });
const cacheRoot = mkdtempSync(join(tmpdir(), "hfkit-xet-cache-"));
afterAll(() => rmSync(cacheRoot, { recursive: true, force: true }));
let cacheRuns = 0;
const freshCache = () => join(cacheRoot, String(cacheRuns++));

const data = splitmixBytes(3_000_000, 5);
const read = async (fileHash: string, extra: { range?: { start: number; end: number } } = {}) =>
  Buffer.concat(await collect(readXetFile(hub(), { repo: "acme/m", fileHash, ...extra })));
const requests = (pattern: RegExp) =>
  seen.filter((r) => pattern.test(`${r.method} ${r.url.origin}${r.url.pathname}`));

describe("token exchange", () => {
  it("asks the Hub for a write token at the exact path, with the Hub token", async () => {
    useFakeCas(server, { repoPath: "/api/datasets/acme/d" });
    const connection = await getXetToken(hub(), {
      repo: "datasets/acme/d",
      scope: "write",
      revision: "v1/x",
    });
    expect(connection).toMatchObject({ casUrl: CAS, accessToken: "xet_write_1" });
    expect(seen.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      "GET /api/datasets/acme/d/xet-write-token/v1%2Fx",
    ]);
    expect(seen[0]!.headers.get("authorization")).toBe(`Bearer ${HUB_TOKEN}`);
  });

  it("asks for revision None with create_pr=1 for a pull request, as huggingface_hub does", async () => {
    useFakeCas(server);
    await getXetToken(hub(), { repo: "acme/m", scope: "write", createPr: true });
    expect(`${seen[0]!.url.pathname}${seen[0]!.url.search}`).toBe(
      "/api/models/acme/m/xet-write-token/None?create_pr=1",
    );
  });

  it("reads the X-Xet-* headers when the body has no JSON, and names what is missing", async () => {
    server.use(
      http.get(
        `${HUB}/api/models/acme/m/xet-read-token/main`,
        () =>
          new HttpResponse(null, {
            headers: {
              "x-xet-access-token": "xet_h",
              "x-xet-token-expiration": "1900000000",
              "x-xet-cas-url": `${CAS}/`,
            },
          }),
      ),
    );
    expect(await getXetToken(hub(), { repo: "acme/m", scope: "read" })).toEqual({
      casUrl: CAS,
      accessToken: "xet_h",
      expiresAt: 1_900_000_000,
    });
    server.use(
      http.get(`${HUB}/api/models/acme/m/xet-read-token/main`, () =>
        HttpResponse.json({ accessToken: "x", exp: 1 }),
      ),
    );
    expect((await rejection(getXetToken(hub(), { repo: "acme/m", scope: "read" }))).message).toMatch(
      /lacks casUrl/,
    );
  });
});

describe("upload through the CAS", () => {
  it("sends xorbs then one shard, with the CAS token only to the CAS and the Hub token only to the Hub", async () => {
    const cas = useFakeCas(server);
    const result = await uploadXet(hub(), {
      repo: "acme/m",
      files: [
        { content: data, name: "a.bin" },
        { content: "hello", name: "b.txt" },
      ],
      cacheDir: false,
    });
    await flush();
    expect(result.files.map((f) => [f.name, f.size])).toEqual([
      ["a.bin", 3_000_000],
      ["b.txt", 5],
    ]);
    expect(result.files[1]!.sha256).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    expect(result.shardsUploaded).toBe(1);
    const order = seen.map(
      (r) => `${r.method} ${r.url.origin}${r.url.pathname.replace(/[0-9a-f]{64}/, "{hash}")}`,
    );
    expect(order[0]).toBe(`GET ${HUB}/api/models/acme/m/xet-write-token/main`);
    expect(order.at(-1)).toBe(`POST ${CAS}/v1/shards`);
    expect(order.filter((o) => o === `POST ${CAS}/v1/xorbs/default/{hash}`)).toHaveLength(1);
    for (const request of seen) {
      const auth = request.headers.get("authorization") ?? "";
      if (request.url.origin === HUB) expect(auth).toBe(`Bearer ${HUB_TOKEN}`);
      if (request.url.origin === CAS) expect(auth).toBe("Bearer xet_write_1");
    }
    // The shard registers both files with their SHA-256 and verification entries.
    const shard = parseShard(cas.shards[0]!);
    expect(shard.files.map((f) => hashToHex(f.fileHash))).toEqual(result.files.map((f) => f.xetHash));
    expect(hashToHex(shard.files[1]!.sha256!)).toBe(result.files[1]!.sha256);
    expect(shard.xorbs).toHaveLength(1);
    expect(shard.xorbs[0]!.chunks[0]!.flags).toBe(0x80000000); // a file's first chunk
  });

  it("never sends the Hub token to the CAS, even when both share an origin", async () => {
    const cas = useFakeCas(server);
    const sameOrigin = hubXetTokenSource(hub(), { repo: "acme/m", scope: "write" });
    const client = createCasClient(hub(), async (signal) => ({
      ...(await sameOrigin(signal)),
      casUrl: `${HUB}/cas`,
    }));
    server.use(
      http.get(`${HUB}/cas/v1/chunks/default-merkledb/:hash`, () => new HttpResponse(null, { status: 404 })),
    );
    await client.request({
      path: `/v1/chunks/default-merkledb/${"0".repeat(64)}`,
      responseType: "none",
      okStatuses: [404],
    });
    const casCall = seen.find((r) => r.url.pathname.startsWith("/cas/"))!;
    expect(casCall.headers.get("authorization")).toBe(`Bearer ${cas.tokens[0]}`);
  });

  it("drops the CAS token when the CAS redirects to another origin", async () => {
    useFakeCas(server);
    const { files } = await uploadXet(hub(), { repo: "acme/m", files: [{ content: data }], cacheDir: false });
    server.use(
      http.get(`${CAS}/v2/reconstructions/:file`, ({ params }) =>
        HttpResponse.redirect(`https://elsewhere.test/r/${params.file}`, 307),
      ),
      http.get("https://elsewhere.test/r/:file", () => HttpResponse.json({ error: "no" }, { status: 404 })),
    );
    seen.length = 0;
    await rejection(read(files[0]!.xetHash));
    const elsewhere = seen.filter((r) => r.url.origin === "https://elsewhere.test");
    expect(elsewhere.length).toBeGreaterThan(0);
    for (const r of elsewhere) expect(r.headers.get("authorization")).toBeNull();
  });

  it("reports byte-level progress of reading and of each xorb sent", async () => {
    useFakeCas(server);
    const events: XetUploadEvent[] = [];
    await uploadXet(hub(), {
      repo: "acme/m",
      files: [{ content: data, name: "a.bin" }],
      cacheDir: false,
      onProgress: (event) => events.push(event),
    });
    const reads = events.filter((e) => e.type === "xet-file-progress");
    expect(reads.at(-1)).toEqual({
      type: "xet-file-progress",
      file: "a.bin",
      bytesRead: 3_000_000,
      totalBytes: 3_000_000,
    });
    const sent = events.filter((e) => e.type === "xet-xorb-upload-progress");
    expect(sent.length).toBeGreaterThan(0);
    const last = sent.at(-1)!;
    expect(last.type === "xet-xorb-upload-progress" && last.bytesSent === last.totalBytes).toBe(true);
    expect(events.map((e) => e.type).filter((t) => !t.endsWith("progress"))).toEqual([
      "xet-file-hashed",
      "xet-xorb-uploaded",
      "xet-shard-uploaded",
    ]);
  });

  it("gets a new token and retries once when the CAS answers 401", async () => {
    const cas = useFakeCas(server);
    let first = true;
    server.use(
      http.post(`${CAS}/v1/xorbs/default/:hash`, () => {
        if (!first) return undefined;
        first = false;
        cas.revoke();
        return HttpResponse.json({ error: "expired" }, { status: 401 });
      }),
    );
    const result = await uploadXet(hub(), { repo: "acme/m", files: [{ content: data }], cacheDir: false });
    expect(result.xorbsUploaded).toBe(1);
    expect(requests(/xet-write-token/)).toHaveLength(2);
    const xorbPosts = requests(/POST .*\/v1\/xorbs/);
    expect(xorbPosts.map((r) => r.headers.get("authorization"))).toEqual([
      "Bearer xet_write_1",
      "Bearer xet_write_3",
    ]);
  });

  it("refreshes a token before it expires (60 s margin)", async () => {
    const cas = useFakeCas(server);
    cas.tokenLifetime = 30;
    let clock = 1_000;
    const client = createCasClient(hub(), hubXetTokenSource(hub(), { repo: "acme/m", scope: "read" }), {
      now: () => clock,
    });
    cas.tokenLifetime = 3600;
    // Times from the token's own expiry: the fake CAS stamps it with the wall clock, whose second
    // may turn (twice on a busy machine) between a reading taken here and the token exchange.
    const first = await client.connection();
    expect(first.accessToken).toBe("xet_read_1");
    clock = first.expiresAt - 61;
    expect((await client.connection()).accessToken).toBe("xet_read_1");
    clock = first.expiresAt - 59;
    expect((await client.connection()).accessToken).toBe("xet_read_2");
  });

  it("keeps a token shorter-lived than twice the margin for half its life, not one request", async () => {
    const cas = useFakeCas(server);
    cas.tokenLifetime = 30;
    const start = Math.floor(Date.now() / 1000);
    let clock = start;
    const client = createCasClient(hub(), hubXetTokenSource(hub(), { repo: "acme/m", scope: "read" }), {
      now: () => clock,
    });
    const first = await client.connection();
    expect(first.accessToken).toBe("xet_read_1");
    // Half of the life the client saw (about 15 s: the CAS stamps the expiry by the wall clock).
    const halfLife = start + (first.expiresAt - start) / 2;
    clock = halfLife - 1;
    expect((await client.connection()).accessToken).toBe("xet_read_1");
    clock = halfLife + 1;
    expect((await client.connection()).accessToken).toBe("xet_read_2");
  });

  it("closes small xorbs first and last (4, 8, 16, 32 then 64 MiB; at most half of what is left), each the bytes the shard lists", {
    timeout: 120_000,
  }, async () => {
    const cas = useFakeCas(server);
    const total = 40 << 20;
    const content = noiseBytes(total, 9);
    const result = await uploadXet(hub(), {
      repo: "acme/m",
      files: [{ content }],
      cacheDir: false,
      globalDedup: false,
    });
    const shard = parseShard(cas.shards[0]!);
    const sizes = shard.xorbs.map((x) => x.rawBytes);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
    expect(result.xorbsUploaded).toBe(sizes.length);
    // Replays the policy over what was sent: each xorb stops within one chunk of its target.
    let before = 0;
    for (const [i, size] of sizes.entries()) {
      const target = xorbTarget(i, total - before, 96 << 20);
      expect(size).toBeLessThanOrEqual(target);
      if (i < sizes.length - 1) expect(size).toBeGreaterThan(target - (128 << 10));
      before += size;
    }
    expect(sizes.length).toBe(4); // 4, 8, then 14 (half of the 28 left) and the rest
    expect(sizes[1]).toBeGreaterThan(sizes[0]!);
    // Each xorb POST carried exactly the chunks the shard lists for it.
    const posted = requests(/POST .*\/v1\/xorbs/).map((r) => r.url.pathname.split("/").at(-1));
    expect(new Set(posted)).toEqual(new Set(shard.xorbs.map((x) => hashToHex(x.hash))));
    expect(Buffer.from(await read(result.files[0]!.xetHash)).equals(content)).toBe(true);
  });

  it("sizes xorbs by the policy: ramp up from 4 MiB, taper to half of what is left, never past 64 MiB", () => {
    const MiB = 1 << 20;
    expect([0, 1, 2, 3, 4, 5].map((n) => xorbTarget(n, undefined) / MiB)).toEqual([4, 8, 16, 32, 64, 64]);
    expect(xorbTarget(0, 2048 * MiB)).toBe(4 * MiB);
    // An upload of 16 MiB or less starts at 8 MiB, as before: one or two xorbs.
    expect(xorbTarget(0, 16 * MiB)).toBe(MIN_XORB_TARGET);
    expect(xorbTarget(0, 6 * MiB)).toBe(MIN_XORB_TARGET);
    expect(xorbTarget(0, 17 * MiB)).toBe(4 * MiB);
    expect(xorbTarget(9, 2048 * MiB)).toBe(64 * MiB);
    expect(xorbTarget(9, 100 * MiB)).toBe(50 * MiB);
    expect(xorbTarget(9, 20 * MiB)).toBe(10 * MiB);
    expect(xorbTarget(9, 15 * MiB)).toBe(15 * MiB); // the rest, in one
    expect(xorbTarget(9, 3 * MiB)).toBe(MIN_XORB_TARGET);
    // At most a third of the memory budget: the CAS has two xorbs to check while one is built.
    expect(xorbTarget(9, 2048 * MiB, 96 * MiB)).toBe(32 * MiB);
    expect(xorbTarget(9, 2048 * MiB, 64 * MiB)).toBe(Math.floor((64 * MiB) / 3));
    expect(xorbTarget(9, 2048 * MiB, 192 * MiB)).toBe(64 * MiB);
    expect(xorbTarget(9, 40 * MiB, 64 * MiB)).toBe(20 * MiB);
  });

  it("keeps every xorb within a third of maxBufferedBytes, so the CAS has two to check while one is built", {
    timeout: 120_000,
  }, async () => {
    const cas = useFakeCas(server);
    const MiB = 1 << 20;
    const total = 128 * MiB;
    await uploadXet(hub(), {
      repo: "acme/m",
      files: [{ content: noiseBytes(total, 11) }],
      cacheDir: false,
      globalDedup: false,
      maxBufferedBytes: 96 * MiB,
    });
    const sizes = parseShard(cas.shards[0]!).xorbs.map((x) => x.rawBytes);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
    // 4, 8, 16, then 32 where a third of the budget allows 32 (half of the 100 MiB left is 50), then the taper.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(32 * MiB);
    expect(sizes[3]).toBeGreaterThan(32 * MiB - 128 * 1024);
  });

  it("retries a xorb POST that fails with 503, re-sending the same bytes", async () => {
    useFakeCas(server);
    let failures = 2;
    server.use(
      http.post(`${CAS}/v1/xorbs/default/:hash`, () =>
        failures-- > 0 ? HttpResponse.json({ error: "busy" }, { status: 503 }) : undefined,
      ),
    );
    await uploadXet(hub(), { repo: "acme/m", files: [{ content: data }], cacheDir: false });
    await flush();
    const posts = requests(/POST .*\/v1\/xorbs/);
    expect(posts).toHaveLength(3);
    expect(Buffer.from(posts[0]!.body).equals(Buffer.from(posts[2]!.body))).toBe(true);
    expect(posts[0]!.body.byteLength).toBeGreaterThan(2_900_000);
  });
});

describe("compression under auto", () => {
  const raw = { header: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0) } as EncodedChunk;
  const lz4 = { header: Uint8Array.of(0, 0, 0, 0, 1, 0, 0, 0) } as EncodedChunk;

  it("tries one chunk in 8 once 8 in a row were stored raw, and every chunk again once one compresses", () => {
    const probe = new CompressionProbe("auto");
    const choices: string[] = [];
    for (let i = 0; i < 24; i++) {
      const choice = probe.next();
      choices.push(choice === "auto" ? "a" : "n");
      probe.stored(raw);
    }
    expect(choices.join("")).toBe(`${"a".repeat(8)}nnnnnnna${"nnnnnnna"}`);
    // The try that compresses: every chunk is tried again.
    expect(probe.next()).toBe("none");
    for (let i = 0; i < 6; i++) probe.next();
    expect(probe.next()).toBe("auto");
    probe.stored(lz4);
    expect([probe.next(), probe.next(), probe.next()]).toEqual(["auto", "auto", "auto"]);
    // A fixed choice is kept whatever was stored.
    const fixed = new CompressionProbe("lz4");
    for (let i = 0; i < 20; i++) fixed.stored(raw);
    expect(fixed.next()).toBe("lz4");
  });

  it("compresses what follows raw bytes within 8 chunks, and reads back the same bytes", async () => {
    const cas = useFakeCas(server);
    const text = new TextEncoder().encode(
      Array.from(
        { length: 40_000 },
        (_, i) => `row ${i}: the quick brown fox jumps over the lazy dog\n`,
      ).join(""),
    );
    const content = Buffer.concat([noiseBytes(2_000_000, 3), text]);
    const { files } = await uploadXet(hub(), { repo: "acme/m", files: [{ content }], cacheDir: false });
    const bytes = [...cas.xorbs.values()][0]!.bytes;
    const schemes: { scheme: string; at: number }[] = [];
    for (let at = 0, raw = 0; at < bytes.byteLength; ) {
      const header = parseChunkHeader(bytes, at);
      schemes.push({ scheme: header.scheme, at: raw });
      raw += header.size;
      at += CHUNK_HEADER_BYTES + header.compressedSize;
    }
    const inText = schemes.filter((c) => c.at >= 2_000_000);
    expect(inText.length).toBeGreaterThan(16);
    const rawInText = inText.filter((c) => c.scheme === "none").length;
    expect(rawInText).toBeLessThan(PROBE_AFTER_RAW);
    expect(schemes.filter((c) => c.at < 2_000_000 - 131_072).every((c) => c.scheme === "none")).toBe(true);
    expect((await read(files[0]!.xetHash)).equals(content)).toBe(true);
  });
});

describe("input", () => {
  it("refuses a stream that does not give the size it announced, naming the file", async () => {
    useFakeCas(server);
    const error = await rejection(
      uploadXet(hub(), {
        repo: "acme/m",
        files: [
          { content: "ok" },
          {
            stream: async function* () {
              yield new Uint8Array(10);
            },
            size: 11,
            name: "s.bin",
          },
        ],
        cacheDir: false,
      }),
    );
    expect(error.message).toMatch(/^files\[1\]: s\.bin gave 10 bytes, not the 11 announced/);
    expect(error.field).toBe("files[1]");
    expect(requests(/\/v1\/shards/)).toHaveLength(0);
  });

  it("puts a SHA-256 the caller gives in the shard as given, without hashing the bytes again", async () => {
    const cas = useFakeCas(server);
    const dir = mkdtempSync(join(tmpdir(), "hfkit-xet-sha-"));
    try {
      const path = join(dir, "a.bin");
      writeFileSync(path, data);
      // Not the bytes' hash: only a caller's value can end up in the shard.
      const given = "ab".repeat(32);
      const result = await uploadXet(hub(), {
        repo: "acme/m",
        files: [{ path, sha256: given }, { content: data }],
        cacheDir: false,
      });
      const actual = createHash("sha256").update(data).digest("hex");
      expect(result.files.map((f) => f.sha256)).toEqual([given, actual]);
      const shard = parseShard(cas.shards[0]!);
      expect(shard.files.map((f) => hashToHex(f.sha256!))).toEqual([given, actual]);
      const error = await rejection(
        uploadXet(hub(), { repo: "acme/m", files: [{ path, sha256: "ABC" }], cacheDir: false }),
      );
      expect(error.message).toMatch(
        /^files\[0\]\.sha256: expected the content's SHA-256 as 64 lower-case hex/,
      );
      expect(error.field).toBe("files[0].sha256");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a source it cannot read before asking for a token", async () => {
    useFakeCas(server);
    const error = await rejection(
      uploadXet(hub(), { repo: "acme/m", files: [{ path: "/no/such/file" }], cacheDir: false }),
    );
    expect(error.message).toMatch(/^files\[0\]\.path: cannot read \/no\/such\/file/);
    expect(seen).toHaveLength(0);
  });
});

describe("deduplication", () => {
  it("sends a chunk repeated inside one upload once", async () => {
    useFakeCas(server);
    const result = await uploadXet(hub(), {
      repo: "acme/m",
      files: [{ content: data }, { content: data }, { content: Buffer.concat([data, data]) }],
      cacheDir: false,
      globalDedup: false,
    });
    expect(result.xorbsUploaded).toBe(1);
    // Only the chunks around the seam of data+data are new: at most two 128 KiB chunks.
    expect(result.bytesUploaded).toBeLessThan(3_000_000 + 2 * 131_072 + 1000);
    expect(result.bytesDeduplicated).toBeGreaterThan(3 * 3_000_000 - 2 * 131_072);
    expect(new Set(result.files.slice(0, 2).map((f) => f.xetHash)).size).toBe(1);
  });

  it("resends no accepted xorb on a re-run (local record), after checking the CAS still has it", async () => {
    useFakeCas(server);
    const cacheDir = freshCache();
    const first = await uploadXet(hub(), {
      repo: "acme/m",
      files: [{ content: data }],
      cacheDir,
      globalDedup: false,
    });
    seen.length = 0;
    const again = await uploadXet(hub(), {
      repo: "acme/m",
      files: [{ content: data }],
      cacheDir,
      globalDedup: false,
    });
    expect(again.files).toEqual(first.files);
    expect(again.xorbsUploaded).toBe(0);
    expect(requests(/POST .*\/v1\/xorbs/)).toHaveLength(0);
    expect(requests(/HEAD .*\/v1\/xorbs/)).toHaveLength(1);
    // The file is registered again by a shard that names the old xorb.
    expect(requests(/POST .*\/v1\/shards/)).toHaveLength(1);
  });

  it("resumes an interrupted upload: xorbs accepted before the stop are not sent again", {
    timeout: 120_000,
  }, async () => {
    const cas = useFakeCas(server);
    const cacheDir = freshCache();
    // 3 files of 24 MiB: several xorbs (4, 8, 16 MiB…), so the stop comes after the first is accepted.
    const big = [1, 2, 3].map((seed) => ({ content: noiseBytes(24 << 20, seed) }));
    const controller = new AbortController();
    const stopped = uploadXetIter(hub(), {
      repo: "acme/m",
      files: big,
      cacheDir,
      globalDedup: false,
      signal: controller.signal,
    });
    const accepted: string[] = [];
    let acceptedChunks = 0;
    const stop = (async () => {
      for await (const event of stopped) {
        if (event.type !== "xet-xorb-uploaded") continue;
        accepted.push(event.xorb);
        acceptedChunks += event.chunks;
        controller.abort(new Error("killed"));
      }
    })();
    expect((await rejection(stop)).message).toBe("killed");
    // One xorb, or two when the second finished while the stop was on its way.
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(cas.shards).toHaveLength(0);
    seen.length = 0;
    const result = await uploadXet(hub(), { repo: "acme/m", files: big, cacheDir, globalDedup: false });
    await flush();
    const sentAgain = requests(/POST .*\/v1\/xorbs/).map((r) => r.url.pathname.split("/").at(-1));
    for (const xorb of accepted) expect(sentAgain).not.toContain(xorb);
    // Every chunk of the accepted xorbs is referenced, not sent (~64 in the first, 4 MiB xorb).
    expect(acceptedChunks).toBeGreaterThan(40);
    expect(result.chunksDeduplicated).toBeGreaterThanOrEqual(acceptedChunks);
    // The shard lists the xorbs of the first run in its CAS info, and registers all three files.
    const shard = parseShard(cas.shards[0]!);
    for (const xorb of accepted) expect(shard.xorbs.map((x) => hashToHex(x.hash))).toContain(xorb);
    expect(shard.files).toHaveLength(3);
  });

  it("goes on without dedup when the global dedup query keeps failing", async () => {
    useFakeCas(server);
    server.use(
      http.get(`${CAS}/v1/chunks/default-merkledb/:hash`, () =>
        HttpResponse.json({ error: "down" }, { status: 503 }),
      ),
    );
    const result = await uploadXet(hub(), { repo: "acme/m", files: [{ content: data }], cacheDir: false });
    expect(result.xorbsUploaded).toBe(1);
    expect(requests(/GET .*\/v1\/chunks\//).length).toBeGreaterThan(1); // retried by the seam first
  });

  it("uploads again what the record holds but the CAS lost", async () => {
    const cas = useFakeCas(server);
    const cacheDir = freshCache();
    await uploadXet(hub(), { repo: "acme/m", files: [{ content: data }], cacheDir, globalDedup: false });
    cas.xorbs.clear();
    const again = await uploadXet(hub(), {
      repo: "acme/m",
      files: [{ content: data }],
      cacheDir,
      globalDedup: false,
    });
    expect(again.xorbsUploaded).toBe(1);
  });

  it("finds chunks through the global dedup query (HMAC-keyed answer) and sends nothing new", async () => {
    useFakeCas(server);
    await uploadXet(hub(), { repo: "acme/m", files: [{ content: data }], cacheDir: false });
    seen.length = 0;
    const again = await uploadXet(hub(), { repo: "acme/m", files: [{ content: data }], cacheDir: false });
    expect(again.xorbsUploaded).toBe(0);
    expect(again.chunksDeduplicated).toBeGreaterThan(10);
    expect(requests(/GET .*\/v1\/chunks\/default-merkledb\/[0-9a-f]{64}$/)).toHaveLength(1);
  });
});

describe("global dedup queries in flight", () => {
  /**
   * Uploads `size` bytes of noise, then again with the dedup answer held back until the second
   * upload has read `readBefore` bytes (or 5 s passed: `opened` then says "timer").
   */
  async function reuploadWithLateAnswer(size: number, seed: number, readBefore: number) {
    const cas = useFakeCas(server);
    const content = noiseBytes(size, seed);
    const first = await uploadXet(hub(), { repo: "acme/m", files: [{ content }], cacheDir: false });
    // A dedup answer lists the one xorb holding the chunk asked about: here the first one.
    const firstXorb = parseShard(cas.shards[0]!).xorbs[0]!.rawBytes;
    let opened: "read" | "timer" | undefined;
    let open = (_by: "read" | "timer") => {};
    const gate = new Promise<void>((resolve) => {
      open = (by) => {
        opened ??= by;
        resolve();
      };
    });
    const timer = setTimeout(() => open("timer"), 5_000);
    server.use(
      http.get(`${CAS}/v1/chunks/default-merkledb/:hash`, async () => {
        await gate;
        return undefined; // then the fake CAS answers
      }),
    );
    seen.length = 0;
    const again = await uploadXet(hub(), {
      repo: "acme/m",
      files: [{ content }],
      cacheDir: false,
      onProgress: (event) => {
        if (event.type === "xet-file-progress" && event.bytesRead >= readBefore) open("read");
      },
    }).finally(() => clearTimeout(timer));
    expect(again.files[0]!.xetHash).toBe(first.files[0]!.xetHash);
    // The chunks held while the query was pending were placed by its answer: not sent again.
    expect(again.bytesDeduplicated).toBeGreaterThanOrEqual(firstXorb);
    expect(again.bytesUploaded).toBeLessThan(content.byteLength - firstXorb + (1 << 20));
    expect(Buffer.from(await read(again.files[0]!.xetHash)).equals(content)).toBe(true);
    return { opened, firstXorb };
  }

  it("go on chunking while the answer is pending, and the chunks held meanwhile are still deduplicated", {
    timeout: 120_000,
  }, async () => {
    // Held back until the upload has read past its first 4 MiB piece: an upload that waited
    // for the answer before chunking on would never get there.
    const { opened, firstXorb } = await reuploadWithLateAnswer(10 << 20, 41, 4 << 20);
    expect(firstXorb).toBeGreaterThan(3 << 20);
    expect(opened).toBe("read");
  });

  it("hold up to 16 MiB of chunks before they wait for a late answer", { timeout: 120_000 }, async () => {
    // Held back until the upload has read past 12 MiB: with one 4 MiB slab of held chunks,
    // chunking stopped ~4 MiB after the query and only the timer answered.
    const { opened } = await reuploadWithLateAnswer(20 << 20, 43, 12 << 20);
    expect(opened).toBe("read");
  });
});

describe("download by reconstruction", () => {
  it("reads a file back, byte for byte, verified against its hash", async () => {
    useFakeCas(server);
    const { files } = await uploadXet(hub(), { repo: "acme/m", files: [{ content: data }], cacheDir: false });
    seen.length = 0;
    expect((await read(files[0]!.xetHash)).equals(Buffer.from(data))).toBe(true);
    expect(requests(/xet-read-token/)).toHaveLength(1);
    for (const r of requests(new RegExp(TRANSFER))) {
      expect(r.headers.get("authorization")).toBeNull();
      expect(r.headers.get("range")).toMatch(/^bytes=\d+-\d+$/);
    }
  });

  it("reads byte ranges that start and end inside chunks, over several terms and ranged fetches", async () => {
    useFakeCas(server);
    // Two files sharing content make terms that point into one xorb twice.
    const mixed = Buffer.concat([
      data.subarray(0, 1_000_000),
      splitmixBytes(500_000, 99),
      data.subarray(0, 1_000_000),
    ]);
    const { files } = await uploadXet(hub(), {
      repo: "acme/m",
      files: [{ content: data }, { content: mixed }],
      cacheDir: false,
      globalDedup: false,
    });
    for (const [start, end] of [
      [0, 1],
      [12_345, 12_346],
      [70_000, 1_600_000],
      [2_499_999, 2_500_000],
      [1_000_000, 2_500_000],
    ] as const) {
      expect(
        (await read(files[1]!.xetHash, { range: { start, end } })).equals(mixed.subarray(start, end)),
      ).toBe(true);
    }
    expect((await read(files[1]!.xetHash)).equals(mixed)).toBe(true);
    expect(
      requests(/GET https:\/\/transfer\.test/).some((r) => (r.headers.get("range") ?? "").includes(",")),
    ).toBe(true);
  });

  it("falls back to /v1/reconstructions when v2 answers 501", async () => {
    const cas = useFakeCas(server);
    const { files } = await uploadXet(hub(), { repo: "acme/m", files: [{ content: data }], cacheDir: false });
    cas.v2Status = 501;
    seen.length = 0;
    expect((await read(files[0]!.xetHash)).equals(Buffer.from(data))).toBe(true);
    expect(requests(/reconstructions/).map((r) => r.url.pathname.split("/")[1])).toEqual(["v2", "v1"]);
  });

  it("fails when the bytes do not hash to the file hash", async () => {
    const cas = useFakeCas(server);
    const { files } = await uploadXet(hub(), {
      repo: "acme/m",
      files: [{ content: data }],
      cacheDir: false,
      compression: "none",
    });
    const stored = [...cas.xorbs.values()][0]!;
    stored.bytes[100] = (stored.bytes[100] as number) ^ 0xff;
    const error = await rejection(read(files[0]!.xetHash));
    expect(error.message).toMatch(/does not verify/);
  });

  it("resumes a xorb range whose body breaks mid-way from the first chunk not yet whole", async () => {
    useFakeCas(server);
    const { files } = await uploadXet(hub(), {
      repo: "acme/m",
      files: [{ content: data }],
      cacheDir: false,
      compression: "none",
    });
    // The first xorb answer sends 1,000,000 bytes of its range, then the connection resets.
    let broken = 0;
    server.use(
      http.get(`${TRANSFER}/xorb/:hash`, async ({ request }) => {
        if (request.headers.has("x-inner") || broken++ > 0) return; // to the fake CAS
        const answer = await fetch(request.url, {
          headers: { range: request.headers.get("range") ?? "", "x-inner": "1" },
        });
        const whole = new Uint8Array(await answer.arrayBuffer());
        let sent = false;
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (sent) {
              // After the bytes sent were read: erroring a stream drops what it still queues.
              await new Promise((resolve) => setTimeout(resolve, 50));
              return controller.error(new TypeError("other side closed"));
            }
            sent = true;
            controller.enqueue(whole.subarray(0, 1_000_000));
          },
        });
        return new HttpResponse(body, { status: answer.status, headers: answer.headers });
      }),
    );
    seen.length = 0;
    expect((await read(files[0]!.xetHash)).equals(Buffer.from(data))).toBe(true);
    const ranges = requests(/GET https:\/\/transfer\.test/)
      .filter((r) => !r.headers.has("x-inner"))
      .map((r) => r.headers.get("range") ?? "");
    expect(ranges).toHaveLength(2);
    const [first, again] = ranges.map((r) => Number(/bytes=(\d+)-/.exec(r)?.[1]));
    // Asked again from a chunk boundary after the bytes that arrived whole, not from the start.
    expect(again).toBeGreaterThan(first! + 900_000);
    expect(again).toBeLessThanOrEqual(first! + 1_000_000);
    expect(ranges[1]!.split("-")[1]).toBe(ranges[0]!.split("-")[1]);
  });

  it("fails naming the chunk count when a xorb range keeps breaking", async () => {
    useFakeCas(server);
    const { files } = await uploadXet(hub(), { repo: "acme/m", files: [{ content: data }], cacheDir: false });
    server.use(
      http.get(`${TRANSFER}/xorb/:hash`, async ({ request }) => {
        if (request.headers.has("x-inner")) return; // to the fake CAS
        const answer = await fetch(request.url, {
          headers: { range: request.headers.get("range") ?? "", "x-inner": "1" },
        });
        const whole = new Uint8Array(await answer.arrayBuffer());
        // Never one whole chunk: no progress, so the attempts run out.
        return new HttpResponse(whole.subarray(0, 4), { status: answer.status, headers: answer.headers });
      }),
    );
    const error = await rejection(read(files[0]!.xetHash));
    expect(error.message).toMatch(/broke off after 0 of \d+ chunks/);
  });

  it("reads the empty file without asking anything", async () => {
    expect(await read("0".repeat(64))).toHaveLength(0);
    expect(seen).toHaveLength(0);
  });

  /**
   * A receiver as @hfkit/repo's own socket is one: it gets the range itself (here from the fake
   * CAS, marked so that it is not counted as a client request) and lends the bytes in `piece`-byte
   * views of ONE buffer it overwrites as soon as `take` returns, stopping after `limit` bytes.
   */
  const lendingReceiver =
    (piece: number, limit = Number.POSITIVE_INFINITY, asked: string[] = []): XorbRangeReceiver =>
    async ({ url, start, end, take }) => {
      asked.push(`bytes=${start}-${end}`);
      const answer = await fetch(url, { headers: { range: `bytes=${start}-${end}`, "x-inner": "1" } });
      const body = new Uint8Array(await answer.arrayBuffer());
      const lent = new Uint8Array(piece);
      let received = 0;
      while (received < Math.min(body.byteLength, limit)) {
        const n = Math.min(piece, body.byteLength - received, limit - received);
        lent.set(body.subarray(received, received + n));
        take(lent.subarray(0, n));
        lent.fill(0xee); // reused: anything not copied out is now wrong
        received += n;
      }
      return received < body.byteLength ? { received, error: new Error("connection reset") } : { received };
    };
  /** `data` on a fresh fake CAS, its chunks stored as they are or compressed. */
  const uploadData = async (compression: "none" | "lz4") => {
    useFakeCas(server);
    const upload = { repo: "acme/m", files: [{ content: data }], cacheDir: false as const, compression };
    return (await uploadXet(hub(), upload)).files;
  };
  const clientRanges = () =>
    requests(/GET https:\/\/transfer\.test/)
      .filter((r) => !r.headers.has("x-inner"))
      .map((r) => r.headers.get("range") ?? "");

  it("takes xorb bytes lent by `receiveRange` in reused buffers, copying each chunk out, stored or compressed", async () => {
    for (const compression of ["none", "lz4"] as const) {
      const files = await uploadData(compression);
      seen.length = 0;
      const asked: string[] = [];
      const bytes = await collect(
        readXetFile(hub(), {
          repo: "acme/m",
          fileHash: files[0]!.xetHash,
          receiveRange: lendingReceiver(7_777, Number.POSITIVE_INFINITY, asked),
        }),
      );
      // Verified against the file hash (the default), and no xorb byte came through the client.
      expect(Buffer.concat(bytes).equals(Buffer.from(data))).toBe(true);
      expect(asked.length).toBeGreaterThan(0);
      expect(clientRanges()).toEqual([]);
    }
  });

  it("with `lendChunks`, reuses chunk memory once read, the bytes unchanged, repeated chunks included", async () => {
    // A file that uses some chunks twice (a block repeated further on): a chunk's memory must
    // not be reused before its last read.
    const block = data.subarray(0, 700_000);
    const repeated = Buffer.concat([
      block,
      data.subarray(700_000, 2_000_000),
      block,
      data.subarray(2_000_000),
    ]);
    for (const compression of ["none", "lz4"] as const) {
      useFakeCas(server);
      const upload = {
        repo: "acme/m",
        files: [{ content: repeated }],
        cacheDir: false as const,
        compression,
      };
      const [file] = (await uploadXet(hub(), upload)).files;
      const copies: Buffer[] = [];
      const memory = new Set<ArrayBufferLike>();
      let pieces = 0;
      for await (const lent of readXetFile(hub(), {
        repo: "acme/m",
        fileHash: file!.xetHash,
        receiveRange: lendingReceiver(7_777),
        lendChunks: true,
      })) {
        copies.push(Buffer.from(lent)); // copied before the next step, as the option asks
        memory.add(lent.buffer);
        pieces++;
      }
      // Verified against the file hash (the default) as well.
      expect(Buffer.concat(copies).equals(repeated)).toBe(true);
      expect(memory.size).toBeLessThan(pieces);
    }
  });

  /**
   * A receiver as @hfkit/repo's own socket is one when it lends: two buffers of `size` bytes,
   * each handed on whole through `lend` and overwritten only once the promise it returned
   * settles (then at once, so that a chunk read later from it would be wrong). `buffers` gets
   * their memory; `done` each range's end; the connection "breaks" after `limit` bytes.
   */
  const holdingReceiver =
    (
      size: number,
      buffers: Set<ArrayBufferLike>,
      done: Promise<unknown>[] = [],
      limit = Number.POSITIVE_INFINITY,
    ): XorbRangeReceiver =>
    (request) => {
      const receiving = (async () => {
        const { url, start, end, signal, take, lend } = request;
        const answer = await fetch(url, { headers: { range: `bytes=${start}-${end}`, "x-inner": "1" } });
        const body = new Uint8Array(await answer.arrayBuffer());
        const pair = [new Uint8Array(size), new Uint8Array(size)];
        for (const buffer of pair) buffers.add(buffer.buffer);
        const busy: (Promise<void> | undefined)[] = [undefined, undefined];
        let received = 0;
        const last = Math.min(body.byteLength, limit);
        for (let i = 0; received < last && !signal?.aborted; i = 1 - i) {
          await busy[i];
          const buffer = pair[i]!;
          const n = Math.min(size, last - received);
          buffer.set(body.subarray(received, received + n));
          received += n;
          busy[i] = Promise.resolve((lend ?? take)(buffer.subarray(0, n))).then(() => {
            buffer.fill(0xee);
          });
        }
        await Promise.all(busy);
        return received < body.byteLength ? { received, error: new Error("connection reset") } : { received };
      })();
      done.push(receiving);
      return receiving;
    };

  it("with `lendChunks`, hands stored chunks on as views of a lending receiver's buffers, read before it reuses them", async () => {
    // Bytes of 4 random bits each: LZ4 shrinks every chunk, so none is stored as it is.
    const compressible = data.map((byte) => byte & 0x0f);
    for (const [compression, content] of [
      ["none", data],
      ["lz4", compressible],
    ] as const) {
      useFakeCas(server);
      const upload = { repo: "acme/m", files: [{ content }], cacheDir: false as const, compression };
      const [file] = (await uploadXet(hub(), upload)).files;
      const buffers = new Set<ArrayBufferLike>();
      const copies: Buffer[] = [];
      let views = 0;
      for await (const lent of readXetFile(hub(), {
        repo: "acme/m",
        fileHash: file!.xetHash,
        receiveRange: holdingReceiver(256 << 10, buffers),
        lendChunks: true,
      })) {
        copies.push(Buffer.from(lent));
        if (buffers.has(lent.buffer)) views++;
      }
      // Verified against the file hash (the default) as well.
      expect(Buffer.concat(copies).equals(Buffer.from(content))).toBe(true);
      expect(buffers.size).toBeGreaterThan(0);
      // Stored chunks are not copied out of the receiver's memory (only those across two of
      // its buffers); compressed ones are decoded from it into chunk memory (a short last chunk
      // LZ4 does not shrink may be stored as it is).
      if (compression === "none") expect(views).toBeGreaterThan(copies.length / 2);
      else expect(views).toBeLessThanOrEqual(1);
    }
  });

  it("copies out lent chunks read again later, so that a lending receiver is never left waiting for room", async () => {
    // The file's one xorb read twice over, by two terms of the same range: every chunk is kept
    // for the second term while the first goes on, which a receiver of two buffers cannot hold.
    const cas = useFakeCas(server);
    const upload = {
      repo: "acme/m",
      files: [{ content: data }],
      cacheDir: false as const,
      compression: "none" as const,
    };
    const [file] = (await uploadXet(hub(), upload)).files;
    const stored = cas.files.get(file!.xetHash)!;
    cas.files.set(file!.xetHash, { ...stored, terms: [...stored.terms, ...stored.terms] });
    const copies: Buffer[] = [];
    for await (const lent of readXetFile(hub(), {
      repo: "acme/m",
      fileHash: file!.xetHash,
      receiveRange: holdingReceiver(256 << 10, new Set()),
      lendChunks: true,
      verify: false, // the file hash names the file once over
    })) {
      copies.push(Buffer.from(lent));
    }
    expect(Buffer.concat(copies).equals(Buffer.concat([data, data]))).toBe(true);
  });

  it("asks the client for the rest of a range a lending receiver broke off, from the first chunk not yet whole", async () => {
    const fileHash = (await uploadData("none"))[0]!.xetHash;
    seen.length = 0;
    const copies: Buffer[] = [];
    for await (const lent of readXetFile(hub(), {
      repo: "acme/m",
      fileHash,
      receiveRange: holdingReceiver(256 << 10, new Set(), [], 1_000_000),
      lendChunks: true,
    })) {
      copies.push(Buffer.from(lent));
    }
    // Verified against the file hash (the default) as well.
    expect(Buffer.concat(copies).equals(Buffer.from(data))).toBe(true);
    const [from] = clientRanges().map((range) => Number(/bytes=(\d+)-/.exec(range)![1]));
    expect(from).toBeGreaterThan(900_000);
    expect(from).toBeLessThanOrEqual(1_000_000);
  });

  it("gives a lending receiver its buffers back when the reader stops early", async () => {
    const fileHash = (await uploadData("none"))[0]!.xetHash;
    const done: Promise<unknown>[] = [];
    let pieces = 0;
    for await (const _ of readXetFile(hub(), {
      repo: "acme/m",
      fileHash,
      receiveRange: holdingReceiver(256 << 10, new Set(), done),
      lendChunks: true,
    })) {
      if (++pieces === 3) break;
    }
    expect(done.length).toBeGreaterThan(0);
    // Every range's receiver ends: none is left waiting for chunks no one will read.
    await Promise.all(done);
  });

  it("leaves to the client what `receiveRange` does not deliver, from the first chunk not yet whole", async () => {
    const fileHash = (await uploadData("none"))[0]!.xetHash;
    // Breaks off after 1,000,000 bytes of each range.
    seen.length = 0;
    const asked: string[] = [];
    const broken = await collect(
      readXetFile(hub(), {
        repo: "acme/m",
        fileHash,
        receiveRange: lendingReceiver(65_536, 1_000_000, asked),
      }),
    );
    expect(Buffer.concat(broken).equals(Buffer.from(data))).toBe(true);
    const again = clientRanges();
    expect(again).toHaveLength(asked.length);
    for (const [i, range] of again.entries()) {
      const [start, end] = /bytes=(\d+)-(\d+)/.exec(asked[i]!)!.slice(1).map(Number);
      const [from, to] = /bytes=(\d+)-(\d+)/.exec(range)!.slice(1).map(Number);
      expect(to).toBe(end);
      expect(from).toBeGreaterThan(start! + 900_000);
      expect(from).toBeLessThanOrEqual(start! + 1_000_000);
    }
    // A receiver that leaves every range alone: the client asks for each whole range.
    seen.length = 0;
    const whole = await collect(
      readXetFile(hub(), {
        repo: "acme/m",
        fileHash,
        receiveRange: async () => ({ received: 0, fallback: "too small" }),
      }),
    );
    expect(Buffer.concat(whole).equals(Buffer.from(data))).toBe(true);
    expect(clientRanges()).toEqual(asked);
  });
});
