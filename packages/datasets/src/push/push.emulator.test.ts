import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commit } from "@hfkit/commit";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient, HTTP_CHANNELS, type HubClient, type RequestStartEvent } from "@hfkit/http";
import { listCommits } from "@hfkit/refs";
import { createRepo, downloadFile } from "@hfkit/repo";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { Row } from "../encode/batch.js";
import { commitDatasetPush } from "./commit-push.js";
import { loadDataset } from "./load-dataset.js";
import { MAX_SHARDS_ON_DISK, prepareDatasetPush } from "./prepare-push.js";
import { pushDataset, pushDatasetIter } from "./push-dataset.js";
import type { PushProgressEvent } from "./types.js";

/** While a test records them (`requestsOf` with `threads`): the writer threads' starts and stops. */
const threadEvents: { into?: string[] } = {};
vi.mock("node:worker_threads", async (original) => {
  const real = await original<typeof import("node:worker_threads")>();
  class Recorded extends real.Worker {
    constructor(source: string | URL, options?: import("node:worker_threads").WorkerOptions) {
      super(source, options);
      const into = threadEvents.into;
      into?.push("thread started");
      this.once("exit", () => into?.push("thread exited"));
    }
    override terminate(): Promise<number> {
      threadEvents.into?.push("thread stopped");
      return super.terminate();
    }
  }
  return { ...real, Worker: Recorded };
});

// Flows the golden captures do not show, over loopback HTTP against the emulator: the two
// halves run apart and committed once, a commit refused because the branch moved, and a card
// edited by hand that survives a push.
let server: EmulatorServer;
let hub: HubClient;
let work: string;

beforeAll(async () => {
  server = await startEmulatorServer({
    port: 0,
    users: [
      { token: "hf_push_test", user: "local", role: "write" },
      { token: "hf_read_only", user: "local", role: "read" },
    ],
  });
  hub = createHubClient({ endpoint: server.url, token: "hf_push_test", env: {} });
  work = await mkdtemp(join(tmpdir(), "hfkit-push-emulator-"));
});
afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

const rows = (n: number, from: number) =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, text: `t${from + i}` }));

async function readBack(repo: string, split: string, config?: string): Promise<Row[]> {
  const out: Row[] = [];
  for await (const row of loadDataset(hub, {
    repo,
    split,
    cacheDir: join(work, "cache"),
    ...(config ? { config } : {}),
  }))
    out.push(row);
  return out;
}

async function titles(repo: string): Promise<string[]> {
  const out: string[] = [];
  for await (const c of listCommits(hub, { repo })) out.push(c.title);
  return out;
}

