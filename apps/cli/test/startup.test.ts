import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { startEmulatorServer } from "@hfkit/emulator";
import { useEmulatorServer } from "@hfkit/testing/emulator";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/main.js";
import { capture } from "../src/test-utils.js";

// What a run of the built `hfkit` loads, package by package. Every command (even `--version`,
// and completion scripts run it on every TAB) used to load the whole toolkit first: Apache
// Arrow, yaml, zod, OpenTelemetry, every @hfkit package. Each command now imports its packages
// when it runs (turbo builds the CLI before its tests, apps/cli/turbo.json).
const BIN = join(import.meta.dirname, "..", "bin", "hfkit.js");
const TOKEN = "hf_startup_token";

// Given to `node --import`: a loader hook (off-thread, as `module.register` runs it) appends
// the URL of every ES module loaded to a file, and on exit every CommonJS module `require` loaded.
const HOOKS = `import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) { appendFileSync(log, url + "\\n"); return next(url, context); }
`;
const PROBE = `import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";
const log = process.env.HFKIT_MODULE_LOG;
register("./hooks.mjs", import.meta.url, { data: { log } });
const { cache } = createRequire(import.meta.url);
process.on("exit", () => appendFileSync(log, Object.keys(cache).map((f) => pathToFileURL(f).href + "\\n").join("")));
const before = new Set(process.moduleLoadList);
process.on("exit", () => appendFileSync(log + ".builtins", process.moduleLoadList.filter((m) => !before.has(m)).join("\\n")));
`;

/** The npm package a loaded file belongs to: the nearest package.json with a name. */
const owners = new Map<string, string>();
function packageOf(url: string): string | undefined {
  if (!url.startsWith("file:")) return undefined;
  for (let dir = dirname(fileURLToPath(url)); dir !== dirname(dir); dir = dirname(dir)) {
    const known = owners.get(dir);
    if (known !== undefined) return known;
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const { name } = JSON.parse(readFileSync(file, "utf8")) as { name?: string };
    if (!name) continue;
    owners.set(dir, name);
    return name;
  }
  return undefined;
}

const fixture = useEmulatorServer({
  start: () => startEmulatorServer({ port: 0 }),
  tempDir: "hfkit-startup-",
});
const env = () => ({ HF_ENDPOINT: fixture.server.url, HF_TOKEN: TOKEN, HF_HOME: join(fixture.dir, "home") });

/** Runs the built CLI and returns the packages it loaded, besides the CLI itself. */
async function packagesLoaded(...argv: string[]): Promise<string[]> {
  return (await modulesLoaded(...argv)).packages;
}

/** Runs the built CLI: the packages it loaded (besides the CLI), Node's built-in modules, every file's URL. */
async function modulesLoaded(
  ...argv: string[]
): Promise<{ packages: string[]; builtins: string[]; urls: string[] }> {
  const log = join(fixture.dir, `modules-${Math.random().toString(36).slice(2)}.log`);
  await writeFile(log, "");
  await promisify(execFile)(
    process.execPath,
    ["--import", pathToFileURL(join(fixture.dir, "probe.mjs")).href, BIN, ...argv],
    { env: { ...process.env, ...env(), HFKIT_MODULE_LOG: log } },
  );
  const urls = (await readFile(log, "utf8")).split("\n").filter(Boolean);
  const names = new Set(urls.map(packageOf).filter((name) => name !== undefined && name !== "@hfkit/cli"));
  const builtins = (await readFile(`${log}.builtins`, "utf8"))
    .split("\n")
    .filter((entry) => entry.startsWith("NativeModule "))
    .map((entry) => entry.slice("NativeModule ".length));
  return { packages: [...names].sort() as string[], builtins, urls };
}

beforeAll(async () => {
  await writeFile(join(fixture.dir, "hooks.mjs"), HOOKS);
  await writeFile(join(fixture.dir, "probe.mjs"), PROBE);
  await writeFile(join(fixture.dir, "config.json"), '{"hidden_size": 8}\n');
  await writeFile(join(fixture.dir, "train.jsonl"), '{"text": "good", "label": 1}\n');
  // A binary file goes to the Xet storage of the emulator (its Hub announces `X-Xet-Hash`).
  await writeFile(join(fixture.dir, "weights.bin"), randomBytes(1 << 20));
  const { io, stderr } = capture(env());
  for (const file of ["config.json", "weights.bin"])
    expect(await main(["upload", "local/startup", join(fixture.dir, file), file], io), stderr()).toBe(0);
});
afterEach(() => owners.clear());

