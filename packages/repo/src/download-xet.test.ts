import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHubClient, HTTP_CHANNELS } from "@hfkit/http";
import { HUB, rejection, STORAGE, useMswServer } from "@hfkit/testing";
import { readXetFile, uploadXet } from "@hfkit/xet";
import { HttpResponse, http } from "msw";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { downloadFile } from "./download-file.js";
import { getFileMetadata } from "./get-file-metadata.js";
import { sha256 } from "./test-utils/bodies.js";
import { useAcmeHub } from "./test-utils/hub.js";

// Files stored on Xet (uploaded to the emulator's CAS, committed as LFS pointers, as every
// client does today), read back through the Xet CAS or, when Xet is off, the plain redirect.
const TOKEN = "hf_secret_token";
const { server, seen } = useMswServer();
const emulatorHub = useAcmeHub(server, TOKEN);
const WEIGHTS = new Uint8Array(3_000_000).map((_, i) => (i * 2_654_435_761) >>> 24);

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

  it("keeps no blob when the reconstructed bytes fail the SHA-256 check, and a clean download afterwards is byte-identical", async () => {
    // WEIGHTS (3 MB) cross the 1 MiB write queue of Xet reads (MAX_QUEUED_XET) several times.
    // The Hub announces another SHA-256 than that of the bytes the CAS gives back.
    const other = sha256(new Uint8Array([1, 2, 3]));
    let corrupt = true;
    server.use(
      http.head(`${HUB}/acme/bert/resolve/*`, async ({ request }) => {
        const answer = await emulatorHub.emulator.handle(request);
        if (!corrupt) return answer;
        const headers = new Headers(answer.headers);
        for (const name of ["etag", "x-linked-etag"]) if (headers.has(name)) headers.set(name, `"${other}"`);
        return new HttpResponse(null, { status: answer.status, headers });
      }),
    );
    const error = await rejection(downloadFile(hub(), { repo: "acme/bert", path: "model.bin" }));
    // Caught by the SHA-256 check of the whole file (Xet reads skip their own BLAKE3 check).
    expect(error.message).toContain("Download check failed for model.bin: the SHA-256");
    expect(calls().some((c) => c.startsWith("GET STORAGE /xorbs/"))).toBe(true);
    const blobs = join(cacheDir, "models--acme--bert", "blobs");
    // Nor a partial file: bytes that failed their check are not kept for a resume.
    expect(await readdir(blobs).catch(() => [])).toEqual([]);
    expect(await readdir(join(cacheDir, "models--acme--bert", "snapshots")).catch(() => [])).toEqual([]);

    corrupt = false;
    const file = await downloadFile(hub(), { repo: "acme/bert", path: "model.bin" });
    expect(sha256(await readFile(file.path))).toBe(sha256(WEIGHTS));
    expect(await readdir(blobs)).toEqual([sha256(WEIGHTS)]);
  });

  it("reads into memory and into a stream through Xet too, checked against the SHA-256", async () => {
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
