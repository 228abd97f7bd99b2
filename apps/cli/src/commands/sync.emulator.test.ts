import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, readdir, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { commit } from "@hfkit/commit";
import { startEmulatorServer } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { useEmulatorServer } from "@hfkit/testing/emulator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../main.js";
import { validateSync } from "../sync/validate.js";
import { capture as captureIO } from "../test-utils.js";

// `hfkit sync` against the emulator over loopback: request files applied twice, a process
// killed mid-apply then resumed, bad requests refused before any download, a revision that
// moves. turbo builds the CLI before its tests, so the real binary is there for the child.
const BIN = join(import.meta.dirname, "..", "..", "bin", "hfkit.js");
const TOKEN = "hf_cli_sync_token";
let repos = 0;
const children: ChildProcess[] = [];

const CARD = `---
configs:
- config_name: en
  data_files:
  - split: train
    path: en/train-*.csv
  - split: test
    path: en/test-*.csv
- config_name: fr
  data_files:
  - split: train
    path: fr/train-*.csv
---
# Reviews
`;

const fixture = useEmulatorServer({
  // Xet off: downloads go through the plain resolve route, whose requests the log names by path.
  start: () => startEmulatorServer({ port: 0, xet: false }),
  client: (url) => createHubClient({ endpoint: url, token: TOKEN }),
  tempDir: "hfkit-sync-",
  tempDirPer: "test",
});
beforeEach(() => {
  fixture.server.emulator.faults.clear();
});
// Before the fixture removes the folder (vitest runs `after` hooks in reverse order).
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** A dataset repo with two configs (en: train and test, fr: train) and some other files. */
async function datasetRepo(files: Record<string, string> = {}): Promise<string> {
  const name = `local/reviews-${++repos}`;
  const res = await fetch(`${fixture.server.url}/api/repos/create`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: name.split("/")[1], type: "dataset" }),
  });
  expect(res.status).toBe(200);
  const content: Record<string, string> = {
    "README.md": CARD,
    "en/train-0.csv": "text,label\ngreat,1\n",
    "en/train-1.csv": "text,label\nbad,0\n",
    "en/test-0.csv": "text,label\nfine,1\n",
    "fr/train-0.csv": "text,label\nsuper,1\n",
    "notes.txt": "not data\n",
    ...files,
  };
  await commit(fixture.hub, {
    repo: `datasets/${name}`,
    message: "data",
    operations: Object.entries(content).map(([path, text]) => ({
      type: "add" as const,
      path,
      content: text,
    })),
  });
  return name;
}

