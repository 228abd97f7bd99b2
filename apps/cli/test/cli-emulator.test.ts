import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { startEmulatorServer } from "@hfkit/emulator";
import { useEmulatorServer } from "@hfkit/testing/emulator";
import { uploadFiles } from "@huggingface/hub";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/main.js";
import { capture as captureIO } from "../src/test-utils.js";

// The repo commands against a real emulator server, as a user would run them.
const TOKEN = "hf_cli_emulator_token";
const BIG = new Uint8Array(4 * 1024 * 1024).map((_, i) => (i % 9 === 0 ? 0 : (i * 7) % 256));
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const fixture = useEmulatorServer({
  start: () => startEmulatorServer({ port: 0 }),
  tempDir: "hfkit-cli-emu-",
  tempDirPer: "test",
});

function hfkit(...argv: string[]) {
  const { io, stdout, stderr } = captureIO({
    HF_ENDPOINT: fixture.server.url,
    HF_TOKEN: TOKEN,
    HF_HOME: fixture.dir,
  });
  return main(argv, io).then((code) => ({ code, stdout: stdout(), stderr: stderr() }));
}
const json = async (...argv: string[]) => {
  const result = await hfkit(...argv, "--format", "json");
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};

describe("hfkit repo … against the emulator", () => {
  it("runs the repo lifecycle: create, info, settings, branch, tag, refs, commits, move, delete", async () => {
    expect(
      await json("repo", "create", "local/cli-flow", "--repo-type", "dataset", "--private"),
    ).toMatchObject({
      created: true,
      url: `${fixture.server.url}/datasets/local/cli-flow`,
    });
    expect((await hfkit("repo", "create", "datasets/local/cli-flow", "--exist-ok")).stdout).toBe(
      `Already exists: ${fixture.server.url}/datasets/local/cli-flow\n`,
    );
    await uploadFiles({
      repo: { type: "dataset", name: "local/cli-flow" },
      accessToken: TOKEN,
      hubUrl: fixture.server.url,
      useXet: false,
      files: [{ path: "README.md", content: new Blob(["# CLI\n"]) }],
    });
    const info = await json("repo", "info", "datasets/local/cli-flow");
    expect(info).toMatchObject({ type: "dataset", id: "local/cli-flow", private: true });
    expect(await json("repo", "settings", "datasets/local/cli-flow", "--public")).toMatchObject({
      private: false,
    });

    expect((await hfkit("repo", "branch", "create", "datasets/local/cli-flow", "dev")).stdout).toBe(
      "Created branch dev on datasets/local/cli-flow\n",
    );
    await hfkit("repo", "tag", "create", "datasets/local/cli-flow", "v1", "--revision", "dev", "-m", "First");
    const { tags } = await json("repo", "tag", "list", "datasets/local/cli-flow");
    expect(tags).toEqual([{ name: "v1", ref: "refs/tags/v1", targetCommit: info.sha }]);
    const refs = await json("repo", "refs", "datasets/local/cli-flow");
    expect(refs.branches.map((b: { name: string }) => b.name).sort()).toEqual(["dev", "main"]);
    const { commits } = await json("repo", "commits", "datasets/local/cli-flow", "--limit", "1");
    expect(commits).toHaveLength(1);
    expect(commits[0].id).toBe(info.sha);
    expect((await hfkit("repo", "commits", "datasets/local/cli-flow")).stdout).toMatch(
      new RegExp(`^${info.sha.slice(0, 8)}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  local  `, "m"),
    );
    await hfkit("repo", "tag", "delete", "datasets/local/cli-flow", "v1");
    await hfkit("repo", "branch", "delete", "datasets/local/cli-flow", "dev");
    expect((await json("repo", "tag", "list", "datasets/local/cli-flow")).tags).toEqual([]);

    expect(await json("repo", "move", "datasets/local/cli-flow", "local/cli-moved")).toMatchObject({
      repo: "datasets/local/cli-flow",
      to: "datasets/local/cli-moved",
    });
    expect(await json("repo", "delete", "datasets/local/cli-moved", "--yes")).toEqual({
      repo: "datasets/local/cli-moved",
      deleted: true,
    });
    const gone = await hfkit("repo", "info", "datasets/local/cli-moved");
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^error: Repository not found \(404/);
  });

  it("whoami names the emulator's user", async () => {
    expect((await hfkit("whoami")).stdout.split("\n")[0]).toBe("local");
  });

  it("tells a write without a token what is missing and what to set, in whole sentences", async () => {
    const { io, stdout, stderr } = captureIO({ HF_ENDPOINT: fixture.server.url, HF_HOME: fixture.dir });
    expect(await main(["repo", "create", "local/no-token"], io)).toBe(1);
    expect(stdout()).toBe("");
    expect(stderr()).toMatch(
      /^error: Unauthorized \(401 on POST \S+\/api\/repos\/create\): You must be authenticated to do this \(send an Authorization header with a token\)\. No token was sent: set HF_TOKEN or pass a token \(tokens start with hf_\)\. Request id: \S+\.\n$/,
    );
  });
});

