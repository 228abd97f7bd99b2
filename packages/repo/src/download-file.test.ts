import { mkdir, readdir, readFile, readlink, realpath, stat, utimes, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { createHubClient, EntryNotFoundError, InvalidResponseError } from "@hfkit/http";
import { HUB, rejection, STORAGE, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import { downloadFile, downloadFileIter } from "./download-file.js";
import { LocalEntryNotFoundError } from "./errors.js";
import { corruptBody, cutBody, gitBlobId, sha256, stalledBody } from "./test-utils/bodies.js";
import { useAcmeHub } from "./test-utils/hub.js";

// The Hub is the emulator behind msw (its own handlers). Routes are overridden only where a
// test needs an answer the emulator never gives: a body cut mid-way, bytes that do not match
// their ETag (see test-utils/bodies.ts).
const TOKEN = "hf_secret_token";
const { server, seen } = useMswServer();
const emulatorHub = useAcmeHub(server, TOKEN, { tempDir: "hfkit-cache-" });
const CONFIG = new TextEncoder().encode('{"hidden_size": 768}\n');
const WEIGHTS = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);

let cacheDir: string;
let COMMIT: string;
const storage = () => join(cacheDir, "models--acme--bert");
const hub = emulatorHub.client;
const gets = () => seen.filter((r) => r.method === "GET").map((r) => r.url.origin + r.url.pathname);
/** The LFS object's GET on the storage origin (a 302 from /resolve/ leads there, hub-protocol §5.2). */
const WEIGHTS_ON_STORAGE = () => `${STORAGE}/lfs/${sha256(WEIGHTS)}`;

beforeEach(async () => {
  cacheDir = emulatorHub.dir;
  COMMIT = await emulatorHub.seed(
    "acme/bert",
    { "config.json": CONFIG, "weights/model.safetensors": WEIGHTS },
    { token: TOKEN },
  );
  // refs/pr/1, at the same commit: a pull request opens on the branch's head.
  await emulatorHub.api("POST", "/api/models/acme/bert/discussions", {
    token: TOKEN,
    json: { title: "A pull request", pullRequest: true },
  });
});

describe("downloadFile into the cache", () => {
  it("lays files out as huggingface_hub does: blobs by etag, relative symlinks, refs/main", async () => {
    const config = await downloadFile(hub(), { repo: "acme/bert", path: "config.json" });
    const weights = await downloadFile(hub(), { repo: "acme/bert", path: "weights/model.safetensors" });

    expect(config).toEqual({
      path: join(storage(), "snapshots", COMMIT, "config.json"),
      commit: COMMIT,
      etag: gitBlobId(CONFIG),
      size: CONFIG.byteLength,
      fromCache: false,
    });
    expect(await readlink(config.path)).toBe(`../../blobs/${gitBlobId(CONFIG)}`);
    expect(await readlink(weights.path)).toBe(`../../../blobs/${sha256(WEIGHTS)}`);
    expect(await realpath(weights.path)).toBe(await realpath(join(storage(), "blobs", sha256(WEIGHTS))));
    expect(sha256(await readFile(weights.path))).toBe(sha256(WEIGHTS));
    expect(await readFile(join(storage(), "refs", "main"), "utf8")).toBe(COMMIT);
    expect((await readdir(join(storage(), "blobs"))).sort()).toEqual(
      [gitBlobId(CONFIG), sha256(WEIGHTS)].sort(),
    );
    expect(await readFile(join(cacheDir, "CACHEDIR.TAG"), "utf8")).toMatch(
      /^Signature: 8a477f597d28d172789f06886806bc55\n/,
    );
    // The lock folder is Python's; hfkit removes its own lock files when done.
    expect(await readdir(join(cacheDir, ".locks", "models--acme--bert"))).toEqual([]);
  });

  it("sends the token to the Hub only, never to LFS storage", async () => {
    await downloadFile(hub(), { repo: "acme/bert", path: "weights/model.safetensors" });
    const toStorage = seen.filter((r) => r.url.origin === STORAGE);
    expect(toStorage).toHaveLength(1);
    expect(toStorage[0]!.headers.has("authorization")).toBe(false);
    expect(
      seen
        .filter((r) => r.url.origin === HUB)
        .every((r) => r.headers.get("authorization") === "Bearer hf_secret_token"),
    ).toBe(true);
    expect(seen[0]).toMatchObject({ method: "HEAD" });
    expect(seen[0]!.headers.get("accept-encoding")).toBe("identity");
    // The GET is pinned to the commit the HEAD resolved, so a moving branch cannot mix versions.
    expect(gets()).toEqual([
      `${HUB}/acme/bert/resolve/${COMMIT}/weights/model.safetensors`,
      `${STORAGE}/lfs/${sha256(WEIGHTS)}`,
    ]);
  });

  it("serves a cached file with one HEAD, and with no request at all when the revision is a commit", async () => {
    await downloadFile(hub(), { repo: "acme/bert", path: "config.json" });
    seen.length = 0;
    expect((await downloadFile(hub(), { repo: "acme/bert", path: "config.json" })).fromCache).toBe(true);
    expect(seen.map((r) => r.method)).toEqual(["HEAD"]);
    seen.length = 0;
    const pinned = await downloadFile(hub(), { repo: "acme/bert", path: "config.json", revision: COMMIT });
    expect(pinned).toMatchObject({ fromCache: true, etag: gitBlobId(CONFIG) });
    expect(seen).toHaveLength(0);
  });

  it("records a missing file in .no_exist and still writes the ref", async () => {
    const error = await rejection(downloadFile(hub(), { repo: "acme/bert", path: "sub/missing.txt" }));
    expect(EntryNotFoundError.isInstance(error)).toBe(true);
    expect(error.message).toContain('"sub/missing.txt"');
    expect((await stat(join(storage(), ".no_exist", COMMIT, "sub", "missing.txt"))).size).toBe(0);
    expect(await readFile(join(storage(), "refs", "main"), "utf8")).toBe(COMMIT);
  });

  it("nests refs/pr/1 under refs/ and encodes it as one URL segment", async () => {
    await downloadFile(hub(), { repo: "acme/bert", path: "config.json", revision: "refs/pr/1" });
    expect(seen[0]!.url.pathname).toBe("/acme/bert/resolve/refs%2Fpr%2F1/config.json");
    expect(await readFile(join(storage(), "refs", "refs", "pr", "1"), "utf8")).toBe(COMMIT);
  });

  it("resumes a body cut mid-way with Range from the byte it reached", async () => {
    server.use(http.get(WEIGHTS_ON_STORAGE(), cutBody(emulatorHub.emulator, 100_000), { once: true }));
    const result = await downloadFile(hub(), {
      repo: "acme/bert",
      path: "weights/model.safetensors",
      resumeDelayMs: 0,
    });
    const storageGets = seen.filter((r) => r.url.origin === STORAGE);
    expect(storageGets.map((r) => r.headers.get("range"))).toEqual([null, "bytes=100000-"]);
    expect(sha256(await readFile(result.path))).toBe(sha256(WEIGHTS));
  });

  it("resumes from a partial file left by a killed process, then removes it", async () => {
    const blobs = join(storage(), "blobs");
    await mkdir(blobs, { recursive: true });
    await writeFile(join(blobs, `${sha256(WEIGHTS)}.0badc0de.incomplete`), WEIGHTS.subarray(0, 123_456));
    const result = await downloadFile(hub(), { repo: "acme/bert", path: "weights/model.safetensors" });
    expect(seen.filter((r) => r.url.origin === STORAGE).map((r) => r.headers.get("range"))).toEqual([
      "bytes=123456-",
    ]);
    expect(sha256(await readFile(result.path))).toBe(sha256(WEIGHTS));
    expect(await readdir(blobs)).toEqual([sha256(WEIGHTS)]);
  });

  it("drops a leftover whose bytes do not check out and downloads from the start", async () => {
    const blobs = join(storage(), "blobs");
    await mkdir(blobs, { recursive: true });
    await writeFile(join(blobs, `${sha256(WEIGHTS)}.incomplete`), new Uint8Array(50_000).fill(1));
    const result = await downloadFile(hub(), { repo: "acme/bert", path: "weights/model.safetensors" });
    expect(seen.filter((r) => r.url.origin === STORAGE).map((r) => r.headers.get("range"))).toEqual([
      "bytes=50000-",
      null,
    ]);
    expect(sha256(await readFile(result.path))).toBe(sha256(WEIGHTS));
  });

  it("refuses bytes whose SHA-256 differs from the etag, keeping nothing", async () => {
    const corrupt = WEIGHTS.slice();
    corrupt[10] = 0;
    server.use(http.get(WEIGHTS_ON_STORAGE(), corruptBody(emulatorHub.emulator, corrupt)));
    const error = await rejection(
      downloadFile(hub(), { repo: "acme/bert", path: "weights/model.safetensors" }),
    );
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/SHA-256/);
    expect(await readdir(join(storage(), "blobs"))).toEqual([]);
    await expect(
      stat(join(storage(), "snapshots", COMMIT, "weights", "model.safetensors")),
    ).rejects.toThrow();
  });

  it("checks a regular file against its git blob id", async () => {
    const wrong = new TextEncoder().encode('{"hidden_size": 769}\n');
    server.use(http.get(`${HUB}/acme/bert/resolve/*`, corruptBody(emulatorHub.emulator, wrong)));
    expect(
      (await rejection(downloadFile(hub(), { repo: "acme/bert", path: "config.json" }))).message,
    ).toMatch(/git blob id/);
  });

  it("ends two concurrent downloads of one file with a single intact blob and one transfer", async () => {
    const [a, b] = await Promise.all([
      downloadFile(hub(), { repo: "acme/bert", path: "weights/model.safetensors" }),
      downloadFile(hub(), { repo: "acme/bert", path: "weights/model.safetensors" }),
    ]);
    expect(a.path).toBe(b.path);
    expect([a.fromCache, b.fromCache].sort()).toEqual([false, true]);
    expect(seen.filter((r) => r.url.origin === STORAGE)).toHaveLength(1);
    expect(await readdir(join(storage(), "blobs"))).toEqual([sha256(WEIGHTS)]);
    expect(sha256(await readFile(a.path))).toBe(sha256(WEIGHTS));
  });

  it("works beside a lock file left by Python (empty), without touching it", async () => {
    const lock = join(cacheDir, ".locks", "models--acme--bert", `${sha256(WEIGHTS)}.lock`);
    await mkdir(dirname(lock), { recursive: true });
    await writeFile(lock, "");
    await utimes(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const result = await downloadFile(hub(), { repo: "acme/bert", path: "weights/model.safetensors" });
    expect(sha256(await readFile(result.path))).toBe(sha256(WEIGHTS));
    expect((await stat(lock)).size).toBe(0);
  });

  it("takes over a lock whose hfkit holder died", async () => {
    const lock = join(cacheDir, ".locks", "models--acme--bert", `${sha256(WEIGHTS)}.lock`);
    await mkdir(dirname(lock), { recursive: true });
    const { hostname } = await import("node:os");
    await writeFile(
      lock,
      JSON.stringify({ tool: "hfkit", pid: 2 ** 22 + 12345, host: hostname(), id: "dead" }),
    );
    const result = await downloadFile(hub(), { repo: "acme/bert", path: "weights/model.safetensors" });
    expect(sha256(await readFile(result.path))).toBe(sha256(WEIGHTS));
    expect(await readdir(dirname(lock))).toEqual([]);
  });

  it("fetches a regular (git-stored) file without its lock: a live holder of that lock does not hold it up", async () => {
    const lock = join(cacheDir, ".locks", "models--acme--bert", `${gitBlobId(CONFIG)}.lock`);
    await mkdir(dirname(lock), { recursive: true });
    const { hostname } = await import("node:os");
    const held = JSON.stringify({ tool: "hfkit", pid: process.pid, host: hostname(), id: "live" });
    await writeFile(lock, held);
    const result = await downloadFile(hub(), {
      repo: "acme/bert",
      path: "config.json",
      signal: AbortSignal.timeout(3_000),
    });
    expect(await readFile(result.path, "utf8")).toBe(new TextDecoder().decode(CONFIG));
    expect(await readFile(join(cacheDir, "models--acme--bert", "blobs", gitBlobId(CONFIG)), "utf8")).toBe(
      new TextDecoder().decode(CONFIG),
    );
    expect(await readFile(lock, "utf8")).toBe(held); // another holder's lock is never touched
  });

  it("rejects paths that would escape the cache before any request", async () => {
    for (const path of ["../x", "a/../../x", "a//b", "C:/x", "a\\b"]) {
      expect((await rejection(downloadFile(hub(), { repo: "acme/bert", path }))).field).toBe("path");
    }
    expect(
      (await rejection(downloadFile(hub(), { repo: "acme/bert", path: "x", revision: "../../x" }))).field,
    ).toBe("revision");
    expect(seen).toHaveLength(0);
  });

  it("gives a caller's internal field names no effect: the HEAD still decides what is fetched", async () => {
    // A plain-JS caller can pass anything; `known` and `prepared` are a snapshot's own.
    const internals = {
      known: { commit: "0".repeat(40), etag: sha256(WEIGHTS), size: 5, lfs: true },
      prepared: { leftovers: [], blobs: new Set([sha256(WEIGHTS)]), pointers: new Set() },
    };
    const options = { repo: "acme/bert", path: "weights/model.safetensors", ...internals };
    const done = await downloadFile(hub(), options);
    expect(seen[0]).toMatchObject({ method: "HEAD" });
    expect(done).toMatchObject({ commit: COMMIT, size: WEIGHTS.byteLength, fromCache: false });
    expect(sha256(await readFile(done.path))).toBe(sha256(WEIGHTS));
  });
});

describe("downloadFileIter", () => {
  const partials = async () =>
    (await readdir(join(storage(), "blobs")).catch(() => [] as string[])).filter((n) =>
      n.endsWith(".incomplete"),
    );

  it("yields progress and returns what downloadFile resolves with", async () => {
    const run = downloadFileIter(hub(), { repo: "acme/bert", path: "weights/model.safetensors" });
    const events = [];
    let step = await run.next();
    for (; !step.done; step = await run.next()) events.push(step.value);
    expect(events.at(-1)).toEqual({
      type: "file-download-progress",
      path: "weights/model.safetensors",
      bytes: WEIGHTS.byteLength,
      totalBytes: WEIGHTS.byteLength,
    });
    expect(step.value).toMatchObject({ commit: COMMIT, etag: sha256(WEIGHTS), fromCache: false });
  });

  it("keeps the partial file of an interrupted download to resume from, and none of an abandoned one", async () => {
    let stalls = 0;
    server.use(
      http.get(
        WEIGHTS_ON_STORAGE(),
        stalledBody(emulatorHub.emulator, 50_000, () => stalls++),
      ),
    );
    // Interrupted (the caller's signal, e.g. Ctrl-C): the bytes received stay for the next run.
    const controller = new AbortController();
    const interrupted = downloadFile(hub(), {
      repo: "acme/bert",
      path: "weights/model.safetensors",
      signal: controller.signal,
    });
    while (stalls < 1) await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error("interrupted"));
    expect((await rejection(interrupted)).message).toBe("interrupted");
    expect(await partials()).toHaveLength(1);
    // Abandoned (the consumer stopped iterating): nothing is left behind once the loop ends.
    for await (const _ of downloadFileIter(hub(), { repo: "acme/bert", path: "weights/model.safetensors" })) {
      while (stalls < 2) await new Promise((r) => setTimeout(r, 5));
      break;
    }
    expect(await partials()).toEqual([]);
    expect(await readdir(join(cacheDir, ".locks", "models--acme--bert"))).toEqual([]);
  });
});

