import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHubClient, HTTP_CHANNELS } from "@hfkit/http";
import { HUB, rejection, STORAGE, useMswServer } from "@hfkit/testing";
import { readXetFile, uploadXet } from "@hfkit/xet";
import { HttpResponse, http } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { downloadFile, downloadFileIter } from "./download-file.js";
import { getFileMetadata } from "./get-file-metadata.js";
import { snapshotDownload } from "./snapshot-download.js";
import { sha256 } from "./test-utils/bodies.js";
import { useAcmeHub } from "./test-utils/hub.js";

// Bytes fed to each streaming hash of the download checks (the seam every check hashes through).
const hashed = vi.hoisted(() => ({ sha256: 0, sha1: 0 }));
vi.mock("@hfkit/http", async (importOriginal) =>
  (await import("@hfkit/testing/hashes")).countingStreamingHashes(
    await importOriginal<typeof import("@hfkit/http")>(),
    hashed,
  ),
);

// Files stored on Xet (uploaded to the emulator's CAS, committed as LFS pointers, as every
// client does today), read back through the Xet CAS or, when Xet is off, the plain redirect.
const TOKEN = "hf_secret_token";
const { server, seen } = useMswServer();
const emulatorHub = useAcmeHub(server, TOKEN);
// Half patterned (chunks stored LZ4-compressed), half xorshift noise (chunks stored as they are).
let noise = 0x9e3779b9;
const WEIGHTS = new Uint8Array(3_000_000).map((_, i) => {
  if (i < 1_500_000) return (i * 2_654_435_761) >>> 24;
  noise ^= noise << 13;
  noise ^= noise >>> 17;
  noise ^= noise << 5;
  return noise >>> 24;
});

let cacheDir: string;
let xetHash: string;
// `fetch` given: requests to the CAS stay on the global fetch msw patched (without it, the
// client's default transport, made before msw, bypasses it for them; ADR 0002).
const hub = (env: Record<string, string> = {}) =>
  createHubClient({
    endpoint: HUB,
    token: TOKEN,
    env: { HF_HUB_CACHE: cacheDir, ...env },
    fetch: (input, init) => fetch(input, init),
  });
const calls = () =>
  seen.map((r) => `${r.method} ${r.url.origin === STORAGE ? "STORAGE" : "HUB"} ${r.url.pathname}`);

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "hfkit-cache-xet-"));
  await emulatorHub.seed("acme/bert", { "README.md": "# bert\n" }, { token: TOKEN });
  // Through the emulator's own fetch: msw's log holds only what the download does.
  const direct = createHubClient({ endpoint: HUB, token: TOKEN, env: {}, fetch: emulatorHub.emulator.fetch });
  const { files } = await uploadXet(direct, {
    repo: "acme/bert",
    files: [{ content: WEIGHTS }],
    cacheDir: false,
  });
  xetHash = files[0]!.xetHash;
  await emulatorHub.api("POST", "/api/models/acme/bert/commit/main", {
    token: TOKEN,
    ndjson: [
      { key: "header", value: { summary: "weights through xet" } },
      {
        key: "lfsFile",
        value: { path: "model.bin", algo: "sha256", oid: files[0]!.sha256, size: WEIGHTS.byteLength },
      },
    ],
  });
});
afterEach(() => rm(cacheDir, { recursive: true, force: true }));

