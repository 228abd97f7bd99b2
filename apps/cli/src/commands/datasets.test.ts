import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startEmulatorServer } from "@hfkit/emulator";
import { useEmulatorServer } from "@hfkit/testing/emulator";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../main.js";
import { capture as captureIO } from "../test-utils.js";

// `hfkit datasets …` against the emulator over loopback: files pushed as a dataset, read back
// with `info` and `rows`, a dry run that uploads nothing, bad input that commits nothing.
const TOKEN = "hf_cli_datasets";
const READER = "hf_cli_datasets_reader";
const fixture = useEmulatorServer({
  start: () =>
    startEmulatorServer({
      port: 0,
      users: [
        { token: TOKEN, user: "local", role: "write" },
        { token: READER, user: "local", role: "read" },
      ],
    }),
  tempDir: "hfkit-cli-datasets-",
});

beforeAll(async () => {
  const dir = fixture.dir;
  await writeFile(
    join(dir, "train.jsonl"),
    '{"text": "great ✓", "label": "pos", "n": 1}\n{"text": "bad", "label": "neg", "n": 2}\n{"text": null, "label": "pos", "n": 3}\n',
  );
  await writeFile(join(dir, "test.csv"), 'text,label,n\n"so, so",neg,4\n');
  await writeFile(join(dir, "broken.jsonl"), '{"text": "ok", "n": 1}\n{"text": "oops", "n": "two"}\n');
  await writeFile(
    join(dir, "malformed.jsonl"),
    '{"text": "ok", "n": 1}\n{"text": "cut", "n": \n{"text": "z", "n": 3}\n',
  );
  await writeFile(join(dir, "malformed.csv"), 'text,n\nok,1\n"never closed,2\n');
  await writeFile(join(dir, "other.jsonl"), '{"title": "different columns", "score": 0.5}\n');
});

const capture = (tty = false, token = TOKEN) =>
  captureIO(
    { HF_ENDPOINT: fixture.server.url, HF_TOKEN: token, HF_HOME: join(fixture.dir, "home") },
    { tty },
  );

