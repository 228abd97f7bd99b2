// The recipes' code, run as the pages show it: the TypeScript examples against the emulator
// over loopback HTTP, the Python ones with huggingface_hub 1.33 from the cached venv.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { commit } from "@hfkit/commit";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { createRepo, downloadFile, listFiles } from "@hfkit/repo";
import { pythonSkipReason, runPython } from "@hfkit/testing/python";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const examples = join(import.meta.dirname, "..", "examples");
const cliBin = join(import.meta.dirname, "..", "..", "cli", "bin", "hfkit.js");

let work: string;
let server: EmulatorServer | undefined;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "hfkit-docs-recipe-"));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(work, { recursive: true, force: true });
});

/** Runs an example module as a script, with `env` and in `cwd`; returns what it logged. */
async function runExample(file: string, env: Record<string, string>, cwd = process.cwd()): Promise<string[]> {
  const logged: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    logged.push(args.map(String).join(" "));
  });
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    vi.resetModules(); // a second run executes the module again
    await import(join(examples, file));
  } finally {
    process.chdir(previous);
    log.mockRestore();
    vi.unstubAllEnvs();
  }
  return logged;
}

describe("Upload a large folder, with resume", () => {
  it("uploads the included files, then a second run sends nothing again", async () => {
    server = await startEmulatorServer({ port: 0, users: [{ token: "hf_me", user: "me", role: "write" }] });
    const hub = createHubClient({ endpoint: server.url, token: "hf_me", env: {} });
    await createRepo(hub, { repo: "datasets/me/big-corpus" });
    const corpus = join(work, "corpus");
    mkdirSync(join(corpus, "tmp"), { recursive: true });
    mkdirSync(join(corpus, "2024"));
    writeFileSync(join(corpus, "README.md"), "# Big corpus\n");
    writeFileSync(join(corpus, "2024", "a.parquet"), Buffer.alloc(3 << 20, 7)); // *.parquet: LFS by .gitattributes
    writeFileSync(join(corpus, "b.jsonl"), '{"text":"hi"}\n');
    writeFileSync(join(corpus, "tmp", "c.jsonl"), "{}\n"); // excluded
    writeFileSync(join(corpus, "notes.txt"), "not included\n");
    const env = { HF_ENDPOINT: server.url, HF_TOKEN: "hf_me", HF_HOME: join(work, "hf") };

    const first = await runExample("upload-large-folder.ts", env, work);
    expect(first).toContain("3 files: 1 through LFS, 0 ignored");
    expect(first.at(-1)).toMatch(
      /^1 commit\(s\), last http:\/\/127\.0\.0\.1:\d+\/datasets\/me\/big-corpus\/commit\/[0-9a-f]{40}$/,
    );
    const files = [];
    for await (const entry of listFiles(hub, { repo: "datasets/me/big-corpus", recursive: true })) {
      if (entry.type === "file") files.push(entry.path);
    }
    expect(files.sort()).toEqual([".gitattributes", "2024/a.parquet", "README.md", "b.jsonl"]);

    const log = server.emulator.requestLog;
    const before = log.length;
    const second = await runExample("upload-large-folder.ts", env, work);
    expect(second).toEqual(
      expect.arrayContaining([
        "already on the Hub: 2024/a.parquet",
        "already on the Hub: README.md",
        "already on the Hub: b.jsonl",
      ]),
    );
    const again = log.slice(before).map((entry) => `${entry.method} ${new URL(entry.url).pathname}`);
    expect(again.filter((call) => call.startsWith("PUT ") || call.includes("/commit/"))).toEqual([]);
  });
});

describe.skipIf(pythonSkipReason())("The emulator for Python's huggingface_hub", () => {
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });

  it("runs the Python script against `hfkit emulator serve`", async () => {
    // As the page says: the first line the server prints is its URL.
    child = spawn(
      process.execPath,
      [cliBin, "emulator", "serve", "--port", "0", "--dir", join(work, "hub")],
      {
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    const [url] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const out = await runPython(
      { file: join(examples, "python", "emulator_client.py") },
      {
        env: {
          HF_ENDPOINT: url,
          HF_TOKEN: "hf_anything",
          HF_HUB_DISABLE_XET: "1",
          HF_HOME: join(work, "hf"),
        },
      },
    );
    const lines = out.trim().split("\n");
    expect(lines.slice(0, 4)).toEqual(["signed in as local", "text,label", "great,1", "awful,0"]);
    expect(lines[4]).toMatch(/^\[('main', 'v2-draft'|'v2-draft', 'main')\]$/);

    // What Python wrote is on the Hub for any client: hfkit reads it back.
    const hub = createHubClient({ endpoint: url, token: "hf_anything", env: {} });
    const { bytes } = await downloadFile(hub, {
      repo: "datasets/local/python-demo",
      path: "data/train.csv",
      to: "memory",
    });
    expect(new TextDecoder().decode(bytes)).toBe("text,label\ngreat,1\nawful,0\n");
  });
});

describe.skipIf(pythonSkipReason())("Share the download cache with Python", () => {
  it("hfkit reads what Python downloaded, and Python reads what hfkit downloaded, offline", async () => {
    server = await startEmulatorServer({
      port: 0,
      users: [{ token: "hf_gpt2", user: "openai-community", role: "write" }],
    });
    const hub = createHubClient({ endpoint: server.url, token: "hf_gpt2", env: {} });
    await createRepo(hub, { repo: "openai-community/gpt2" });
    const config = '{"model_type": "gpt2"}\n';
    const tokenizer = '{"version": "1.0"}\n';
    await commit(hub, {
      repo: "openai-community/gpt2",
      message: "Add config and tokenizer",
      operations: [
        { type: "add", path: "config.json", content: config },
        { type: "add", path: "tokenizer.json", content: tokenizer },
      ],
    });
    const cache = join(work, "hub-cache");
    const env = {
      HF_ENDPOINT: server.url,
      HF_TOKEN: "hf_gpt2",
      HF_HUB_CACHE: cache,
      HF_HOME: join(work, "hf"),
    };

    // Python downloads tokenizer.json into the cache.
    await runPython(
      'from huggingface_hub import hf_hub_download; hf_hub_download("openai-community/gpt2", "tokenizer.json")',
      { env },
    );
    // The TypeScript example downloads config.json, and reads tokenizer.json from the cache alone.
    const logged = await runExample("share-cache.ts", env);
    const [configPath, tokenizerPath] = logged;
    expect(configPath).toMatch(/models--openai-community--gpt2\/snapshots\/[0-9a-f]{40}\/config\.json$/);
    expect(readFileSync(tokenizerPath!, "utf8")).toBe(tokenizer);

    // Python, offline, finds the file hfkit downloaded, at the same path, without a request.
    const requests = server.emulator.requestLog.length;
    const out = await runPython(
      { file: join(examples, "python", "read_shared_cache.py") },
      { env: { ...env, HF_HUB_OFFLINE: "1" } },
    );
    const [pythonPath, repoLine] = out.trim().split("\n");
    expect(pythonPath).toBe(configPath);
    expect(readFileSync(pythonPath!, "utf8")).toBe(config);
    expect(repoLine).toMatch(/^openai-community\/gpt2 \d+ bytes$/);
    expect(server.emulator.requestLog.length).toBe(requests);
  });
});