async function headCommit(name: string): Promise<string> {
  const res = await fetch(`${fixture.server.url}/api/datasets/${name}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return ((await res.json()) as { sha: string }).sha;
}

const env = () => ({ HF_ENDPOINT: fixture.server.url, HF_TOKEN: TOKEN, HF_HOME: join(fixture.dir, "home") });

async function run(argv: string[]) {
  const io = captureIO(env());
  const code = await main(argv, io.io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** The files each download fetched from the Hub: paths of GET …/resolve/<commit>/<path>. */
const downloads = () =>
  fixture.server.emulator.requestLog
    .filter((r) => r.method === "GET" && /\/resolve\//.test(new URL(r.url).pathname))
    .map((r) => decodeURIComponent(new URL(r.url).pathname.replace(/^.*\/resolve\/[^/]+\//, "")));

async function write(path: string, text: string) {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, text);
}

async function walk(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

interface Active {
  datasets: {
    folder: string;
    commit: string;
    files: { path: string; size: number }[];
    materialized: string;
  }[];
}
const readActive = async (storage: string) =>
  JSON.parse(await readFile(join(storage, ".hfkit-sync", "active.json"), "utf8")) as Active;

/** Every manifest names exactly the files of its folder, at their sizes. */
async function expectManifestsMatchDisk(storage: string) {
  const active = await readActive(storage);
  const top = (await readdir(storage)).filter((n) => n !== ".hfkit-sync").sort();
  expect(top).toEqual(active.datasets.map((d) => d.folder).sort());
  for (const dataset of active.datasets) {
    const folder = join(storage, dataset.folder);
    expect(await walk(folder)).toEqual(dataset.files.map((f) => f.path).sort());
    for (const file of dataset.files) expect((await stat(join(folder, file.path))).size).toBe(file.size);
  }
}

describe("hfkit sync", () => {
  it("applies a folder of add and remove requests; a second run downloads nothing", async () => {
    const reviews = await datasetRepo();
    const other = await datasetRepo();
    const requests = join(fixture.dir, "requests");
    const storage = join(fixture.dir, "storage");
    await write(
      join(requests, "add", "reviews.yaml"),
      `hf_id: ${reviews}\ndescription: English reviews for the classifier\nsubset: en\nsplit: train\n`,
    );
    await write(
      join(requests, "add", "other.yaml"),
      `hf_id: ${other}\ndescription: everything\nexclude: "*.txt"\n`,
    );
    const before = await walk(fixture.dir);

    fixture.server.emulator.clearRequestLog();
    const first = await run([
      "sync",
      "apply",
      requests,
      "--storage",
      storage,
      "--results",
      join(storage, "..", "results.json"),
    ]);
    expect(first.stderr).toMatch(
      /^\[1\/2\] .* file\(s\), [\d.]+ [kMG]?B\n {2}done: \d+ downloaded, \d+ from the cache\n\[2\/2\] /,
    );
    expect(first.code).toBe(0);
    const sha = await headCommit(reviews);
    const folder = `${reviews.replace("/", "__")}__rev_${sha}__subset_en__split_train`;
    expect(first.stdout).toContain(`added ${folder}`);
    // Only the requested subset and split, with the card.
    expect(await walk(join(storage, folder))).toEqual(["README.md", "en/train-0.csv", "en/train-1.csv"]);
    expect(await readFile(join(storage, folder, "en", "train-1.csv"), "utf8")).toBe("text,label\nbad,0\n");
    expect(downloads().sort()).toEqual(
      [
        ".gitattributes",
        "README.md",
        "README.md",
        "README.md",
        "en/test-0.csv",
        "en/train-0.csv",
        "en/train-0.csv",
        "en/train-1.csv",
        "en/train-1.csv",
        "fr/train-0.csv",
      ].sort(),
    );
    // Hard links to the cache's blobs: the bytes are on disk once.
    const cached = join(
      fixture.dir,
      "home",
      "hub",
      `datasets--${reviews.replace("/", "--")}`,
      "snapshots",
      sha,
      "en",
      "train-0.csv",
    );
    expect((await stat(join(storage, folder, "en", "train-0.csv"))).ino).toBe(
      (await stat(await realpath(cached))).ino,
    );
    await expectManifestsMatchDisk(storage);
    const results = JSON.parse(await readFile(join(fixture.dir, "results.json"), "utf8"));
    expect(results).toMatchObject({ ok: true, skipped: [], removed: [], failed: [] });
    expect(results.added.map((a: { folder: string }) => a.folder).sort()).toEqual(
      [folder, `${other.replace("/", "__")}__rev_${await headCommit(other)}`].sort(),
    );

    // Second run: nothing fetched, everything skipped.
    fixture.server.emulator.clearRequestLog();
    const second = await run(["sync", "apply", requests, "--storage", storage, "--format", "json"]);
    expect(second.code).toBe(0);
    expect(downloads().filter((p) => p !== "README.md")).toEqual([]);
    const summary = JSON.parse(second.stdout);
    expect(summary.added).toEqual([]);
    expect(summary.skipped).toHaveLength(2);

    // The other dataset is removed, with a reason: archived, out of the active set, kept on disk.
    await rm(join(requests, "add", "other.yaml"));
    await write(
      join(requests, "remove", "other.yaml"),
      `hf_id: ${other}\nreason: superseded by the reviews\n`,
    );
    fixture.server.emulator.clearRequestLog();
    const third = await run(["sync", "apply", requests, "--storage", storage]);
    expect(third.code).toBe(0);
    expect(downloads().filter((p) => p !== "README.md")).toEqual([]);
    const otherFolder = `${other.replace("/", "__")}__rev_${await headCommit(other)}`;
    expect(third.stdout).toContain(`archived ${otherFolder}: removed: superseded by the reviews (`);
    expect(await walk(join(storage, ".hfkit-sync", "archive", otherFolder))).toContain("README.md");
    await expectManifestsMatchDisk(storage);
    const history = JSON.parse(await readFile(join(storage, ".hfkit-sync", "archived.json"), "utf8")).history;
    expect(history.map((h: { event: string }) => h.event)).toEqual(["added", "added", "archived"]);
    const audit = (await readFile(join(storage, ".hfkit-sync", "audit.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(audit.filter((a) => a.op === "apply-finished")).toHaveLength(3);

    // --prune deletes the archive.
    const pruned = await run(["sync", "apply", requests, "--storage", storage, "--prune"]);
    expect(pruned.code).toBe(0);
    expect(await walk(join(storage, ".hfkit-sync", "archive"))).toEqual([]);

    const status = await run(["sync", "status", "--storage", storage, "--format", "json"]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).active).toMatchObject([{ folder, complete: true, missing: [] }]);

    // Nothing written outside the storage and the cache (HF_HOME/hub).
    const after = (await walk(fixture.dir)).filter((p) => !before.includes(p));
    expect(
      after.filter(
        (p) =>
          !p.startsWith("requests/") &&
          !p.startsWith("storage/") &&
          !p.startsWith("home/hub/") &&
          p !== "results.json",
      ),
    ).toEqual([]);
  });

  it("validate reports a missing split, a duplicate and a request over quota with file and line; apply downloads nothing", async () => {
    const reviews = await datasetRepo();
    const file = join(fixture.dir, "datasets.yaml");
    await writeFile(
      file,
      [
        "add:", // 1
        `  - hf_id: ${reviews}`, // 2
        "    description: English train", // 3
        "    subset: en", // 4
        "    split: train", // 5
        `  - hf_id: ${reviews}`, // 6
        "    description: a split that is not there", // 7
        "    subset: en", // 8
        "    split: validation", // 9
        `  - hf_id: ${reviews}`, // 10
        "    description: the same again", // 11
        "    subset: en", // 12
        "    split: train", // 13
        `  - hf_id: ${reviews}`, // 14
        "    description: French, too much for the quota", // 15
        "    subset: fr", // 16
        "",
      ].join("\n"),
    );
    const storage = join(fixture.dir, "storage");
    fixture.server.emulator.clearRequestLog();
    const validate = await run(["sync", "validate", file, "--max-storage", "400B", "--storage", storage]);
    expect(validate.code).toBe(1);
    const lines = validate.stdout.split("\n");
    expect(lines[0]).toBe(
      `${file}:9:12 split: "validation" is not a split of ${reviews} subset en; it has train, test`,
    );
    expect(lines[1]).toBe(
      `${file}:10:5 hf_id: duplicate request: ${reviews} subset en split train at main is already requested at ${file}:2; remove one of them`,
    );
    expect(lines[2]).toMatch(
      new RegExp(`^${file}:14:5 hf_id: over quota: .* more than --max-storage 400 B$`),
    );
    expect(lines.slice(3)).toEqual(["3 problem(s)", ""]);
    expect(validate.stderr).toBe("error: 3 problem(s) in the requests\n");

    const apply = await run([
      "sync",
      "apply",
      file,
      "--max-storage",
      "400B",
      "--storage",
      storage,
      "--format",
      "json",
    ]);
    expect(apply.code).toBe(1);
    expect(
      JSON.parse(apply.stdout).problems.map((p: { line: number; field: string }) => [p.line, p.field]),
    ).toEqual([
      [9, "split"],
      [10, "hf_id"],
      [14, "hf_id"],
    ]);
    // Every request failed, each with its own problems or because of the others'.
    expect(
      JSON.parse(apply.stdout).failed.map((f: { requestLine: number; reason: string }) => [
        f.requestLine,
        f.reason.split(":")[0],
      ]),
    ).toEqual([
      [2, "not applied"],
      [6, "split"],
      [10, "hf_id"],
      [14, "hf_id"],
    ]);
    // Only cards were read (into memory), to find the splits: no data file, nothing in storage but the audit log.
    expect(new Set(downloads())).toEqual(new Set(["README.md"]));
    expect(await walk(storage)).toEqual([".hfkit-sync/audit.jsonl"]);
    expect(await walk(join(fixture.dir, "home"))).toEqual([]);
  });

  it("validate refuses what would not fit on the storage's disk, naming the request that crosses it", async () => {
    const reviews = await datasetRepo();
    const file = join(fixture.dir, "requests.yaml");
    await writeFile(
      file,
      `add:\n  - hf_id: ${reviews}\n    description: a\n    subset: en\n    split: train\n  - hf_id: ${reviews}\n    description: b\n    subset: fr\n`,
    );
    const result = await validateSync(fixture.hub, {
      path: file,
      storage: join(fixture.dir, "storage"),
      freeBytes: 300,
    });
    expect(result.resolved.map((r) => r.bytes)).toEqual([251, 234]);
    expect(result.problems).toEqual([
      {
        file,
        line: 6,
        column: 5,
        field: "hf_id",
        message: `does not fit: ${reviews} (234 B) brings what is still to copy to 485 B, and the storage's disk has 300 B free`,
      },
    ]);
  });

  it("validate reports a repo that does not exist and a revision that does not resolve", async () => {
    const reviews = await datasetRepo();
    const file = join(fixture.dir, "requests.yaml");
    await writeFile(
      file,
      `add:\n  - hf_id: local/nowhere\n    description: a\n  - hf_id: ${reviews}\n    description: b\n    revision: v9\n`,
    );
    const result = await run(["sync", "validate", file, "--format", "json"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).problems).toEqual([
      {
        file,
        line: 2,
        column: 12,
        field: "hf_id",
        message:
          "datasets/local/nowhere does not exist, or is private and the token cannot read it (check the id and repo_type, or log in with a token that can)",
      },
      {
        file,
        line: 6,
        column: 15,
        field: "revision",
        message: `"v9" is not a branch, tag or commit of datasets/${reviews}`,
      },
    ]);
  });

  it("reports bad request files with file, line and field, before asking the Hub", async () => {
    const file = join(fixture.dir, "bad.yaml");
    await writeFile(
      file,
      "add:\n  - hf_id: acme/x\n    splits: train\n  - description: no id\n    revision: a..b\nremove:\n  - hf_id: acme/y\n",
    );
    fixture.server.emulator.clearRequestLog();
    const result = await run(["sync", "validate", file]);
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n").slice(0, 5)).toEqual([
      `${file}:2:5 add[0].description: is required`,
      `${file}:3:5 add[0].splits: is not a field of add requests (they have hf_id, description, repo_type, revision, subset, split, include, exclude)`,
      `${file}:4:5 add[1].hf_id: is required`,
      `${file}:5:15 add[1].revision: contains '..', which no branch, tag or commit can`,
      `${file}:7:5 remove[0].reason: is required`,
    ]);
    expect(fixture.server.emulator.requestLog).toEqual([]);
  });

  it("refuses a --storage that is a file (exit 2), before asking the Hub", async () => {
    const file = join(fixture.dir, "storage-is-a-file");
    await writeFile(file, "");
    await writeFile(join(fixture.dir, "one.yaml"), "add: []\n");
    fixture.server.emulator.clearRequestLog();
    for (const argv of [
      ["sync", "validate", join(fixture.dir, "one.yaml"), "--storage", file],
      ["sync", "apply", join(fixture.dir, "one.yaml"), "--storage", file],
      ["sync", "status", "--storage", file],
    ]) {
      expect(await run(argv)).toMatchObject({
        code: 2,
        stdout: "",
        stderr: `error: --storage: ${file} is a file; give a folder.\n`,
      });
    }
    expect(fixture.server.emulator.requestLog).toEqual([]);
  });

  it("pins a revision that moved on the Hub as a new copy and archives the old one", async () => {
    const reviews = await datasetRepo();
    const file = join(fixture.dir, "requests.yaml");
    await writeFile(file, `add:\n  - hf_id: ${reviews}\n    description: French\n    subset: fr\n`);
    const storage = join(fixture.dir, "storage");
    expect((await run(["sync", "apply", file, "--storage", storage])).code).toBe(0);
    const first = await headCommit(reviews);
    await commit(fixture.hub, {
      repo: `datasets/${reviews}`,
      message: "more French",
      operations: [{ type: "add", path: "fr/train-1.csv", content: "text,label\nbof,0\n" }],
    });
    const second = await headCommit(reviews);
    fixture.server.emulator.clearRequestLog();
    const moved = await run(["sync", "apply", file, "--storage", storage]);
    expect(moved.code).toBe(0);
    const base = reviews.replace("/", "__");
    expect(moved.stdout.replace(/\(\d+ B\)/, "(N B)")).toBe(
      `added ${base}__rev_${second}__subset_fr (N B)\narchived ${base}__rev_${first}__subset_fr: revision main moved from ${first.slice(0, 8)} to ${second.slice(0, 8)}\n`,
    );
    // The unchanged files came from the cache: only the new shard was fetched.
    expect(downloads().filter((p) => p !== "README.md")).toEqual(["fr/train-1.csv"]);
    expect(await walk(join(storage, `${base}__rev_${second}__subset_fr`))).toEqual([
      "README.md",
      "fr/train-0.csv",
      "fr/train-1.csv",
    ]);
    expect(await walk(join(storage, ".hfkit-sync", "archive", `${base}__rev_${first}__subset_fr`))).toEqual([
      "README.md",
      "fr/train-0.csv",
    ]);
    await expectManifestsMatchDisk(storage);
    expect((await readActive(storage)).datasets.map((d) => d.commit)).toEqual([second]);
  });

  it("--dry-run writes nothing; changed globs at the same commit make a new selection", async () => {
    const reviews = await datasetRepo();
    const file = join(fixture.dir, "requests.yaml");
    await writeFile(file, `add:\n  - hf_id: ${reviews}\n    description: all of en\n    subset: en\n`);
    const storage = join(fixture.dir, "storage");
    fixture.server.emulator.clearRequestLog();
    const dry = await run(["sync", "apply", file, "--storage", storage, "--dry-run", "--format", "json"]);
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan).toMatchObject({ ok: true, dryRun: true, skipped: [], removed: [], failed: [] });
    expect(plan.added).toMatchObject([{ hfId: reviews, files: 4, reason: "would download" }]);
    expect(downloads()).toEqual(["README.md"]); // the card, into memory, to find the subset
    expect(await walk(fixture.dir)).toEqual(["requests.yaml"]);

    expect((await run(["sync", "apply", file, "--storage", storage])).code).toBe(0);
    const folder = (await readActive(storage)).datasets[0]!.folder;
    expect(await walk(join(storage, folder))).toEqual([
      "README.md",
      "en/test-0.csv",
      "en/train-0.csv",
      "en/train-1.csv",
    ]);
    await writeFile(
      file,
      `add:\n  - hf_id: ${reviews}\n    description: en without the card\n    subset: en\n    exclude: README.md\n`,
    );
    fixture.server.emulator.clearRequestLog();
    const narrowed = await run(["sync", "apply", file, "--storage", storage, "--format", "json"]);
    expect(narrowed.code).toBe(0);
    expect(JSON.parse(narrowed.stdout).added).toMatchObject([{ folder, files: 3 }]);
    expect(downloads().filter((p) => p !== "README.md")).toEqual([]); // all from the cache
    expect(await walk(join(storage, folder))).toEqual(["en/test-0.csv", "en/train-0.csv", "en/train-1.csv"]);
    expect((await readActive(storage)).datasets).toMatchObject([{ folder, files: { length: 3 } }]);
    await expectManifestsMatchDisk(storage);
  });

  it("mirrors a model (repo_type: model) at a tag, pinned to the tag's commit", async () => {
    const name = `local/tiny-${++repos}`;
    const created = await fetch(`${fixture.server.url}/api/repos/create`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: name.split("/")[1] }),
    });
    expect(created.status).toBe(200);
    const { commitOid } = await commit(fixture.hub, {
      repo: name,
      message: "weights",
      operations: [
        { type: "add", path: "config.json", content: '{"layers": 2}' },
        { type: "add", path: "weights/model.bin", content: new Uint8Array([0, 1, 2, 3, 0, 5]) },
      ],
    });
    const tag = await fetch(`${fixture.server.url}/api/models/${name}/tag/main`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ tag: "v1" }),
    });
    expect(tag.status).toBe(200);
    const file = join(fixture.dir, "requests.yaml");
    await writeFile(
      file,
      `add:\n  - hf_id: ${name}\n    repo_type: model\n    revision: v1\n    description: the tiny model\n    include: ["*.json", "weights/"]\n`,
    );
    const storage = join(fixture.dir, "storage");
    expect((await run(["sync", "apply", file, "--storage", storage])).code).toBe(0);
    const folder = `${name.replace("/", "__")}__rev_${commitOid}`;
    expect(await walk(join(storage, folder))).toEqual(["config.json", "weights/model.bin"]);
    expect([...(await readFile(join(storage, folder, "weights", "model.bin")))]).toEqual([0, 1, 2, 3, 0, 5]);
    expect((await readActive(storage)).datasets).toMatchObject([
      { folder, commit: commitOid, repoType: "model", revision: "v1" },
    ]);
    await expectManifestsMatchDisk(storage);
  });

  it("resumes after the process is killed mid-apply, without downloading finished files again", async () => {
    const big = "x".repeat(300_000);
    const reviews = await datasetRepo({ "en/train-2.csv": `text,label\n${big},1\n` });
    const file = join(fixture.dir, "requests.yaml");
    await writeFile(file, `add:\n  - hf_id: ${reviews}\n    description: English\n    subset: en\n`);
    const storage = join(fixture.dir, "storage");
    // The big shard stalls: the others finish and are placed while it hangs.
    fixture.server.emulator.faults.inject({
      method: "GET",
      path: /\/resolve\/[0-9a-f]{40}\/en\/train-2\.csv$/,
      latencyMs: 20_000,
    });
    fixture.server.emulator.clearRequestLog();
    const child = spawn(process.execPath, [BIN, "sync", "apply", file, "--storage", storage], {
      env: { ...process.env, ...env() },
      stdio: "ignore",
    });
    children.push(child);
    const partial = join(storage, ".hfkit-sync", "partial");
    const placed = async () => (await walk(partial)).filter((p) => !p.endsWith(".hfkit-tmp"));
    for (let waited = 0; (await placed()).length < 4; waited += 20) {
      expect(waited).toBeLessThan(30_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    expect((await placed()).map((p) => p.replace(/^[^/]+\//, ""))).toEqual([
      "README.md",
      "en/test-0.csv",
      "en/train-0.csv",
      "en/train-1.csv",
    ]);
    const finished = downloads().filter((p) => p !== "en/train-2.csv");

    fixture.server.emulator.faults.clear();
    fixture.server.emulator.clearRequestLog();
    const resumed = await run(["sync", "apply", file, "--storage", storage]);
    expect(resumed.code).toBe(0);
    // Finished files came from the cache (the card too, read again to resolve the subset); only the stalled one was fetched.
    expect(finished.length).toBeGreaterThanOrEqual(4);
    expect(downloads().sort()).toEqual(["en/train-2.csv"]);
    await expectManifestsMatchDisk(storage);
    expect(
      await readFile(
        join(storage, (await readActive(storage)).datasets[0]!.folder, "en", "train-2.csv"),
        "utf8",
      ),
    ).toBe(`text,label\n${big},1\n`);
    expect(await walk(partial)).toEqual([]);
  });
});