async function run(argv: string[], tty = false, token = TOKEN) {
  const io = capture(tty, token);
  const code = await main(argv, io.io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

const commits = () =>
  fixture.server.emulator.requestLog.filter((r) => /\/commit\/main/.test(new URL(r.url).pathname));
/** Requests that could change the Hub: a push reads the branch head while it reads its input. */
const writes = () =>
  fixture.server.emulator.requestLog.filter((r) => r.method !== "GET" && r.method !== "HEAD");

describe("hfkit datasets", () => {
  it("pushes a JSONL and a CSV split, then info and rows read them back", async () => {
    const train = join(fixture.dir, "train.jsonl");
    const test = join(fixture.dir, "test.csv");
    const pushed = await run(["datasets", "push", "local/reviews", `train=${train}`, `test=${test}`], true);
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/datasets\/local\/reviews\/commit\/[0-9a-f]{40}\n$/,
    );
    expect(pushed.stderr).toContain("train: 3 rows");
    expect(pushed.stderr).toContain("  data/train-00000-of-00001.parquet (3 rows, ");
    expect(pushed.stderr).toContain("  data/test-00000-of-00001.parquet (1 rows, ");
    // The shard lines say what goes up: no LFS/regular count of the shard and final commits.
    expect(pushed.stderr).not.toContain("file(s):");
    // Each shard ends on one line (its Xet read is the commit's), the push on one.
    expect(pushed.stderr.split("uploaded data/train-00000-of-00001.parquet (")).toHaveLength(2);
    expect(pushed.stderr).not.toContain("done data/");
    expect(pushed.stderr).toContain("datasets push done in ");

    const info = await run(["datasets", "info", "local/reviews", "--format", "json"]);
    expect(info.code).toBe(0);
    const document = JSON.parse(info.stdout);
    expect(document.repo).toBe("datasets/local/reviews");
    expect(document.configs[0].splits).toEqual([
      { split: "train", numExamples: 3, numBytes: expect.any(Number) },
      { split: "test", numExamples: 1, numBytes: expect.any(Number) },
    ]);
    const human = await run(["datasets", "info", "local/reviews"]);
    expect(human.stdout).toMatch(/^default: [\d.]+ kB of Parquet\n/);
    expect(human.stdout).toContain("  train: 3 rows\n  test: 1 rows\n  columns: text, label, n\n");

    const rows = await run(["datasets", "rows", "local/reviews", "--split", "train"]);
    expect(
      rows.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { text: "great ✓", label: "pos", n: 1 },
      { text: "bad", label: "neg", n: 2 },
      { text: null, label: "pos", n: 3 },
    ]);
    const csv = await run(["datasets", "rows", "local/reviews", "--split", "test", "--limit", "1"]);
    expect(JSON.parse(csv.stdout)).toEqual({ text: "so, so", label: "neg", n: 4 });

    // Again with the same files: nothing changes, no commit.
    const before = commits().length;
    const again = await run(["datasets", "push", "local/reviews", `train=${train}`, `test=${test}`]);
    expect(again.stdout).toMatch(/^nothing changed: no commit made/);
    expect(again.stderr).not.toContain("nothing changed"); // said once, by the result line
    expect(commits().length).toBe(before);
  });

  it("a config can be added with --set-default and deleted", async () => {
    const train = join(fixture.dir, "train.jsonl");
    expect(
      (await run(["datasets", "push", "local/configs", train, "--config", "en", "--set-default"])).code,
    ).toBe(0);
    expect((await run(["datasets", "push", "local/configs", train, "--config", "fr"])).code).toBe(0);
    const info = JSON.parse((await run(["datasets", "info", "local/configs", "--format", "json"])).stdout);
    expect(info.configs.map((c: { config: string; default: boolean }) => [c.config, c.default])).toEqual([
      ["en", true],
      ["fr", false],
    ]);
    const deleted = await run(["datasets", "delete-config", "local/configs", "fr", "--format", "json"]);
    expect(JSON.parse(deleted.stdout)).toMatchObject({
      repo: "datasets/local/configs",
      deleted: ["fr/train-00000-of-00001.parquet"],
    });
    const after = JSON.parse((await run(["datasets", "info", "local/configs", "--format", "json"])).stdout);
    expect(after.configs.map((c: { config: string }) => c.config)).toEqual(["en"]);
  });

  it("a folder stands for its data files, in name order", async () => {
    const folder = join(fixture.dir, "parts");
    await mkdir(folder);
    await writeFile(join(folder, "b.jsonl"), '{"n": 2}\n');
    await writeFile(join(folder, "a.jsonl"), '{"n": 1}\n');
    await writeFile(join(folder, "notes.txt"), "not data");
    expect((await run(["datasets", "push", "local/folder", folder])).code).toBe(0);
    const rows = await run(["datasets", "rows", "local/folder"]);
    expect(rows.stdout).toBe('{"n":1}\n{"n":2}\n');
  });

  it("--dry-run writes the shards and README.md and uploads nothing", async () => {
    const plan = join(fixture.dir, "plan");
    fixture.server.emulator.clearRequestLog();
    const dry = await run([
      "datasets",
      "push",
      "local/dry",
      join(fixture.dir, "train.jsonl"),
      "--dry-run",
      plan,
      "--format",
      "json",
    ]);
    expect(dry.code).toBe(0);
    const document = JSON.parse(dry.stdout);
    expect(document.operations).toEqual([
      { type: "add", path: "data/train-00000-of-00001.parquet" },
      { type: "add", path: "README.md" },
    ]);
    expect(await readdir(join(plan, "data"))).toEqual(["train-00000-of-00001.parquet"]);
    expect(await readFile(join(plan, "README.md"), "utf8")).toContain("    num_examples: 3\n");
    expect(writes()).toEqual([]);
  });

  it("a bad line fails on one line naming the file, line and column, and nothing is committed", async () => {
    fixture.server.emulator.clearRequestLog();
    const bad = await run(["datasets", "push", "local/broken", join(fixture.dir, "broken.jsonl")]);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toBe("");
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/broken\.jsonl, line 2, column "n"/);
    // Refused before any write: no repo created, nothing uploaded (only the branch head was read).
    expect(writes()).toEqual([]);
  });

  const FEATURES = {
    text: { dtype: "string", _type: "Value" },
    label: { names: ["neg", "pos"], _type: "ClassLabel" },
    n: { dtype: "int32", _type: "Value" },
  };

  it("--features takes datasets' features JSON inline or from a file", async () => {
    const train = join(fixture.dir, "train.jsonl");
    const inline = await run([
      "datasets",
      "push",
      "local/featured",
      train,
      "--features",
      JSON.stringify(FEATURES),
    ]);
    expect(inline.code).toBe(0);
    const rows = await run(["datasets", "rows", "local/featured"]);
    // ClassLabel stores the label's index, as datasets does.
    expect(
      rows.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).label),
    ).toEqual([1, 0, 1]);
    const info = JSON.parse((await run(["datasets", "info", "local/featured", "--format", "json"])).stdout);
    expect(info.configs[0].features).toEqual([
      { name: "text", dtype: "string" },
      { name: "label", dtype: { class_label: { names: { 0: "neg", 1: "pos" } } } },
      { name: "n", dtype: "int32" },
    ]);

    const file = join(fixture.dir, "features.json");
    await writeFile(file, JSON.stringify(FEATURES));
    expect((await run(["datasets", "push", "local/featured-file", train, "--features", file])).code).toBe(0);
    const fromFile = await run(["datasets", "rows", "local/featured-file"]);
    expect(fromFile.stdout).toBe(rows.stdout);
  });

  it("bad --features fails on one line naming the flag and the fix, before any request", async () => {
    const train = join(fixture.dir, "train.jsonl");
    for (const [value, problem] of [
      ['{"text": {"dtype": "string"', /--features: not valid JSON \(/],
      [
        join(fixture.dir, "no-such-features.json"),
        /--features: cannot read the file .*no-such-features\.json \(ENOENT\)/,
      ],
    ] as const) {
      fixture.server.emulator.clearRequestLog();
      const bad = await run(["datasets", "push", "local/bad-features", train, "--features", value]);
      expect(bad.code).not.toBe(0);
      expect(bad.stdout).toBe("");
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
      expect(bad.stderr).toMatch(problem);
      expect(bad.stderr).toContain("give datasets' features JSON, e.g.");
      expect(fixture.server.emulator.requestLog).toEqual([]);
    }
  });

  it("info of a repo that does not exist fails as such, rather than showing no configs", async () => {
    const missing = await run(["datasets", "info", "local/never-pushed"]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/^error: Repository datasets\/local\/never-pushed not found/);
  });

  it("rows names a config the dataset lacks by the repo's id", async () => {
    expect((await run(["datasets", "push", "local/one-config", join(fixture.dir, "train.jsonl")])).code).toBe(
      0,
    );
    const rows = await run(["datasets", "rows", "local/one-config", "--config", "nope"]);
    expect(rows.code).not.toBe(0);
    expect(rows.stdout).toBe("");
    expect(rows.stderr).toBe('error: config: "nope" is not in datasets/local/one-config (it has default)\n');
  });

  it("cuts the split into shards of at most --max-shard-size", async () => {
    const rows = join(fixture.dir, "many.jsonl");
    await writeFile(
      rows,
      Array.from({ length: 400 }, (_, n) => `{"text": "row number ${n} of the split", "n": ${n}}\n`).join(""),
    );
    const pushed = await run(["datasets", "push", "local/sharded", rows, "--max-shard-size", "4KB"]);
    expect(pushed.code).toBe(0);
    const shards = pushed.stderr.match(/data\/train-\d{5}-of-(\d{5})\.parquet \(/);
    expect(Number(shards?.[1])).toBeGreaterThan(1);
  });

  it("a --max-shard-size that is no size, or a file that does not exist, fails as bad usage naming it and the fix, before any request", async () => {
    const train = join(fixture.dir, "train.jsonl");
    const missing = join(fixture.dir, "no-such-file.jsonl");
    const notThere = `does not exist; give a .jsonl, .json, .csv, .tsv or .parquet file, a folder of them, or split=file.`;
    for (const [args, message] of [
      [
        ["--max-shard-size", "5XB"],
        '--max-shard-size: "5XB" is not a size; write it like "500MB", "1GiB" or 1000000',
      ],
      [[missing], `files: ${missing} ${notThere}`],
      [[`test=${missing}`], `files: ${missing} ${notThere}`],
    ] as const) {
      fixture.server.emulator.clearRequestLog();
      const bad = await run(["datasets", "push", "local/bad-input", train, ...args]);
      expect(bad).toEqual({ code: 2, stdout: "", stderr: `error: ${message}\n` });
      expect(fixture.server.emulator.requestLog).toEqual([]);
    }
  });

  it("malformed JSONL and CSV lines, and a forbidden split name, fail on one line before any write", async () => {
    const cases: [string[], RegExp][] = [
      [[join(fixture.dir, "malformed.jsonl")], /malformed\.jsonl, line 2\b/],
      [[join(fixture.dir, "malformed.csv")], /malformed\.csv, line 3\b/],
      [[join(fixture.dir, "train.jsonl"), "--split", "validation-1"], /split.*validation-1/],
    ];
    for (const [args, problem] of cases) {
      fixture.server.emulator.clearRequestLog();
      const bad = await run(["datasets", "push", "local/malformed", ...args]);
      expect(bad.code, bad.stderr).not.toBe(0);
      expect(bad.stdout).toBe("");
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
      expect(bad.stderr).toMatch(problem);
      expect(writes()).toEqual([]);
    }
  });

  it("features unlike the config's other splits, or a read-only token, fail on one line before any upload; nothing is committed", async () => {
    const repo = "local/conflict";
    expect((await run(["datasets", "push", repo, join(fixture.dir, "train.jsonl")])).code).toBe(0);
    const head = commits().length;
    const uploads = () =>
      fixture.server.emulator.requestLog.filter(
        (r) => new URL(r.url).origin === fixture.server.storageUrl || /\/(preupload|commit)\//.test(r.url),
      );

    fixture.server.emulator.clearRequestLog();
    const other = await run(["datasets", "push", repo, join(fixture.dir, "other.jsonl"), "--split", "test"]);
    expect(other.code).not.toBe(0);
    // The split's progress lines come first (its input was read); then one line of error.
    const lines = other.stderr.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("error:"))).toEqual([lines.at(-1)]);
    expect(other.stderr).toMatch(/features: split "test" has other features than the config "default"/);
    expect(other.stderr).toMatch(/push the same columns and types/);
    expect(uploads()).toEqual([]);

    fixture.server.emulator.clearRequestLog();
    const reader = await run(
      ["datasets", "push", repo, join(fixture.dir, "test.csv"), "--split", "test"],
      false,
      READER,
    );
    expect(reader.code).not.toBe(0);
    expect(reader.stdout).toBe("");
    const readerLines = reader.stderr.trim().split("\n");
    expect(readerLines.filter((l) => l.startsWith("error:"))).toEqual([readerLines.at(-1)]);
    expect(reader.stderr).toMatch(/write/i);
    expect(uploads().filter((r) => r.status < 400)).toEqual([]);
    fixture.server.emulator.clearRequestLog();
    expect(commits().length).toBe(0);
    const info = JSON.parse((await run(["datasets", "info", repo, "--format", "json"])).stdout);
    expect(info.configs[0].splits.map((s: { split: string }) => s.split)).toEqual(["train"]);
    expect(head).toBeGreaterThan(0);
  });
});
