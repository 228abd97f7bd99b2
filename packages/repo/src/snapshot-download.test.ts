import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, readlink, realpath, symlink, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { HUB, rejection, STORAGE, useMswServer } from "@hfkit/testing";
import { delay, http } from "msw";
import PQueue from "p-queue";
import { beforeEach, describe, expect, it } from "vitest";
import { LocalEntryNotFoundError } from "./errors.js";
import { REPO_CHANNELS } from "./events.js";
import { type SnapshotDownloadEvent, snapshotDownload, snapshotDownloadIter } from "./snapshot-download.js";
import { corruptBody, gitBlobId, sha256, stalledBody, trickledBody } from "./test-utils/bodies.js";
import { useAcmeHub } from "./test-utils/hub.js";

// The Hub is the emulator behind msw; see download-file.test.ts.
const TOKEN = "hf_t";
const { server, seen } = useMswServer();
const emulatorHub = useAcmeHub(server, TOKEN, { tempDir: "hfkit-snap-" });
const text = (s: string) => new TextEncoder().encode(s);
const FILES = [
  { path: ".gitattributes", content: text("*.bin filter=lfs diff=lfs merge=lfs -text\n") },
  { path: "README.md", content: text("# Reviews\n") },
  { path: "data/train.csv", content: text("a,b\n1,2\n") },
  { path: "data/test.csv", content: text("a,b\n3,4\n") },
  { path: "data/big/part-0.bin", content: new Uint8Array(70_000).fill(3) },
  { path: "data/big/part-1.bin", content: new Uint8Array(90_000).fill(4) },
];

let cacheDir: string;
let COMMIT: string;
const storage = () => join(cacheDir, "datasets--acme--reviews");
const hub = emulatorHub.client;

beforeEach(async () => {
  cacheDir = emulatorHub.dir;
  COMMIT = await emulatorHub.seed(
    "datasets/acme/reviews",
    Object.fromEntries(FILES.map((f) => [f.path, f.content])),
    { token: TOKEN },
  );
  await emulatorHub.api("POST", "/api/datasets/acme/reviews/tag/main", { token: TOKEN, json: { tag: "v1" } });
});

async function drain(run: AsyncGenerator<SnapshotDownloadEvent, unknown>) {
  const events: SnapshotDownloadEvent[] = [];
  for (;;) {
    const step = await run.next();
    if (step.done) return { events, result: step.value };
    events.push(step.value);
  }
}