describe("what a run of hfkit loads", () => {
  it.each(["--version", "--help", "download --help", "help repo info", "completion bash"])(
    "hfkit %s loads commander and the command definitions, none of the toolkit",
    async (command) => {
      expect(await packagesLoaded(...command.split(" "))).toEqual(["@hfkit/http", "commander"]);
    },
  );

  it("hfkit --version and completion load none of Node's network, TLS, crypto or zlib modules; a request does", async () => {
    const network = ["http", "https", "tls", "crypto", "zlib"];
    for (const command of ["--version", "completion bash"]) {
      const { builtins } = await modulesLoaded(...command.split(" "));
      for (const name of network) expect(builtins, command).not.toContain(name);
    }
    const { builtins } = await modulesLoaded("repo", "info", "local/startup");
    // The emulator is plain http: its request needs node:http, and the probe does see it.
    expect(builtins).toContain("http");
  });

  it("hfkit download and hfkit repo info load @hfkit/repo, not datasets, cards, yaml or OpenTelemetry", async () => {
    for (const argv of [
      ["download", "local/startup", "config.json"],
      ["repo", "info", "local/startup"],
    ]) {
      const loaded = await packagesLoaded(...argv);
      expect(loaded, argv.join(" ")).toContain("@hfkit/repo");
      for (const heavy of ["apache-arrow", "yaml", "@opentelemetry/api", "@hfkit/cards", "@hfkit/datasets"])
        expect(loaded, argv.join(" ")).not.toContain(heavy);
    }
  });

  it("hfkit repo info and a download through /resolve load neither @hfkit/xet nor zod's files; a Xet download loads @hfkit/xet", async () => {
    for (const argv of [
      ["repo", "info", "local/startup"],
      ["download", "local/startup", "config.json", "--local-dir", join(fixture.dir, "plain")],
    ]) {
      const loaded = await packagesLoaded(...argv);
      for (const lazy of ["@hfkit/xet", "zod"]) expect(loaded, argv.join(" ")).not.toContain(lazy);
    }
    const xet = join(fixture.dir, "xet");
    const loaded = await packagesLoaded("download", "local/startup", "weights.bin", "--local-dir", xet);
    expect(loaded).toContain("@hfkit/xet");
    expect(loaded).not.toContain("zod");
    expect(await readFile(join(xet, "weights.bin"))).toEqual(
      await readFile(join(fixture.dir, "weights.bin")),
    );
  });

  it("uploads through LFS and Xet, and card commands, load zod once, inside @hfkit/http/zod, never zod's own files", async () => {
    // Each @hfkit package imports its schema builders from @hfkit/http/zod, whose Node build
    // carries the parts of zod they use (packages/http/tsup.config.ts): one copy per program.
    await writeFile(join(fixture.dir, "other.bin"), randomBytes(1 << 20));
    await writeFile(join(fixture.dir, "README.md"), "---\nlicense: mit\n---\n# A model\n");
    for (const argv of [
      ["upload", "local/startup", join(fixture.dir, "config.json"), "again.json"],
      ["upload", "local/startup", join(fixture.dir, "other.bin"), "other.bin"],
      ["card", "validate", join(fixture.dir, "README.md")],
    ]) {
      const { packages, urls } = await modulesLoaded(...argv);
      expect(packages, argv.join(" ")).toContain("@hfkit/http");
      expect(packages, argv.join(" ")).not.toContain("zod");
      expect(
        urls.filter((url) => url.endsWith("/http/dist/zod.js")),
        argv.join(" "),
      ).toHaveLength(1);
    }
  });

  it("hfkit datasets push still loads what it needs", async () => {
    const loaded = await packagesLoaded(
      "datasets",
      "push",
      "local/startup-data",
      join(fixture.dir, "train.jsonl"),
      "--dry-run",
      join(fixture.dir, "dry"),
    );
    expect(loaded).toEqual(expect.arrayContaining(["@hfkit/datasets", "apache-arrow", "@hfkit/cards"]));
  });
});