describe("offline (HF_HUB_OFFLINE=1)", () => {
  it("serves from the cache without any request", async () => {
    await downloadFile(hub(), { repo: "acme/bert", path: "config.json" });
    seen.length = 0;
    const offline = hub({ HF_HUB_OFFLINE: "1" });
    const result = await downloadFile(offline, { repo: "acme/bert", path: "config.json" });
    expect(result).toMatchObject({ commit: COMMIT, fromCache: true, etag: gitBlobId(CONFIG) });
    const { bytes } = await downloadFile(offline, { repo: "acme/bert", path: "config.json", to: "memory" });
    expect(bytes).toEqual(CONFIG);
    expect(seen).toHaveLength(0);
  });

  it("fails with a typed error naming the file and revision when it is not cached", async () => {
    const error = await rejection<LocalEntryNotFoundError>(
      downloadFile(hub({ HF_HUB_OFFLINE: "1" }), { repo: "acme/bert", path: "config.json", revision: "v2" }),
    );
    expect(LocalEntryNotFoundError.isInstance(error)).toBe(true);
    expect(EntryNotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      path: "config.json",
      revision: "v2",
      repo: "acme/bert",
      reason: "not-cached",
    });
    expect(error.message).toContain(
      `"config.json" of acme/bert at revision "v2" is not in ${cacheDir}, and network access is off`,
    );
    expect(error.message).toContain("HF_HUB_OFFLINE");
    expect(seen).toHaveLength(0);
  });

  it("says when the Hub already answered that the file does not exist", async () => {
    await rejection(downloadFile(hub(), { repo: "acme/bert", path: "missing.txt" }));
    const error = await rejection<LocalEntryNotFoundError>(
      downloadFile(hub(), { repo: "acme/bert", path: "missing.txt", localFilesOnly: true }),
    );
    expect(error.reason).toBe("known-missing");
    expect(error.message).toMatch(/does not exist/);
  });

  it("falls back to the cache at once when the Hub is unreachable, without the retry schedule", async () => {
    await downloadFile(hub(), { repo: "acme/bert", path: "config.json" });
    server.resetHandlers();
    seen.length = 0;
    server.use(http.head(`${HUB}/acme/bert/resolve/*`, () => HttpResponse.error()));
    const retrying = createHubClient({
      endpoint: HUB,
      env: { HF_HUB_CACHE: cacheDir },
      retry: { initialDelayMs: 1, random: () => 0 },
    });
    const result = await downloadFile(retrying, { repo: "acme/bert", path: "config.json" });
    expect(result).toMatchObject({ fromCache: true, commit: COMMIT });
    expect(seen).toHaveLength(1);
    // Not cached: the retries run, then the error says the Hub cannot be reached.
    const error = await rejection<LocalEntryNotFoundError>(
      downloadFile(retrying, { repo: "acme/bert", path: "other.json" }),
    );
    expect(error.message).toMatch(/the Hub cannot be reached/);
    expect(seen.length).toBe(1 + 1 + 5); // the cached file, one quick try, then the 5 attempts of the retry schedule
  });
});

