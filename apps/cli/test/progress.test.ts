import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { uploadFile } from "@hfkit/commit";
import { startEmulatorServer } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { createRepo } from "@hfkit/repo";
import { useEmulatorServer } from "@hfkit/testing/emulator";
import { beforeAll, describe, expect, it } from "vitest";

// `hfkit download`, `upload` and `datasets push` in a real pseudo-terminal (util-linux `script`) draws progress bars; piped,
// it prints none. The built binary runs (turbo builds the CLI before its tests).
const BIN = join(import.meta.dirname, "..", "bin", "hfkit.js");
const run = promisify(execFile);
const fixture = useEmulatorServer({
  start: () => startEmulatorServer({ port: 0 }),
  client: (url) => createHubClient({ endpoint: url, token: "hf_progress_pty", env: {} }),
  tempDir: "hfkit-progress-",
});

beforeAll(async () => {
  const hub = fixture.hub;
  await createRepo(hub, { repo: "local/bars" });
  const content = new Uint8Array(6 << 20).map((_, i) => (i * 7919) % 251);
  await uploadFile(hub, { repo: "local/bars", content, pathInRepo: "big.bin" });
});

const env = () => ({
  ...process.env,
  HF_ENDPOINT: fixture.server.url,
  HF_TOKEN: "hf_progress_pty",
  HF_HOME: fixture.dir,
});
const args = (cache: string) => [
  BIN,
  "download",
  "local/bars",
  "big.bin",
  "--cache-dir",
  join(fixture.dir, cache),
];

describe("hfkit download progress", () => {
  it("draws bars with bytes and a rate on a terminal", async () => {
    const command = [process.execPath, ...args("tty")].map((a) => `'${a}'`).join(" ");
    const { stdout } = await run("script", ["-qfec", command, "/dev/null"], { env: env(), timeout: 120_000 });
    expect(stdout).toMatch(/[█░]{20}/); // a bar (how full depends on how fast the bytes came)
    expect(stdout).toMatch(/downloading big\.bin .* \/ 6\.3 MB .*\/s/);
    expect(stdout).toMatch(/done big\.bin \(6\.3 MB in /);
  });

  it("prints no bar and no escape code when stderr is not a terminal", async () => {
    const { stdout, stderr } = await run(process.execPath, args("piped"), { env: env(), timeout: 120_000 });
    expect(stdout.trim()).toMatch(/big\.bin$/);
    expect(stderr).not.toContain("█");
    expect(stderr).not.toContain("\x1b");
  });
});

/** The command line `script` runs: stderr is the pseudo-terminal, and `script` copies it to stdout. */
const inTerminal = (argv: string[]) => [process.execPath, BIN, ...argv].map((a) => `'${a}'`).join(" ");

describe("hfkit upload and datasets push progress", () => {
  let weights = "";
  let rows = "";
  beforeAll(async () => {
    weights = join(fixture.dir, "weights.bin");
    await writeFile(
      weights,
      new Uint8Array(3 << 20).map((_, i) => (i * 31) % 253),
    );
    rows = join(fixture.dir, "train.jsonl");
    await writeFile(
      rows,
      Array.from({ length: 2000 }, (_, i) => JSON.stringify({ id: i, text: `row ${i}` })).join("\n"),
    );
  });

  it("upload draws bars and its phases on a terminal", async () => {
    const command = inTerminal(["upload", "local/up-tty", weights]);
    const { stdout } = await run("script", ["-qfec", command, "/dev/null"], { env: env(), timeout: 120_000 });
    expect(stdout).toMatch(/[█░]{20}/);
    expect(stdout).toMatch(/(hashing|uploading) weights\.bin .* \/ 3\.1 MB .*\/s/);
    expect(stdout).toContain("1 file(s): 1 LFS, 0 regular");
    expect(stdout).toMatch(/uploaded weights\.bin \(3\.1 MB in /);
    expect(stdout).toMatch(/commit done in /);
    // One finish line for the file (its Xet transfer is the commit's), its phases in words, and
    // no "failed" for the first attempt that found the repo missing before creating it.
    expect(stdout.split("weights.bin (")).toHaveLength(2);
    expect(stdout).toMatch(/commit › (checking files|hashing|preparing upload|Xet upload)/);
    expect(stdout).not.toMatch(/commit\.|failed/);
    expect(stdout).toMatch(/created http:\/\/\S+\/local\/up-tty/);
  });

  it("upload piped: its phase lines, no bar and no escape code; -q: nothing", async () => {
    const piped = await run(process.execPath, [BIN, "upload", "local/up-piped", weights], {
      env: env(),
      timeout: 120_000,
    });
    expect(piped.stderr).toContain("1 file(s): 1 LFS, 0 regular");
    expect(piped.stderr).not.toContain("█");
    expect(piped.stderr).not.toContain("\x1b");
    expect(piped.stdout).toMatch(/\/commit\/[0-9a-f]{40}\n$/);
    const quiet = await run(process.execPath, [BIN, "upload", "local/up-quiet", weights, "-q"], {
      env: env(),
      timeout: 120_000,
    });
    expect(quiet.stderr).toBe("");
    const command = inTerminal(["upload", "local/up-quiet-tty", weights, "-q"]);
    const tty = await run("script", ["-qfec", command, "/dev/null"], { env: env(), timeout: 120_000 });
    expect(tty.stdout).not.toContain("█");
    expect(tty.stdout.trim()).toMatch(/^\S+\/commit\/[0-9a-f]{40}$/);
  });

  it("--verbose --log-format json: requests, progress and notes as JSON lines on stderr, no secret", async () => {
    const { stderr } = await run(
      process.execPath,
      [BIN, "--verbose", "--log-format", "json", "upload", "local/up-json", weights],
      {
        env: env(),
        timeout: 120_000,
      },
    );
    const records = stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.type)).toEqual(
      expect.arrayContaining(["preupload-done", "lfs-object-uploaded", "commit-created", "note"]),
    );
    // The built binary, as a user runs it: every request is one JSON line too, with no secret.
    const requests = records.filter((r) => r.event === "http.request");
    expect(requests.map((r) => r.operation)).toEqual(
      expect.arrayContaining(["preupload", "lfsBatch", "createCommit"]),
    );
    expect(stderr).not.toContain("hf_progress_pty");
    expect(stderr).not.toMatch(/X-Amz-Signature=(?!%5BREDACTED%5D)|"authorization":"(?!\[REDACTED\])/i);
    const notes = records.filter((r) => r.type === "note").map((r) => r.message);
    expect(notes).toEqual([expect.stringMatching(/^created http:\/\//), "1 file(s): 1 LFS, 0 regular"]);
  });

  it("datasets push draws its shard lines and phases on a terminal", async () => {
    const command = inTerminal(["datasets", "push", "local/rows-tty", rows]);
    const { stdout } = await run("script", ["-qfec", command, "/dev/null"], { env: env(), timeout: 120_000 });
    expect(stdout).toMatch(/train: 2,000 rows, .* in Arrow → 1 shard\(s\)/);
    expect(stdout).toMatch(/uploaded data\/train-00000-of-00001\.parquet \(/);
    expect(stdout).toMatch(/datasets push done in /);
    expect(stdout).toContain("\x1b["); // redrawn in place
    expect(stdout).not.toMatch(/failed/); // the card it looked for first is not news
    expect(stdout).not.toContain("file(s):"); // the shard lines say what goes up
    expect(stdout).toMatch(/datasets push › writing train/);
  });
});
