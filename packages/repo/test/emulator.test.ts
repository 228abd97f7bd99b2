import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient, type HubClient, mayOpenOwnSockets } from "@hfkit/http";
import { uploadFiles } from "@huggingface/hub";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createRepo,
  deleteRepo,
  downloadFile,
  fileExists,
  getRepoInfo,
  LocalEntryNotFoundError,
  listDatasets,
  moveRepo,
  repoExists,
  snapshotDownload,
  updateRepoSettings,
  whoami,
} from "../src/index.js";

// Whole flows over real loopback HTTP against @hfkit/emulator (an independent implementation
// of the Hub protocol), with files committed by the official JS client.
const TOKEN = "hf_emulator_flow_token";
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const BIG = new Uint8Array(2 * 1024 * 1024).map((_, i) => (i % 5 === 0 ? 0 : (i * 13) % 256));
// Large enough for hfkit's own socket (OWN_SOCKET_MIN_BYTES, 16 MiB).
const LARGE = randomBytes(16 * 1024 * 1024 + 999);

let server: EmulatorServer;
let cacheDir: string;
const hub = (env: Record<string, string> = {}): HubClient =>
  createHubClient({ endpoint: server.url, token: TOKEN, env: { HF_HUB_CACHE: cacheDir, ...env } });
const storageRequests = () => server.emulator.requestLog.filter((r) => r.url.startsWith(server.storageUrl));

async function seed(name: string, files: Record<string, Uint8Array | string>) {
  await createRepo(hub(), { repo: `datasets/local/${name}` });
  await uploadFiles({
    repo: { type: "dataset", name: `local/${name}` },
    accessToken: TOKEN,
    hubUrl: server.url,
    useXet: false,
    files: Object.entries(files).map(([path, content]) => ({ path, content: new Blob([content]) })),
  });
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

beforeAll(async () => {
  server = await startEmulatorServer({ port: 0 });
  await seed("reviews", {
    "README.md": "# Reviews\n",
    "data/train.csv": "a,b\n1,2\n",
    "weights/big.bin": BIG,
    "weights/large.bin": LARGE,
  });
});
afterAll(() => server.close());
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "hfkit-emu-"));
  server.emulator.clearRequestLog();
  server.emulator.faults.clear();
});
afterEach(() => rm(cacheDir, { recursive: true, force: true }));

describe("repo admin against the emulator", () => {
  it("creates, configures, moves and deletes a repo", async () => {
    const created = await createRepo(hub(), { repo: "datasets/local/admin", private: true });
    expect(created).toEqual({
      repo: { type: "dataset", name: "local/admin" },
      url: `${server.url}/datasets/local/admin`,
      created: true,
    });
    expect((await createRepo(hub(), { repo: "datasets/local/admin", existOk: true })).created).toBe(false);
    expect(await repoExists(hub(), { repo: "datasets/local/admin" })).toBe(true);
    expect(
      await repoExists(createHubClient({ endpoint: server.url, token: false }), {
        repo: "datasets/local/admin",
      }),
    ).toBe(false);
    expect(await getRepoInfo(hub(), { repo: "datasets/local/admin" })).toMatchObject({
      type: "dataset",
      id: "local/admin",
      private: true,
    });

    expect(
      await updateRepoSettings(hub(), { repo: "datasets/local/admin", private: false, gated: "manual" }),
    ).toMatchObject({
      private: false,
      gated: "manual",
    });
    await moveRepo(hub(), { repo: "datasets/local/admin", to: "local/admin2" });
    expect(await repoExists(hub(), { repo: "datasets/local/admin2" })).toBe(true);
    expect((await deleteRepo(hub(), { repo: "datasets/local/admin2" })).deleted).toBe(true);
    expect((await deleteRepo(hub(), { repo: "datasets/local/admin2", missingOk: true })).deleted).toBe(false);
    expect(await repoExists(hub(), { repo: "datasets/local/admin2" })).toBe(false);
  });

  it("lists datasets and says who the token is", async () => {
    const ids = (await collect(listDatasets(hub(), { author: "local" }))).map((d) => d.id);
    expect(ids).toContain("local/reviews");
    expect((await whoami(hub())).name).toBe("local");
    expect(await fileExists(hub(), { repo: "datasets/local/reviews", path: "weights/big.bin" })).toBe(true);
    expect(await fileExists(hub(), { repo: "datasets/local/reviews", path: "nope.bin" })).toBe(false);
  });
});