describe("other targets", () => {
  it("reads into memory and into a stream, checked", async () => {
    const mem = await downloadFile(hub(), {
      repo: "acme/bert",
      path: "weights/model.safetensors",
      to: "memory",
    });
    expect(mem).toEqual({ bytes: WEIGHTS, commit: COMMIT, size: WEIGHTS.byteLength });
    const { stream } = await downloadFile(hub(), { repo: "acme/bert", path: "config.json", to: "stream" });
    expect(new Uint8Array(await new Response(stream).arrayBuffer())).toEqual(CONFIG);
    await expect(readdir(storage())).rejects.toThrow(); // nothing written to the cache
  });

  it("errors a stream at its end when the bytes fail their check", async () => {
    const wrong = new TextEncoder().encode('{"hidden_size": 769}\n');
    server.use(http.get(`${HUB}/acme/bert/resolve/*`, corruptBody(emulatorHub.emulator, wrong)));
    const { stream } = await downloadFile(hub(), { repo: "acme/bert", path: "config.json", to: "stream" });
    await expect(new Response(stream).arrayBuffer()).rejects.toThrow(/git blob id/);
  });

  it("writes to an exact file path through a temporary sibling", async () => {
    const file = join(cacheDir, "out", "weights.bin");
    const result = await downloadFile(hub(), {
      repo: "acme/bert",
      path: "weights/model.safetensors",
      to: { file },
    });
    expect(result).toMatchObject({ path: file, etag: sha256(WEIGHTS), fromCache: false });
    expect(sha256(await readFile(file))).toBe(sha256(WEIGHTS));
    expect(await readdir(dirname(file))).toEqual(["weights.bin"]);
  });

  it("writes into a local dir with Python's metadata, and skips the file next time", async () => {
    const localDir = join(cacheDir, "local");
    const first = await downloadFile(hub(), {
      repo: "acme/bert",
      path: "weights/model.safetensors",
      to: { localDir },
    });
    expect(first).toMatchObject({ path: join(localDir, "weights", "model.safetensors"), fromCache: false });
    expect(sha256(await readFile(first.path))).toBe(sha256(WEIGHTS));
    const metadata = await readFile(
      join(localDir, ".cache", "huggingface", "download", "weights", "model.safetensors.metadata"),
      "utf8",
    );
    const [commit, etag, timestamp, end] = metadata.split("\n");
    expect([commit, etag, end]).toEqual([COMMIT, sha256(WEIGHTS), ""]);
    expect(Number(timestamp)).toBeGreaterThan(1.7e9);
    expect(await readFile(join(localDir, ".cache", "huggingface", ".gitignore"), "utf8")).toBe("*");
    seen.length = 0;
    const second = await downloadFile(hub(), {
      repo: "acme/bert",
      path: "weights/model.safetensors",
      to: { localDir },
    });
    expect(second.fromCache).toBe(true);
    expect(seen.map((r) => r.method)).toEqual(["HEAD"]);
    expect(resolve(second.path)).toBe(first.path);
  });
});