describe("hfkit download against the emulator", () => {
  beforeAll(async () => {
    await hfkit("repo", "create", "local/cli-dl");
    await uploadFiles({
      repo: "local/cli-dl",
      accessToken: TOKEN,
      hubUrl: fixture.server.url,
      useXet: false,
      files: [
        { path: "config.json", content: new Blob(['{"a": 1}\n']) },
        { path: "data/one.txt", content: new Blob(["one\n"]) },
        { path: "weights/big.bin", content: new Blob([BIG]) },
      ],
    });
  });

  it("prints each downloaded file's path, or the snapshot folder", async () => {
    const files = await hfkit("download", "local/cli-dl", "config.json", "weights/big.bin");
    const lines = files.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`${fixture.dir}/hub/models--local--cli-dl/snapshots/[0-9a-f]{40}/config\\.json$`),
    );
    expect(sha256(await readFile(lines[1]!))).toBe(sha256(BIG));

    const snapshot = await hfkit("download", "local/cli-dl", "--include", "data/*", "--include", "*.json");
    expect(snapshot.stdout.trim()).toMatch(
      new RegExp(`${fixture.dir}/hub/models--local--cli-dl/snapshots/[0-9a-f]{40}$`),
    );
    expect((await readdir(snapshot.stdout.trim())).sort()).toEqual(["config.json", "data", "weights"]);
    expect(snapshot.stderr).toMatch(/^Fetching 2 files/);

    const localDir = join(fixture.dir, "out");
    const local = await hfkit("download", "local/cli-dl", "--exclude", "weights/*", "--local-dir", localDir);
    expect(local.stdout.trim()).toBe(localDir);
    expect(await readFile(join(localDir, "data", "one.txt"), "utf8")).toBe("one\n");
  });

  it("two hfkit processes downloading one file into one cache end with one intact blob", async () => {
    const bin = join(import.meta.dirname, "..", "bin", "hfkit.js");
    const env = { ...process.env, HF_ENDPOINT: fixture.server.url, HF_TOKEN: TOKEN, HF_HOME: fixture.dir };
    const run = () =>
      promisify(execFile)(process.execPath, [bin, "download", "local/cli-dl", "weights/big.bin"], { env });
    fixture.server.emulator.clearRequestLog();
    const [a, b] = await Promise.all([run(), run()]);
    // The lock lets one transfer happen; the other process finds the blob (whatever the timing).
    expect(
      fixture.server.emulator.requestLog.filter((r) => r.url.startsWith(fixture.server.storageUrl)),
    ).toHaveLength(1);
    expect(a.stdout).toBe(b.stdout);
    const blobs = join(fixture.dir, "hub", "models--local--cli-dl", "blobs");
    expect(await readdir(blobs)).toEqual([sha256(BIG)]);
    expect(sha256(await readFile(join(blobs, sha256(BIG))))).toBe(sha256(BIG));
    expect(await readdir(join(fixture.dir, "hub", ".locks", "models--local--cli-dl"))).toEqual([]);
  });
});