describe("downloads against the emulator", () => {
  it("fills the cache as Python would, and sends no token to storage", async () => {
    const big = await downloadFile(hub(), { repo: "datasets/local/reviews", path: "weights/big.bin" });
    const { sha } = await getRepoInfo(hub(), { repo: "datasets/local/reviews" });
    const storage = join(cacheDir, "datasets--local--reviews");
    expect(big.path).toBe(join(storage, "snapshots", sha!, "weights", "big.bin"));
    expect(await readlink(big.path)).toBe(`../../../blobs/${sha256(BIG)}`);
    expect(sha256(await readFile(big.path))).toBe(sha256(BIG));
    expect(await readFile(join(storage, "refs", "main"), "utf8")).toBe(sha);
    expect(storageRequests().length).toBeGreaterThan(0);
    expect(storageRequests().every((r) => !r.hasAuthorization)).toBe(true);
  });

  it("reads an LFS file over hfkit's own socket (socket-get.ts) with the same bytes on disk", async () => {
    const client = hub();
    // A client on the platform's network without a proxy: LFS bytes come over socket-get.ts
    // (whose framing and failures src/download/socket-get.test.ts checks against a server of its own).
    expect(mayOpenOwnSockets(client)).toEqual({ signal: undefined });
    expect(mayOpenOwnSockets(hub({ HTTPS_PROXY: "http://127.0.0.1:9" }))).toBeUndefined();
    const before = storageRequests().length;
    const large = await downloadFile(client, { repo: "datasets/local/reviews", path: "weights/large.bin" });
    expect(sha256(await readFile(large.path))).toBe(sha256(LARGE));
    const gets = storageRequests().slice(before);
    expect(gets.map((r) => [r.method, r.hasAuthorization])).toEqual([["GET", false]]);
  });

  it("records a missing file in .no_exist with the commit the emulator reports", async () => {
    const error = await downloadFile(hub(), { repo: "datasets/local/reviews", path: "nope.txt" }).catch(
      (e) => e,
    );
    expect(error.code).toBe("ENTRY_NOT_FOUND");
    const { sha } = await getRepoInfo(hub(), { repo: "datasets/local/reviews" });
    expect(await readdir(join(cacheDir, "datasets--local--reviews", ".no_exist", sha!))).toEqual([
      "nope.txt",
    ]);
  });

  it("resumes a partial blob left by a killed process with a Range request to storage", async () => {
    const blobs = join(cacheDir, "datasets--local--reviews", "blobs");
    await mkdir(blobs, { recursive: true });
    await writeFile(join(blobs, `${sha256(BIG)}.1234abcd.incomplete`), BIG.subarray(0, 1_000_000));
    const result = await downloadFile(hub(), { repo: "datasets/local/reviews", path: "weights/big.bin" });
    expect(storageRequests().map((r) => r.headers.range)).toEqual(["bytes=1000000-"]);
    expect(sha256(await readFile(result.path))).toBe(sha256(BIG));
    expect(await readdir(blobs)).toEqual([sha256(BIG)]);
  });

  it("retries a storage connection reset and a 503 from the Hub", async () => {
    server.emulator.faults.inject({ path: /^\/lfs\//, reset: true });
    server.emulator.faults.inject({ method: "HEAD", path: /\/resolve\//, status: 503 });
    const client = createHubClient({
      endpoint: server.url,
      token: TOKEN,
      env: { HF_HUB_CACHE: cacheDir },
      retry: { initialDelayMs: 1, random: () => 0 },
    });
    const result = await downloadFile(client, { repo: "datasets/local/reviews", path: "weights/big.bin" });
    expect(sha256(await readFile(result.path))).toBe(sha256(BIG));
    expect(server.emulator.faults.pending).toBe(0);
  });

  it("downloads a snapshot, then serves it offline without a request", async () => {
    const online = await snapshotDownload(hub(), { repo: "datasets/local/reviews", exclude: "weights/*" });
    expect(online.files.map((f) => f.path)).toEqual([".gitattributes", "README.md", "data/train.csv"]);
    server.emulator.clearRequestLog();
    const offline = await snapshotDownload(hub({ HF_HUB_OFFLINE: "1" }), {
      repo: "datasets/local/reviews",
      exclude: "weights/*",
    });
    expect(offline.path).toBe(online.path);
    const miss = await downloadFile(hub({ HF_HUB_OFFLINE: "1" }), {
      repo: "datasets/local/reviews",
      path: "weights/big.bin",
    }).catch((e) => e);
    expect(LocalEntryNotFoundError.isInstance(miss)).toBe(true);
    expect(server.emulator.requestLog).toHaveLength(0);
  });
});
