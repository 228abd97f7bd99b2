import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/main.js";
import { createProgram } from "../src/program.js";
import { capture } from "../src/test-utils.js";

// The scripting contract of `--format json` (apps/cli/README.md): every command prints one JSON
// object on stdout, never a bare list, and wherever a repo is involved its first field is
// `repo`, in the `datasets/owner/name` form every command takes back. Run on the embedded
// local hub, so every command really runs.
const REPO = "datasets/local/envelope";
const DATASET = "datasets/local/envelope-data";
let home: string;
let jsonl: string;
let card: string;
let requests: string;
let storage: string;
let folder: string;
// `auth login` checks its token with a real Hub (the local hub needs no login).
let hub: EmulatorServer;

/** Every command with `--format`, by its path (`repo tag list`). */
function jsonCommands(): string[] {
  const found: string[] = [];
  const walk = (command: Command, path: string[]) => {
    for (const sub of command.commands) {
      const name = [...path, sub.name()];
      if (sub.options.some((o) => o.long === "--format")) found.push(name.join(" "));
      walk(sub, name);
    }
  };
  walk(createProgram(capture().io), []);
  return found.sort();
}

// One run per command, in an order that works on one repo (each step needs the ones before).
// `repo` says the command is about that repo; `quiet` what `--quiet` prints: one word (a URL,
// a path, an id: the default), one per line (`lines`), any lines (`any`) or nothing (`none`).
const runs: Array<{ argv: () => string[]; repo?: string; quiet?: "lines" | "any" | "none" }> = [
  { argv: () => ["env"] },
  { argv: () => ["auth", "login", "--token", "hf_envelope_token", "--endpoint", hub?.url ?? "<emulator>"] },
  { argv: () => ["auth", "list"], quiet: "lines" },
  { argv: () => ["auth", "switch", "emulator"] },
  { argv: () => ["auth", "whoami"] },
  { argv: () => ["whoami"] },
  { argv: () => ["repo", "create", REPO], repo: REPO },
  { argv: () => ["upload", REPO, folder, "--commit-message", "First"], repo: REPO },
  { argv: () => ["repo", "info", REPO], repo: REPO },
  { argv: () => ["repo", "settings", REPO, "--private"], repo: REPO },
  { argv: () => ["repo", "branch", "create", REPO, "dev"], repo: REPO },
  { argv: () => ["repo", "tag", "create", REPO, "v1"], repo: REPO },
  { argv: () => ["repo", "tag", "list", REPO], repo: REPO, quiet: "lines" },
  { argv: () => ["repo", "refs", REPO], repo: REPO, quiet: "lines" },
  { argv: () => ["repo", "commits", REPO], repo: REPO, quiet: "lines" },
  { argv: () => ["download", REPO, "README.md"], repo: REPO },
  { argv: () => ["download", REPO, "--include", "*.csv"], repo: REPO },
  { argv: () => ["card", "validate", REPO], repo: REPO, quiet: "any" },
  { argv: () => ["card", "validate", card], quiet: "any" },
  { argv: () => ["card", "show", REPO], repo: REPO, quiet: "any" },
  { argv: () => ["card", "set", card, "license=mit"] },
  { argv: () => ["repo", "delete-files", REPO, "*.csv"], repo: REPO },
  { argv: () => ["datasets", "push", DATASET, jsonl], repo: DATASET },
  { argv: () => ["datasets", "push", DATASET, jsonl, "--config", "extra"], repo: DATASET },
  { argv: () => ["datasets", "info", DATASET], repo: DATASET },
  { argv: () => ["datasets", "rows", DATASET, "--limit", "1"], repo: DATASET, quiet: "lines" },
  { argv: () => ["datasets", "delete-config", DATASET, "extra"], repo: DATASET },
  // Several repos at once: no `repo` field.
  { argv: () => ["sync", "validate", requests], quiet: "any" },
  { argv: () => ["sync", "apply", requests, "--storage", storage], quiet: "any" },
  { argv: () => ["sync", "status", "--storage", storage], quiet: "any" },
  { argv: () => ["repo", "tag", "delete", REPO, "v1"], repo: REPO },
  { argv: () => ["repo", "branch", "delete", REPO, "dev"], repo: REPO },
  { argv: () => ["repo", "move", REPO, "local/envelope-moved"], repo: REPO },
  {
    argv: () => ["repo", "delete", "datasets/local/envelope-moved", "--yes"],
    repo: "datasets/local/envelope-moved",
  },
  { argv: () => ["auth", "logout"], quiet: "none" },
];

const commandOf = (argv: string[]) => {
  const known = jsonCommands();
  for (let n = 3; n > 0; n--)
    if (known.includes(argv.slice(0, n).join(" "))) return argv.slice(0, n).join(" ");
  return "";
};