describe("downloads of files stored on Xet", () => {
  it("reads the file by reconstruction from the CAS into the cache, named by its SHA-256", async () => {
    const meta = await getFileMetadata(hub(), { repo: "acme/bert", path: "model.bin" });
    expect(meta).toMatchObject({ etag: sha256(WEIGHTS), size: WEIGHTS.byteLength, lfs: true, xetHash });
    seen.length = 0;

    const file = await downloadFile(hub(), { repo: "acme/bert", path: "model.bin" });
    expect(sha256(await readFile(file.path))).toBe(sha256(WEIGHTS));
    expect(await readlink(file.path)).toBe(`../../blobs/${sha256(WEIGHTS)}`);
    const log = calls();
    expect(log).toContain(`GET HUB /api/models/acme/bert/xet-read-token/${file.commit}`);
    expect(log.some((c) => /^GET STORAGE \/v[12]\/reconstructions\//.test(c))).toBe(true);
    expect(log.some((c) => c.startsWith("GET STORAGE /xorbs/default/"))).toBe(true);
    // Not the Git LFS bridge: no redirect to the whole file.
    expect(log.filter((c) => c.includes("/xet-file/"))).toEqual([]);
    // The Hub token went to the Hub only; the CAS got its own token, the signed xorb URLs none.
    for (const r of seen) {
      const auth = r.headers.get("authorization");
      if (r.url.origin === HUB) expect(auth).toBe(`Bearer ${TOKEN}`);
      else if (r.url.pathname.startsWith("/v1/") || r.url.pathname.startsWith("/v2/")) {
        expect(auth).toMatch(/^Bearer /);
        expect(auth).not.toContain(TOKEN);
      } else expect(auth).toBeNull();
    }
  });

  /** The Hub announces another SHA-256 (ETag) than that of the bytes the CAS gives back, while `corrupt`. */
  const wrongEtag = () => {
    const state = { corrupt: true, etag: sha256(new Uint8Array([1, 2, 3])) };
    server.use(
      http.head(`${HUB}/acme/bert/resolve/*`, async ({ request }) => {
        const answer = await emulatorHub.emulator.handle(request);
        if (!state.corrupt) return answer;
        const headers = new Headers(answer.headers);
        for (const name of ["etag", "x-linked-etag"])
          if (headers.has(name)) headers.set(name, `"${state.etag}"`);
        return new HttpResponse(null, { status: answer.status, headers });
      }),
    );
    return state;
  };
  const blobs = () => readdir(join(cacheDir, "models--acme--bert", "blobs")).catch(() => [] as string[]);
  const snapshots = () =>
    readdir(join(cacheDir, "models--acme--bert", "snapshots")).catch(() => [] as string[]);

  it("with verifySha256, keeps no blob when the reconstructed bytes fail the SHA-256 check, and a clean download afterwards is byte-identical", async () => {
    // WEIGHTS (3 MB) cross the 1 MiB write buffers of Xet reads several times.
    const hubSays = wrongEtag();
    const error = await rejection(
      downloadFile(hub(), { repo: "acme/bert", path: "model.bin", verifySha256: true }),
    );
    // Caught by the SHA-256 check of the whole file, asked for on top of the Xet hash's.
    expect(error.message).toContain("Download check failed for model.bin: the SHA-256");
    expect(calls().some((c) => c.startsWith("GET STORAGE /xorbs/"))).toBe(true);
    // Nor a partial file: bytes that failed their check are not kept for a resume.
    expect(await blobs()).toEqual([]);
    expect(await snapshots()).toEqual([]);

    hubSays.corrupt = false;
    const file = await downloadFile(hub(), { repo: "acme/bert", path: "model.bin", verifySha256: true });
    expect(sha256(await readFile(file.path))).toBe(sha256(WEIGHTS));
    expect(await blobs()).toEqual([sha256(WEIGHTS)]);
  });

  it("by default checks a Xet file against its Xet hash only: a wrong SHA-256 from the Hub still names the blob (ADR 0022)", async () => {
    // What the default gives up: the bytes are the ones the Xet hash names, but the Hub's
    // SHA-256 for them is not checked, so the blob carries the name the Hub gave, as
    // huggingface_hub with hf_xet names it. `verifySha256: true` refuses this (above).
    const hubSays = wrongEtag();
    const file = await downloadFile(hub(), { repo: "acme/bert", path: "model.bin" });
    expect(file.etag).toBe(hubSays.etag);
    expect(await readlink(file.path)).toBe(`../../blobs/${hubSays.etag}`);
    expect(sha256(await readFile(file.path))).toBe(sha256(WEIGHTS));
    const { bytes } = await downloadFile(hub(), { repo: "acme/bert", path: "model.bin", to: "memory" });
    expect(sha256(bytes)).toBe(sha256(WEIGHTS));
  });

  it("refuses a file whose xorb bytes were altered on the way, by its Xet hash: nothing in the cache or the folder", async () => {
    // One byte flipped in every xorb range the CAS serves, in the middle of a chunk stored
    // uncompressed (8-byte header: version, 3-byte LE stored size, scheme 0 = none, raw size),
    // so that the chunk still decodes, to other bytes.
    let flipped = 0;
    server.use(
      http.get(`${STORAGE}/xorbs/*`, async ({ request }) => {
        const answer = await emulatorHub.emulator.handle(request);
        const body = new Uint8Array(await answer.arrayBuffer());
        for (let at = 0; at + 8 <= body.length; ) {
          const stored =
            (body[at + 1] as number) | ((body[at + 2] as number) << 8) | ((body[at + 3] as number) << 16);
          if (body[at + 4] === 0) {
            const middle = at + 8 + (stored >> 1);
            body[middle] = (body[middle] as number) ^ 0x5a;
            flipped++;
            break;
          }
          at += 8 + stored;
        }
        return new HttpResponse(body, { status: answer.status, headers: answer.headers });
      }),
    );
    const xetCheck = `Xet download of ${xetHash} does not verify`;
    const toCache = await rejection(downloadFile(hub(), { repo: "acme/bert", path: "model.bin" }));
    expect(toCache.message).toContain(xetCheck);
    expect(flipped).toBeGreaterThan(0);
    expect(toCache.code).toBe("INVALID_RESPONSE");
    expect(await blobs()).toEqual([]);
    expect(await snapshots()).toEqual([]);

    const localDir = join(cacheDir, "local");
    const toFolder = await rejection(
      downloadFile(hub(), { repo: "acme/bert", path: "model.bin", to: { localDir } }),
    );
    expect(toFolder.message).toContain(xetCheck);
    const left = await readdir(localDir, { recursive: true });
    expect(left.filter((name) => name.endsWith("model.bin") || name.endsWith(".incomplete"))).toEqual([]);

    const toMemory = downloadFile(hub(), { repo: "acme/bert", path: "model.bin", to: "memory" });
    expect((await rejection(toMemory)).message).toContain(xetCheck);
    // A stream errors at its end.
    const { stream } = await downloadFile(hub(), { repo: "acme/bert", path: "model.bin", to: "stream" });
    const drained = (async () => {
      for await (const _ of stream as unknown as AsyncIterable<Uint8Array>);
    })();
    expect((await rejection(drained)).message).toContain(xetCheck);
  });

  it("refuses a file whose announced Xet hash is not that of the bytes the CAS reconstructs", async () => {
    // A Hub that names another Xet hash, and a CAS that answers it with this file's reconstruction.
    const other = "ab".repeat(32);
    server.use(
      http.head(`${HUB}/acme/bert/resolve/*`, async ({ request }) => {
        const answer = await emulatorHub.emulator.handle(request);
        const headers = new Headers(answer.headers);
        headers.set("x-xet-hash", other);
        return new HttpResponse(null, { status: answer.status, headers });
      }),
      http.get(`${STORAGE}/:version/reconstructions/${other}`, ({ request, params }) =>
        emulatorHub.emulator.handle(
          new Request(`${STORAGE}/${params.version}/reconstructions/${xetHash}`, {
            headers: request.headers,
          }),
        ),
      ),
    );
    const error = await rejection(downloadFile(hub(), { repo: "acme/bert", path: "model.bin" }));
    expect(error.message).toContain(
      `Xet download of ${other} does not verify: its chunks hash to ${xetHash}`,
    );
    expect(await blobs()).toEqual([]);
  });

  it("computes no SHA-256 for a Xet file by default, and one over every byte with verifySha256", async () => {
    const sha256Bytes = async (options: { verifySha256?: boolean }) => {
      hashed.sha256 = 0;
      await downloadFile(hub(), { repo: "acme/bert", path: "model.bin", force: true, ...options });
      return hashed.sha256;
    };
    expect(await sha256Bytes({})).toBe(0);
    expect(await sha256Bytes({ verifySha256: true })).toBe(WEIGHTS.byteLength);
    // Through the redirect (Xet off) the SHA-256 is the check, as for any LFS file.
    expect(await sha256Bytes({ useXet: false } as { verifySha256?: boolean })).toBe(WEIGHTS.byteLength);
    for (const verifySha256 of [false, true]) {
      hashed.sha256 = 0;
      seen.length = 0;
      await snapshotDownload(hub(), { repo: "acme/bert", force: true, verifySha256 });
      // A snapshot reads the file through Xet too, as the listing names its Xet hash.
      expect(calls().filter((c) => /\/xet-file\/|reconstructions/.test(c))).toEqual([
        expect.stringMatching(/^GET STORAGE \/v[12]\/reconstructions\//),
      ]);
      expect(hashed.sha256).toBe(verifySha256 ? WEIGHTS.byteLength : 0);
    }
  });

  it("checks a resumed Xet download against its SHA-256 (the chunks before the resume point were not read)", async () => {
    // What a killed download left: the first megabyte, under the blob's name.
    const blobsDir = join(cacheDir, "models--acme--bert", "blobs");
    await mkdir(blobsDir, { recursive: true });
    await writeFile(join(blobsDir, `${sha256(WEIGHTS)}.0a1b2c.incomplete`), WEIGHTS.subarray(0, 1 << 20));
    hashed.sha256 = 0;
    const file = await downloadFile(hub(), { repo: "acme/bert", path: "model.bin" });
    expect(sha256(await readFile(file.path))).toBe(sha256(WEIGHTS));
    // The rest came by reconstruction of a range; the whole file went through the SHA-256.
    expect(calls().some((c) => /^GET STORAGE \/v[12]\/reconstructions\//.test(c))).toBe(true);
    expect(hashed.sha256).toBe(WEIGHTS.byteLength);
    expect(await blobs()).toEqual([sha256(WEIGHTS)]);
  });

  it("tells a Xet download's progress once per MiB written, and at its end", async () => {
    const told: number[] = [];
    for await (const event of downloadFileIter(hub(), { repo: "acme/bert", path: "model.bin" })) {
      told.push(event.bytes);
    }
    // Not once per decoded chunk (~64 KiB each): what a progress bar needs, at a fraction of the cost.
    expect(told.at(-1)).toBe(WEIGHTS.byteLength);
    expect(told.length).toBeGreaterThan(1);
    expect(told.length).toBeLessThanOrEqual(Math.ceil(WEIGHTS.byteLength / 2 ** 20));
    for (let i = 1; i < told.length; i++) expect(told[i]! - told[i - 1]!).toBeGreaterThanOrEqual(0);
  });

  it("reads into memory and into a stream through Xet too", async () => {
    const { bytes } = await downloadFile(hub(), { repo: "acme/bert", path: "model.bin", to: "memory" });
    expect(sha256(bytes)).toBe(sha256(WEIGHTS));
    const { stream } = await downloadFile(hub(), { repo: "acme/bert", path: "model.bin", to: "stream" });
    const parts: Uint8Array[] = [];
    for await (const part of stream as unknown as AsyncIterable<Uint8Array>) parts.push(part);
    expect(sha256(Buffer.concat(parts))).toBe(sha256(WEIGHTS));
    expect(
      calls().filter((c) => c.includes("/xet-file/") || (c.includes("/resolve/") && c.startsWith("GET"))),
    ).toEqual([]);
  });

  it("takes the plain redirect with useXet: false or HF_HUB_DISABLE_XET", async () => {
    await downloadFile(hub(), { repo: "acme/bert", path: "model.bin", to: "memory", useXet: false });
    await downloadFile(hub({ HF_HUB_DISABLE_XET: "1" }), {
      repo: "acme/bert",
      path: "model.bin",
      to: "memory",
    });
    const log = calls();
    expect(log.filter((c) => c.startsWith("GET STORAGE /xet-file/"))).toHaveLength(2);
    expect(log.filter((c) => /reconstructions|xet-read-token|\/xorbs\//.test(c))).toEqual([]);
  });

  it("never shows the CAS token in errors or diagnostics, and falls back to the redirect", async () => {
    const events: unknown[] = [];
    const listener = (event: unknown) => events.push(event);
    for (const name of Object.values(HTTP_CHANNELS)) subscribe(name, listener);
    let casToken = "";
    // A CAS that echoes the token it refuses (hub-protocol.md 10.3: 401/403 name the token's problem).
    const refuse = ({ request }: { request: Request }) => {
      casToken = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
      return HttpResponse.json({ error: `token ${casToken} lacks read scope` }, { status: 403 });
    };
    server.use(
      http.get(`${STORAGE}/v1/reconstructions/:hash`, refuse),
      http.get(`${STORAGE}/v2/reconstructions/:hash`, refuse),
    );
    try {
      const error = await rejection(readXetFile(hub(), { repo: "acme/bert", fileHash: xetHash }).next());
      expect(casToken.length).toBeGreaterThan(8);
      expect(error.status).toBe(403);
      expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(
        casToken,
      );
      expect(error.serverMessage).toContain("[REDACTED]");

      // downloadFile gets no reconstruction either, so it reads the file through the redirect.
      const { bytes } = await downloadFile(hub(), { repo: "acme/bert", path: "model.bin", to: "memory" });
      expect(sha256(bytes)).toBe(sha256(WEIGHTS));
      expect(calls().some((c) => c.startsWith("GET STORAGE /xet-file/"))).toBe(true);
    } finally {
      for (const name of Object.values(HTTP_CHANNELS)) unsubscribe(name, listener);
    }
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(casToken);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  });
});