describe("pushes against the emulator", () => {
  test("splits prepared apart (as on workers) are committed once, with one card", async () => {
    const repo = "datasets/local/halves";
    await createRepo(hub, { repo });
    const [train, validation] = await Promise.all([
      prepareDatasetPush({ data: rows(30, 0), split: "train", numShards: 2, tempDir: work }),
      prepareDatasetPush({ data: rows(5, 100), split: "validation", tempDir: work }),
    ]);
    const merged = {
      ...train,
      splits: [...train.splits, ...validation.splits],
      additions: [...train.additions, ...validation.additions],
    };
    const result = await commitDatasetPush(hub, merged, { repo, commitMessage: "Two workers" });
    expect(result.operations.map((o) => o.path)).toEqual([
      "data/train-00000-of-00002.parquet",
      "data/train-00001-of-00002.parquet",
      "data/validation-00000-of-00001.parquet",
      "README.md",
    ]);
    expect(await titles(repo)).toEqual(["Two workers", "initial commit"]);
    expect(await readBack(repo, "train")).toEqual(rows(30, 0));
    expect(await readBack(repo, "validation")).toEqual(rows(5, 100));
    await Promise.all([rm(train.folder, { recursive: true }), rm(validation.folder, { recursive: true })]);
  });

  test("each shard is uploaded as soon as it is written: few shards on disk at once, and the commit sends no shard bytes", async () => {
    const repo = "datasets/local/bounded";
    const temp = await mkdtemp(join(work, "spill-"));
    // The push removes its folder when done: a scan racing that removal (ENOENT) is made again.
    const onDisk = async (): Promise<number> => {
      for (;;) {
        try {
          return (await readdir(temp, { recursive: true })).filter((f) => String(f).endsWith(".parquet"))
            .length;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        }
      }
    };
    server.emulator.clearRequestLog();
    const events: PushProgressEvent[] = [];
    let peak = 0;
    const run = pushDatasetIter(hub, { repo, data: rows(2400, 0), numShards: 24, tempDir: temp });
    let step = await run.next();
    while (!step.done) {
      events.push(step.value);
      peak = Math.max(peak, await onDisk());
      step = await run.next();
    }
    expect(step.value.splits[0]!.files).toHaveLength(24);
    expect(peak).toBeGreaterThanOrEqual(1);
    expect(peak).toBeLessThanOrEqual(MAX_SHARDS_ON_DISK);
    expect(await onDisk()).toBe(0);
    // Uploads overlap the writing: the first shard is on the Hub before the last one is written.
    const kinds = events.map((e) =>
      e.type === "shard-uploaded" || e.type === "shard-written" ? e.type : "",
    );
    expect(events.filter((e) => e.type === "shard-uploaded")).toHaveLength(24);
    expect(kinds.indexOf("shard-uploaded")).toBeLessThan(kinds.lastIndexOf("shard-written"));
    // Every byte went to storage before the commit; the commit itself carries pointers only.
    const log = server.emulator.requestLog.map((r) => ({
      storage: new URL(r.url).origin === server.storageUrl,
      commit: r.method === "POST" && new URL(r.url).pathname.endsWith("/commit/main"),
      bytes: r.bodyBytes,
    }));
    const firstCommit = log.findIndex((r) => r.commit);
    expect(log.filter((r) => r.storage).length).toBeGreaterThanOrEqual(1);
    expect(log.slice(firstCommit).filter((r) => r.storage)).toEqual([]);
    const shardBytes = step.value.splits[0]!.downloadSize;
    expect(log[firstCommit]!.bytes).toBeLessThan(shardBytes);
    expect(await readBack(repo, "train")).toEqual(rows(2400, 0));
  });

  test("a commit refused because the branch moved (412) is retried with the card read again", async () => {
    const repo = "datasets/local/moved";
    await pushDataset(hub, { repo, data: rows(3, 0) });
    server.emulator.faults.inject({
      method: "POST",
      path: "/api/datasets/local/moved/commit/main",
      status: 412,
    });
    const events: PushProgressEvent[] = [];
    const run = pushDatasetIter(hub, { repo, data: rows(4, 10), split: "test" });
    let step = await run.next();
    while (!step.done) {
      events.push(step.value);
      step = await run.next();
    }
    expect(events).toContainEqual({ type: "push-retry", attempt: 1, status: 412 });
    const readmeReads = server.emulator.requestLog.filter(
      (r) => r.url.endsWith("/README.md") && r.method === "GET",
    );
    expect(readmeReads.length).toBeGreaterThanOrEqual(2);
    expect(await readBack(repo, "test")).toEqual(rows(4, 10));
    expect(await readBack(repo, "train")).toEqual(rows(3, 0));
  });

  test("a card edited by hand keeps its prose, comments and keys; other features are refused before any upload", async () => {
    const repo = "datasets/local/edited";
    await pushDataset(hub, { repo, data: rows(3, 0) });
    const { bytes } = await downloadFile(hub, { repo, path: "README.md", to: "memory" });
    const pushed = new TextDecoder().decode(bytes);
    const edited =
      pushed.replace("---\n", "---\nlicense: cc-by-4.0 # ask legal first\n") +
      "\n# Reviews\n\nHand written.\n";
    await commit(hub, {
      repo,
      message: "Edit the card",
      operations: [{ type: "add", path: "README.md", content: edited }],
    });

    await pushDataset(hub, { repo, data: rows(2, 50), split: "test" });
    const after = new TextDecoder().decode(
      (await downloadFile(hub, { repo, path: "README.md", to: "memory" })).bytes,
    );
    expect(after.startsWith("---\nlicense: cc-by-4.0 # ask legal first\n")).toBe(true);
    expect(after.endsWith("---\n\n# Reviews\n\nHand written.\n")).toBe(true);
    expect(after).toContain(
      "  - split: train\n    path: data/train-*\n  - split: test\n    path: data/test-*\n",
    );

    server.emulator.clearRequestLog();
    const refused = pushDataset(hub, { repo, data: [{ other: true }], split: "validation" });
    await expect(refused).rejects.toThrow(
      /features: split "validation" has other features than the config "default"/,
    );
    expect(server.emulator.requestLog.filter((r) => r.method !== "GET" && r.method !== "HEAD")).toEqual([]);
    expect(await titles(repo)).toHaveLength(4);
  });

  test("a repo pushed before cards had configs gets its default config described first", async () => {
    const repo = "datasets/local/legacy";
    await createRepo(hub, { repo });
    const old = await prepareDatasetPush({ data: rows(3, 0), tempDir: work });
    await commit(hub, {
      repo,
      message: "Old push",
      operations: [...old.additions, { type: "add", path: "README.md", content: "---\nlicense: mit\n---\n" }],
    });
    await pushDataset(hub, { repo, data: rows(2, 9), config: "fr" });
    const card = new TextDecoder().decode(
      (await downloadFile(hub, { repo, path: "README.md", to: "memory" })).bytes,
    );
    expect(card).toMatch(
      /^---\nlicense: mit\nconfigs:\n- config_name: default\n {2}data_files:\n {2}- split: train\n {4}path: data\/train-\*\n- config_name: fr\n[\s\S]*\ndataset_info:\n {2}config_name: fr\n/,
    );
    expect(await readBack(repo, "train")).toEqual(rows(3, 0));
    expect(await readBack(repo, "train", "fr")).toEqual(rows(2, 9));
    await rm(old.folder, { recursive: true });
  });

  test("a read-only token is refused before any upload, naming the fix, and nothing is committed", async () => {
    const repo = "datasets/local/read-only";
    await pushDataset(hub, { repo, data: rows(2, 0) });
    const reader = createHubClient({ endpoint: server.url, token: "hf_read_only", env: {}, retry: false });
    server.emulator.clearRequestLog();
    const error = await pushDataset(reader, { repo, data: rows(3, 5) }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/token|write/i);
    expect(String(error).split("\n")).toHaveLength(1);
    const storage = server.emulator.requestLog.filter((r) => new URL(r.url).origin === server.storageUrl);
    expect(storage).toEqual([]);
    expect(await titles(repo)).toEqual(["Upload dataset", "initial commit"]);
  });

  test("the branch head is read while the input still is, and nothing but reads goes before its end", async () => {
    const repo = "datasets/local/early-head";
    await pushDataset(hub, { repo, data: rows(2, 0) });
    server.emulator.clearRequestLog();
    const headRead = () =>
      server.emulator.requestLog.some(
        (r) => r.method === "GET" && new URL(r.url).pathname.includes("/revision/"),
      );
    let readMeanwhile = false;
    let writes: unknown[] = ["not looked at"];
    async function* input() {
      yield* rows(3, 10);
      // the rest of the input waits (up to 5 s) for the push's read of the branch head
      for (let i = 0; i < 250 && !headRead(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      readMeanwhile = headRead();
      writes = server.emulator.requestLog.filter((r) => r.method !== "GET" && r.method !== "HEAD");
      yield* rows(3, 13);
    }
    await pushDataset(hub, { repo, data: input(), split: "test" });
    expect(readMeanwhile).toBe(true);
    expect(writes).toEqual([]);
    expect(await readBack(repo, "test")).toEqual(rows(6, 10));
    expect(await readBack(repo, "train")).toEqual(rows(2, 0));
  });

  test("a bad line in a later split fails before any upload, naming file, line and column, and nothing is committed", async () => {
    const repo = "datasets/local/bad-later-split";
    await pushDataset(hub, { repo, data: rows(2, 0) });
    const lines = (n: number, from: number) => rows(n, from).map((r) => `${JSON.stringify(r)}\n`);
    const train = join(work, "bad-split-train.jsonl");
    const test = join(work, "bad-split-test.jsonl");
    await writeFile(train, lines(40, 0).join(""));
    // the later (and larger) split: two shards' worth of good rows, then a value the schema refuses
    await writeFile(test, [...lines(600, 100), '{"id": "seven", "text": "t"}\n'].join(""));
    server.emulator.clearRequestLog();
    const error = await pushDataset(hub, {
      repo,
      splits: { train, test },
      numShards: { train: 2, test: 3 },
      tempDir: work,
    }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/bad-split-test\.jsonl.*line 601.*id/);
    expect(String(error).split("\n")).toHaveLength(1);
    // no upload (LFS batch, storage PUT, preupload), no commit: only reads, if any
    expect(server.emulator.requestLog.filter((r) => r.method !== "GET" && r.method !== "HEAD")).toEqual([]);
    expect(server.emulator.requestLog.filter((r) => new URL(r.url).origin === server.storageUrl)).toEqual([]);
    expect(await titles(repo)).toEqual(["Upload dataset", "initial commit"]);
    // the temporary shards are gone
    expect((await readdir(work)).filter((name) => name.startsWith("hfkit-push-"))).toEqual([]);
  });

  test("several splits from files are pushed in the given order whatever their sizes", async () => {
    const repo = "datasets/local/ordered-splits";
    const big = join(work, "ordered-big.jsonl");
    const small = join(work, "ordered-small.jsonl");
    await writeFile(
      big,
      rows(50, 0)
        .map((r) => `${JSON.stringify(r)}\n`)
        .join(""),
    );
    await writeFile(
      small,
      rows(3, 900)
        .map((r) => `${JSON.stringify(r)}\n`)
        .join(""),
    );
    const result = await pushDataset(hub, { repo, splits: { train: big, test: small }, tempDir: work });
    expect(result.operations.map((o) => o.path)).toEqual([
      "data/train-00000-of-00001.parquet",
      "data/test-00000-of-00001.parquet",
      "README.md",
    ]);
    expect(await readBack(repo, "train")).toEqual(rows(50, 0));
    expect(await readBack(repo, "test")).toEqual(rows(3, 900));
  });

  test("createPr opens a pull request and leaves main as it was", async () => {
    const repo = "datasets/local/pr";
    await pushDataset(hub, { repo, data: rows(2, 0) });
    const result = await pushDataset(hub, { repo, data: rows(4, 20), split: "test", createPr: true });
    expect(result.pullRequestUrl).toMatch(/\/discussions\/1$/);
    expect(await titles(repo)).toEqual(["Upload dataset", "initial commit"]);
    const pr: Row[] = [];
    for await (const row of loadDataset(hub, {
      repo,
      split: "test",
      revision: "refs/pr/1",
      cacheDir: join(work, "cache"),
    }))
      pr.push(row);
    expect(pr).toEqual(rows(4, 20));
  });
});

/** "METHOD path" of each request the push starts (with `threads`, the writer threads' starts and stops among them). */
async function requestsOf(push: () => Promise<unknown>, { threads = false } = {}): Promise<string[]> {
  const seen: string[] = [];
  const listener = (message: unknown) => {
    const { method, url } = message as RequestStartEvent;
    seen.push(`${method} ${new URL(url).pathname}`);
  };
  subscribe(HTTP_CHANNELS.start, listener);
  if (threads) threadEvents.into = seen;
  try {
    await push();
  } finally {
    unsubscribe(HTTP_CHANNELS.start, listener);
    threadEvents.into = undefined;
  }
  return seen;
}

/** "METHOD path" of each request the push starts, up to its first preupload. */
async function requestsBeforeUpload(push: () => Promise<unknown>): Promise<string[]> {
  const seen = await requestsOf(push);
  const first = seen.findIndex((r) => r.includes("/preupload/"));
  expect(first).toBeGreaterThan(0);
  return seen.slice(0, first);
}

/** Two splits pushed to local/checks, what was requested before the first upload. */
const pushTwoSplits = (n: number) =>
  requestsBeforeUpload(() =>
    pushDataset(hub, {
      repo: "datasets/local/checks",
      splits: { train: rows(n, 0), test: rows(5, n) },
      tempDir: work,
    }),
  );

// The requests before the first upload are on a small push's critical path (on the Hub, a round
// trip each). The card check reads the branch head once for every split, and that read also
// says whether the repo exists: the repo is not looked up a second time.
describe("the repo checks before a push's first upload", () => {
  test("a new repo: the branch head is read once, then the repo is created without another lookup", async () => {
    const before = await pushTwoSplits(20);
    expect(before.slice(0, 2)).toEqual([
      "GET /api/datasets/local/checks/revision/main",
      "POST /api/repos/create",
    ]);
    // then only the new repo's head, read for the final commit while the shards upload
    expect(before.slice(2).every((r) => r.startsWith("GET ") || r.startsWith("HEAD "))).toBe(true);
  });

  test("a new repo: its head is read for the final commit as soon as it is created, not after the uploads", async () => {
    const head = "GET /api/datasets/local/new-head/revision/main";
    const seen = await requestsOf(() =>
      pushDataset(hub, { repo: "datasets/local/new-head", data: rows(20, 0), tempDir: work }),
    );
    const created = seen.indexOf("POST /api/repos/create");
    expect(created).toBe(1);
    expect(seen[2]).toBe(head);
    // read twice in all (before and after the creation), the card once, and one commit
    expect(seen.filter((r) => r === head)).toHaveLength(2);
    expect(seen.filter((r) => r.endsWith("/README.md"))).toHaveLength(1);
    expect(seen.filter((r) => r.endsWith("/commit/main"))).toHaveLength(1);
    expect(await readBack("datasets/local/new-head", "train")).toEqual(rows(20, 0));
  });

  test("an existing repo: the branch head read with the input is the final commit's, not read again", async () => {
    await pushDataset(hub, { repo: "datasets/local/head-once", data: rows(10, 0), tempDir: work });
    const seen = await requestsOf(async () => {
      const result = await pushDataset(hub, {
        repo: "datasets/local/head-once",
        data: rows(12, 0),
        tempDir: work,
      });
      expect(result.created).toBe(true);
    });
    expect(seen.filter((r) => r === "GET /api/datasets/local/head-once/revision/main")).toHaveLength(1);
    expect(seen.filter((r) => r.startsWith("GET ") && r.endsWith("/README.md"))).toHaveLength(1);
    expect(seen.filter((r) => r.includes("/tree/"))).toHaveLength(1);
    expect(seen.filter((r) => r.endsWith("/commit/main"))).toHaveLength(1);
    expect(await readBack("datasets/local/head-once", "train")).toEqual(rows(12, 0));
  });

  test("an existing repo: the branch head and card are read once, and the repo is not looked up again", async () => {
    const before = await pushTwoSplits(30);
    expect(before.filter((r) => r.endsWith("/revision/main"))).toHaveLength(1);
    expect(before).not.toContain("GET /api/datasets/local/checks");
    expect(before).not.toContain("POST /api/repos/create");
  });
});

// A push's Parquet writer thread starts before anything else (its start-up, ~0.1 s of a core in
// a cold process, runs while the push's first request is made and the first rows are read), one
// thread writes every split, and it stops once the shards are uploaded, while the final commit
// is made (stopped as the last shard's upload began, it took the main thread's time that the
// upload's requests wait on).
describe("a push's writer thread", () => {
  test("starts before the first request, writes every split, and stops while the final commit is made", async () => {
    const seen = await requestsOf(
      async () => {
        await pushDataset(hub, {
          repo: "datasets/local/writer-thread",
          splits: { train: rows(40, 0), test: rows(5, 40) },
          tempDir: work,
        });
        threadEvents.into?.push("push returned");
      },
      { threads: true },
    );
    expect(seen[0]).toBe("thread started");
    expect(seen[1]).toBe("GET /api/datasets/local/writer-thread/revision/main");
    expect(seen.filter((e) => e === "thread started")).toHaveLength(1);
    const stopped = seen.indexOf("thread stopped");
    // after every request of the shards' uploads (LFS batch, Xet or LFS transfer), before the commit
    const lastUpload = seen.findLastIndex((e) => /lfs\/objects\/batch|\/v1\/|\/lfs\//.test(e));
    expect(lastUpload).toBeGreaterThan(0);
    expect(stopped).toBeGreaterThan(lastUpload);
    expect(stopped).toBeLessThan(seen.indexOf("POST /api/datasets/local/writer-thread/commit/main"));
    expect(seen.indexOf("thread exited")).toBeLessThan(seen.indexOf("push returned"));
  });
});