beforeAll(async () => {
  hub = await startEmulatorServer({ port: 0 });
  home = await mkdtemp(join(tmpdir(), "hfkit-envelope-"));
  folder = join(home, "upload");
  await mkdir(join(folder, "data"), { recursive: true });
  await writeFile(join(folder, "README.md"), "---\nlicense: mit\n---\n# Envelope\n");
  await writeFile(join(folder, "data", "train.csv"), "a,b\n1,2\n");
  jsonl = join(home, "rows.jsonl");
  await writeFile(jsonl, '{"text": "a", "n": 1}\n{"text": "b", "n": 2}\n');
  requests = join(home, "sync.yaml");
  storage = join(home, "storage");
  await writeFile(
    requests,
    `add:\n  - hf_id: ${DATASET.replace("datasets/", "")}\n    description: the envelope's rows\n`,
  );
  card = join(home, "README.md");
  await writeFile(card, "---\nlicense: apache-2.0\n---\n# Card\n");
});
afterAll(async () => {
  await hub.close();
  await rm(home, { recursive: true, force: true });
});

describe("--format json: one envelope for every command", () => {
  it("has a run below for every command that takes --format", () => {
    expect([...new Set(runs.map((r) => commandOf(r.argv())))].sort()).toEqual(jsonCommands());
  });

  it.each(runs.map((run) => [run.argv().join(" "), run] as const))("hfkit %s", async (_, run) => {
    const { io, stdout, stderr } = capture({
      HF_HOME: home,
      HF_ENDPOINT: "local",
      HFKIT_LOCAL_HUB: join(home, "local-hub"),
    });
    const code = await main([...run.argv(), "--format", "json"], io);
    expect(stderr().includes("error:") ? stderr() : "").toBe("");
    expect(code).toBe(0);
    const document = JSON.parse(stdout());
    expect(typeof document === "object" && document !== null && !Array.isArray(document)).toBe(true);
    if (run.repo) {
      expect(Object.keys(document)[0]).toBe("repo");
      expect(document.repo).toBe(run.repo);
    } else {
      expect(document).not.toHaveProperty("repo");
    }
  });

  it("prints nothing on stdout when a command fails, and one line on stderr", async () => {
    const { io, stdout, stderr } = capture({ HF_HOME: home, HFKIT_LOCAL_HUB: join(home, "local-hub") });
    expect(
      await main(["repo", "info", "datasets/local/missing", "--endpoint", "local", "--format", "json"], io),
    ).toBe(1);
    expect(stdout()).toBe("");
    expect(stderr().trim().split("\n")).toHaveLength(1);
  });
});

describe("--quiet: only the essential result, no notes", () => {
  it.each(runs.map((run) => [run.argv().join(" "), run] as const))("hfkit %s -q", async (_, run) => {
    const quietHome = join(home, "quiet");
    const { io, stdout, stderr } = capture({
      HF_HOME: quietHome,
      HF_ENDPOINT: "local",
      HFKIT_LOCAL_HUB: join(quietHome, "local-hub"),
    });
    const code = await main([...run.argv(), "-q"], io);
    expect(stderr()).toBe("");
    expect(code).toBe(0);
    const lines = stdout().split("\n");
    expect(lines.pop()).toBe(""); // ends with a newline, when it prints at all
    switch (run.quiet) {
      case "none":
        expect(stdout()).toBe("");
        break;
      case "lines":
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) expect(line).toMatch(/^\S+$/);
        break;
      case "any":
        break;
      default:
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^\S+$/);
    }
  });

  it("prints the commit URL of an upload, the sha of repo info and the paths of a download", async () => {
    const quietHome = join(home, "quiet-values");
    const env = { HF_HOME: quietHome, HF_ENDPOINT: "local", HFKIT_LOCAL_HUB: join(quietHome, "local-hub") };
    const run = async (...argv: string[]) => {
      const { io, stdout } = capture(env);
      expect(await main(argv, io)).toBe(0);
      return stdout();
    };
    const commit = await run("upload", "datasets/local/quiet", folder, "--quiet");
    expect(commit).toMatch(/^http:\/\/\S+\/datasets\/local\/quiet\/commit\/([0-9a-f]{40})\n$/);
    const sha = commit.trim().split("/").pop();
    expect(await run("repo", "info", "datasets/local/quiet", "-q")).toBe(`${sha}\n`);
    expect(await run("repo", "commits", "datasets/local/quiet", "--format", "quiet")).toMatch(
      new RegExp(`^${sha}\n`),
    );
    const paths = await run("download", "datasets/local/quiet", "README.md", "data/train.csv", "-q");
    expect(
      paths
        .trim()
        .split("\n")
        .map((path) => path.slice(path.indexOf("/snapshots/"))),
    ).toEqual([`/snapshots/${sha}/README.md`, `/snapshots/${sha}/data/train.csv`]);
    // --json is hf's spelling of --format json.
    expect(JSON.parse(await run("repo", "info", "datasets/local/quiet", "--json")).sha).toBe(sha);
  });
});