describe("snapshotDownload", () => {
  it("resolves the revision, lists the tree once, filters, and fills the cache without a HEAD per file", async () => {
    const { events, result } = await drain(
      snapshotDownloadIter(hub(), {
        repo: "datasets/acme/reviews",
        revision: "v1",
        include: ["data/*", "*.md"],
        exclude: "*test*",
      }),
    );
    const wanted = ["README.md", "data/big/part-0.bin", "data/big/part-1.bin", "data/train.csv"];
    expect(result).toMatchObject({ path: join(storage(), "snapshots", COMMIT), commit: COMMIT });
    expect((result as { files: { path: string }[] }).files.map((f) => f.path)).toEqual(wanted);
    expect(events[0]).toEqual({
      type: "snapshot-resolved",
      commit: COMMIT,
      files: 4,
      totalBytes: 10 + 8 + 70_000 + 90_000,
    });
    expect(
      events
        .filter((e) => e.type === "file-downloaded")
        .map((e) => e.path)
        .sort(),
    ).toEqual(wanted);
    expect(
      events.some(
        (e) => e.type === "file-download-progress" && e.path === "data/big/part-1.bin" && e.bytes === 90_000,
      ),
    ).toBe(true);

    expect(seen.filter((r) => r.method === "HEAD")).toHaveLength(0);
    expect(seen[0]!.url.pathname).toBe("/api/datasets/acme/reviews/revision/v1");
    expect(seen[0]!.url.search).toBe("?expand=sha");
    expect(seen[1]!.url.pathname).toBe(`/api/datasets/acme/reviews/tree/${COMMIT}`);
    expect(seen.filter((r) => r.url.origin === STORAGE).every((r) => !r.headers.has("authorization"))).toBe(
      true,
    );

    expect(await readFile(join(storage(), "refs", "v1"), "utf8")).toBe(COMMIT);
    expect(await readlink(join(storage(), "snapshots", COMMIT, "data", "big", "part-0.bin"))).toBe(
      `../../../../blobs/${sha256(FILES[4]!.content)}`,
    );
    expect(await readlink(join(storage(), "snapshots", COMMIT, "README.md"))).toBe(
      `../../blobs/${gitBlobId(FILES[1]!.content)}`,
    );
    const tree = JSON.parse(await readFile(join(storage(), "trees", `${COMMIT}.json`), "utf8"));
    expect(tree.format_version).toBe(1);
    expect(Object.keys(tree.files)).toEqual(FILES.map((f) => f.path).sort());
    expect(tree.files["data/big/part-0.bin"]).toMatchObject({
      size: 70_000,
      lfs_sha256: sha256(FILES[4]!.content),
      lfs_size: 70_000,
    });
  });

  it("uses the cached listing and cached files the second time: no tree request, no download", async () => {
    await snapshotDownload(hub(), { repo: "datasets/acme/reviews" });
    seen.length = 0;
    const again = await snapshotDownload(hub(), { repo: "datasets/acme/reviews" });
    expect(again.files.every((f) => f.fromCache)).toBe(true);
    expect(seen.map((r) => r.url.pathname)).toEqual(["/api/datasets/acme/reviews/revision/main"]);
  });

  it("resumes a partial download left in blobs/ by a killed process, and replaces a stale link", async () => {
    // blobs/ is listed once per snapshot (not once per file): the leftover is still found.
    const blobs = join(storage(), "blobs");
    const big = FILES[5]!.content;
    await mkdir(blobs, { recursive: true });
    await writeFile(join(blobs, `${sha256(big)}.0badc0de.incomplete`), big.subarray(0, 40_000));
    // A link left pointing at a blob that is gone: replaced, not kept.
    const readme = join(storage(), "snapshots", COMMIT, "README.md");
    await mkdir(join(storage(), "snapshots", COMMIT), { recursive: true });
    await symlink("../../blobs/0000000000000000000000000000000000000000", readme);
    const { files } = await snapshotDownload(hub(), { repo: "datasets/acme/reviews", revision: COMMIT });
    expect(files.map((f) => f.path)).toEqual(FILES.map((f) => f.path).sort());
    const ranges = seen
      .filter((r) => r.url.origin === STORAGE && r.url.pathname.includes(sha256(big)))
      .map((r) => r.headers.get("range"));
    expect(ranges).toEqual(["bytes=40000-"]);
    for (const file of FILES) {
      const onDisk = await readFile(join(storage(), "snapshots", COMMIT, ...file.path.split("/")));
      expect(sha256(onDisk)).toBe(sha256(file.content));
    }
    expect(await readlink(readme)).toBe(`../../blobs/${gitBlobId(FILES[1]!.content)}`);
    expect((await readdir(blobs)).filter((name) => name.endsWith(".incomplete"))).toEqual([]);
    expect(existsSync(join(cacheDir, "CACHEDIR.TAG"))).toBe(true);
  });

  it("runs at most `concurrency` downloads at once, on an overridable queue", async () => {
    let inFlight = 0;
    let peak = 0;
    server.use(
      http.get(`${HUB}/datasets/acme/reviews/resolve/*`, async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await delay(15);
        inFlight--;
        return undefined; // fall through to the fake hub
      }),
    );
    await snapshotDownload(hub(), {
      repo: "datasets/acme/reviews",
      downloadQueue: new PQueue({ concurrency: 2 }),
    });
    expect(peak).toBe(2);
  });

  it("serves a complete snapshot offline and names a file missing from a partial one", async () => {
    await snapshotDownload(hub(), { repo: "datasets/acme/reviews" });
    seen.length = 0;
    const offline = await snapshotDownload(hub({ HF_HUB_OFFLINE: "1" }), {
      repo: "datasets/acme/reviews",
      include: "data/*",
    });
    expect(offline).toMatchObject({ path: join(storage(), "snapshots", COMMIT), commit: COMMIT });
    expect(offline.files.map((f) => f.path).sort()).toEqual([
      "data/big/part-0.bin",
      "data/big/part-1.bin",
      "data/test.csv",
      "data/train.csv",
    ]);
    expect(seen).toHaveLength(0);

    await unlink(join(storage(), "snapshots", COMMIT, "data", "test.csv"));
    const error = await rejection<LocalEntryNotFoundError>(
      snapshotDownload(hub({ HF_HUB_OFFLINE: "1" }), { repo: "datasets/acme/reviews" }),
    );
    expect(LocalEntryNotFoundError.isInstance(error)).toBe(true);
    expect(error.path).toBe("data/test.csv");
  });

  it("fails offline, naming the revision, when nothing was downloaded", async () => {
    const error = await rejection(
      snapshotDownload(hub({ HF_HUB_OFFLINE: "1" }), { repo: "datasets/acme/reviews", revision: "v1" }),
    );
    expect(error.message).toMatch(/A snapshot of datasets\/acme\/reviews at revision "v1" is not in/);
  });

  it("writes real files and Python's metadata into a local dir", async () => {
    const localDir = join(cacheDir, "out");
    const result = await snapshotDownload(hub(), {
      repo: "datasets/acme/reviews",
      localDir,
      include: "*.csv",
    });
    expect(result.path).toBe(localDir);
    expect((await readdir(join(localDir, "data"))).sort()).toEqual(["test.csv", "train.csv"]);
    expect(await readFile(join(localDir, "data", "train.csv"), "utf8")).toBe("a,b\n1,2\n");
    const metadata = await readFile(
      join(localDir, ".cache", "huggingface", "download", "data", "train.csv.metadata"),
      "utf8",
    );
    expect(metadata.split("\n").slice(0, 2)).toEqual([COMMIT, gitBlobId(FILES[2]!.content)]);
    expect(await readdir(join(localDir, ".cache", "huggingface", "trees"))).toEqual([`${COMMIT}.json`]);
    await expect(readdir(storage())).rejects.toThrow(); // the hub cache is left alone
  });

  it("stops everything and reports the first failure", async () => {
    server.use(
      http.get(
        `${STORAGE}/lfs/${sha256(FILES[5]!.content)}`,
        corruptBody(emulatorHub.emulator, new Uint8Array(90_000).fill(5)),
      ),
    );
    const error = await rejection(snapshotDownload(hub(), { repo: "datasets/acme/reviews" }));
    expect(error.message).toMatch(/data\/big\/part-1\.bin.*SHA-256/);
  });

  it("does not fall back to the cache for a revision that does not exist", async () => {
    expect(
      (await rejection(snapshotDownload(hub(), { repo: "datasets/acme/reviews", revision: "nope" }))).code,
    ).toBe("REVISION_NOT_FOUND");
  });

  it("stops every download on break and resolves only once their temporary files and handles are gone", async () => {
    let stalled = 0;
    for (const file of [FILES[4]!, FILES[5]!]) {
      server.use(
        http.get(
          `${STORAGE}/lfs/${sha256(file.content)}`,
          stalledBody(emulatorHub.emulator, 1000, () => stalled++),
        ),
      );
    }
    const run = snapshotDownloadIter(hub(), { repo: "datasets/acme/reviews", include: "data/big/*" });
    const started = new Set<string>();
    for await (const event of run) {
      if (event.type === "file-download-progress") started.add(event.path);
      if (started.size < 2) continue;
      // Both transfers are in the middle of their body, each with a temporary file open.
      while (stalled < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      break;
    }
    const blobs = join(storage(), "blobs");
    expect((await readdir(blobs)).filter((name) => name.endsWith(".incomplete"))).toEqual([]);
    expect(await readdir(join(cacheDir, ".locks", "datasets--acme--reviews"))).toEqual([]);
    if (existsSync("/proc/self/fd")) {
      // No file descriptor of this process points into the cache any more.
      const root = await realpath(cacheDir);
      const open = await Promise.all(
        (await readdir("/proc/self/fd")).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => "")),
      );
      expect(open.filter((target) => target.startsWith(root))).toEqual([]);
    }
  });

  it("coalesces a file's progress under a slow consumer, and publishes every event on its channel", async () => {
    const published: SnapshotDownloadEvent[] = [];
    const onEvent = (message: unknown) => published.push((message as { event: SnapshotDownloadEvent }).event);
    subscribe(REPO_CHANNELS.download, onEvent);
    for (const file of [FILES[4]!, FILES[5]!]) {
      server.use(
        http.get(`${STORAGE}/lfs/${sha256(file.content)}`, trickledBody(emulatorHub.emulator, 1000)),
      );
    }
    try {
      const seenByConsumer: SnapshotDownloadEvent[] = [];
      const run = snapshotDownloadIter(hub(), { repo: "datasets/acme/reviews", include: "data/big/*" });
      for (let step = await run.next(); !step.done; step = await run.next()) {
        seenByConsumer.push(step.value);
        await new Promise((resolve) => setTimeout(resolve, 30)); // a slow consumer
      }
      const progress = (events: SnapshotDownloadEvent[]) =>
        events.filter((e) => e.type === "file-download-progress");
      expect(progress(published).length).toBeGreaterThan(progress(seenByConsumer).length);
      // The consumer still sees where each file ended.
      for (const file of [FILES[4]!, FILES[5]!]) {
        expect(
          progress(seenByConsumer)
            .filter((e) => e.path === file.path)
            .at(-1),
        ).toMatchObject({
          bytes: file.content.byteLength,
        });
      }
      expect(published.filter((e) => e.type === "file-downloaded")).toHaveLength(2);
    } finally {
      unsubscribe(REPO_CHANNELS.download, onEvent);
    }
  });
});
