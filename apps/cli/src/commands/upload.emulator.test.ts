import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startEmulatorServer } from "@hfkit/emulator";
import { LFS_SMALL_PARTS, requestCalls, useEmulatorServer } from "@hfkit/testing/emulator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../main.js";
import { capture as captureIO } from "../test-utils.js";

// `hfkit upload` against the emulator over loopback: the exact requests, injected faults, and
// a process killed mid-upload then run again. turbo builds the CLI before its tests
// (apps/cli/turbo.json), so the real binary is there for the child process.
const BIN = join(import.meta.dirname, "..", "..", "bin", "hfkit.js");
const MiB = 1 << 20;
const TOKEN = "hf_cli_emulator_token";
let repo = "";
let repos = 0;
const children: ChildProcess[] = [];

const fixture = useEmulatorServer({
  // Xet off: these flows test the Git LFS path (with Xet on, @hfkit/commit uploads through the CAS).
  start: () => startEmulatorServer({ port: 0, ...LFS_SMALL_PARTS }),
  tempDir: "hfkit-upload-emulator-",
  tempDirPer: "test",
});
beforeEach(async () => {
  repo = `local/upload-${++repos}`;
  const res = await fetch(`${fixture.server.url}/api/repos/create`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: repo.split("/")[1] }),
  });
  expect(res.status).toBe(200);
  fixture.server.emulator.faults.clear();
  fixture.server.emulator.clearRequestLog();
});
// Before the fixture removes the folder (vitest runs `after` hooks in reverse order).
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Deterministic bytes with NUL bytes in them (so the Hub stores them with LFS). */
function bytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0, x = seed; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const capture = () => captureIO({ HF_ENDPOINT: fixture.server.url, HF_TOKEN: TOKEN, HF_HOME: fixture.dir });

const log = () => requestCalls(fixture.server);
const count = (pattern: RegExp, status = 200) =>
  log().filter((r) => pattern.test(r.call) && r.status === status).length;

async function localFolder() {
  const folder = join(fixture.dir, "upload");
  await mkdir(join(folder, "notes"), { recursive: true });
  await writeFile(join(folder, "README.md"), "# a model\n");
  await writeFile(join(folder, "notes", "todo.txt"), "train more\n");
  await writeFile(join(folder, "weights.bin"), bytes(300_000, 1));
  await writeFile(join(folder, "model.safetensors"), bytes(5 * MiB + 17, 2)); // 3 parts
  return folder;
}

describe("hfkit upload against the emulator", () => {
  it("sends preupload, one LFS batch (basic + multipart), storage PUTs without the token, one commit", async () => {
    const folder = await localFolder();
    const { io, stdout, stderr } = capture();
    expect(await main(["upload", repo, folder, "--commit-message", "First upload", "--verify"], io)).toBe(0);
    expect(stderr()).toBe("4 file(s): 2 LFS, 2 regular\n");
    expect(stdout()).toMatch(new RegExp(`^${fixture.server.url}/${repo}/commit/[0-9a-f]{40}\\n$`));
    const calls = log();
    expect(calls.map((r) => r.call)).toEqual([
      `POST HUB /api/models/${repo}/preupload/main`,
      `POST HUB /${repo}.git/info/lfs/objects/batch`,
      ...calls.slice(2, 7).map((r) => r.call), // the four PUTs and the completion, in any order
      `POST HUB /api/models/${repo}/commit/main`,
      expect.stringMatching(new RegExp(`^POST HUB /api/models/${repo}/paths-info/[0-9a-f]{40}$`)),
    ]);
    const kind = (call: string) =>
      call.startsWith("PUT STORAGE /part/")
        ? "part"
        : call.startsWith("PUT STORAGE /upload/")
          ? "object"
          : call;
    expect(
      calls
        .slice(2, 7)
        .map((r) => kind(r.call))
        .sort(),
    ).toEqual(["POST HUB /api/complete_multipart", "object", "part", "part", "part"]);
    // The completion comes after the three parts.
    expect(calls.findIndex((r) => r.call.endsWith("/complete_multipart"))).toBeGreaterThan(
      calls.findLastIndex((r) => r.call.startsWith("PUT STORAGE /part/")),
    );
    for (const r of calls) {
      const tokenExpected = !r.call.startsWith("PUT STORAGE") && !r.call.endsWith("/complete_multipart");
      expect([r.call, r.auth, r.status]).toEqual([r.call, tokenExpected, 200]);
    }
  });

  it("survives a part failing twice, a 429 with Retry-After on the batch, a 503 on preupload and a reset", async () => {
    const folder = await localFolder();
    const { faults } = fixture.server.emulator;
    faults.inject({ method: "POST", path: /\/preupload\//, status: 503 });
    faults.inject({ method: "POST", path: /objects\/batch$/, status: 429, headers: { "retry-after": "1" } });
    faults.inject({ method: "PUT", path: /^\/part\/[^/]+\/3$/, status: 500, times: 2 });
    faults.inject({ method: "PUT", path: /^\/upload\//, reset: true });
    const { io, stdout } = capture();
    expect(await main(["upload", repo, folder, "--verify"], io)).toBe(0);
    expect(stdout()).toContain(`/${repo}/commit/`);
    expect(faults.pending).toBe(0);
    expect(count(/\/commit\//)).toBe(1);
  });

  it("creates a missing repo (private with --private), but not for a pull request", async () => {
    const folder = await localFolder();
    const fresh = `local/created-${repos}`;
    const pr = capture();
    expect(await main(["upload", fresh, folder, "--create-pr"], pr.io)).toBe(1);
    expect(pr.stderr()).toMatch(/^error: .*not found/im);
    const { io, stderr, stdout } = capture();
    expect(await main(["upload", fresh, folder, "--private", "--format", "json"], io)).toBe(0);
    expect(stderr()).toContain(`created ${fixture.server.url}/${fresh}\n`);
    expect(JSON.parse(stdout())).toMatchObject({ repo: fresh, created: true });
    const info = await fetch(`${fixture.server.url}/api/models/${fresh}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(((await info.json()) as { private: boolean }).private).toBe(true);
    expect(count(/\/api\/repos\/create$/)).toBe(1);
  });

  it("names a --revision branch the repo lacks and the command that creates it; nothing is committed", async () => {
    const folder = await localFolder();
    const { io, stderr, stdout } = capture();
    expect(await main(["upload", repo, folder, "--revision", "nobranch"], io)).toBe(1);
    expect(stdout()).toBe("");
    expect(stderr()).toMatch(
      new RegExp(
        `^error: --revision: ${repo} has no branch "nobranch"; create it with \`hfkit repo branch create ${repo} nobranch\`, then upload again\\. \\(Revision not found \\(404 on .*\\)\\n$`,
      ),
    );
    expect(count(/\/commit\//)).toBe(0);
  });

  it("resumes after the process is killed mid-upload, without sending finished objects again", async () => {
    const folder = join(fixture.dir, "resume");
    await mkdir(folder);
    for (let i = 0; i < 3; i++) await writeFile(join(folder, `shard-${i}.bin`), bytes(400_000, 10 + i));
    await writeFile(join(folder, "small.safetensors"), bytes(4 * MiB, 20)); // 2 parts: finishes
    await writeFile(join(folder, "large.safetensors"), bytes(8 * MiB, 21)); // 4 parts: parts 3-4 stall
    fixture.server.emulator.faults.inject({
      method: "PUT",
      path: /^\/part\/[^/]+\/[34]$/,
      latencyMs: 5000,
      times: 2,
    });

    const child = spawn(process.execPath, [BIN, "upload", repo, folder], {
      env: { ...process.env, HF_ENDPOINT: fixture.server.url, HF_TOKEN: TOKEN, HF_HOME: fixture.dir },
      stdio: "ignore",
    });
    children.push(child);
    // Kill it once the three shards and the small multipart object are stored.
    for (
      let waited = 0;
      count(/PUT STORAGE \/upload\//) < 3 || count(/complete_multipart/) < 1;
      waited += 20
    ) {
      expect(waited).toBeLessThan(15_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill("SIGKILL");
    expect(count(/\/commit\//)).toBe(0);

    fixture.server.emulator.faults.clear();
    fixture.server.emulator.clearRequestLog();
    const { io, stdout } = capture();
    expect(await main(["upload", repo, folder, "--verify"], io)).toBe(0);
    expect(stdout()).toContain(`/${repo}/commit/`);
    expect(count(/PUT STORAGE \/upload\//)).toBe(0); // the shards were not sent again
    expect(count(/complete_multipart/)).toBe(1); // the small object was not sent again either
    // Only the large object, from its first part. (Parts the killed process had in flight may
    // still land meanwhile: they belong to its own upload id.)
    const completion = fixture.server.emulator.requestLog.find((r) => r.url.includes("/complete_multipart"))!;
    const uploadId = new URL(completion.url).searchParams.get("uploadId")!;
    expect(count(new RegExp(`PUT STORAGE /part/${uploadId}/`))).toBe(4);
    expect(count(/\/commit\//)).toBe(1);
  });

  it("leaves nothing committed when Ctrl-C interrupts it mid-part, and the next run resumes", async () => {
    const folder = join(fixture.dir, "interrupted");
    await mkdir(folder);
    for (let i = 0; i < 2; i++) await writeFile(join(folder, `shard-${i}.bin`), bytes(300_000, 30 + i));
    await writeFile(join(folder, "large.safetensors"), bytes(6 * MiB, 41)); // 3 parts: part 3 stalls
    fixture.server.emulator.faults.inject({ method: "PUT", path: /^\/part\/[^/]+\/3$/, latencyMs: 5000 });
    const child = spawn(process.execPath, [BIN, "upload", repo, folder], {
      env: { ...process.env, HF_ENDPOINT: fixture.server.url, HF_TOKEN: TOKEN, HF_HOME: fixture.dir },
      stdio: ["ignore", "ignore", "pipe"],
    });
    children.push(child);
    let stderr = "";
    child.stderr!.on("data", (chunk) => {
      stderr += chunk;
    });
    const exited = once(child, "exit");
    // Interrupt once the shards are stored and part 3 is on its way (its fault was taken).
    for (
      let waited = 0;
      count(/PUT STORAGE \/upload\//) < 2 || fixture.server.emulator.faults.pending > 0;
      waited += 10
    ) {
      expect(waited).toBeLessThan(15_000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const sent = performance.now();
    child.kill("SIGINT");
    const [code] = await exited;
    // Long before the stalled part would have been answered (5 s), on a loaded machine too.
    expect(performance.now() - sent).toBeLessThan(3000);
    expect(code).toBe(130);
    expect(stderr.split("\n").at(-2)).toBe("interrupted (SIGINT)");
    expect(count(/\/commit\//)).toBe(0);

    fixture.server.emulator.clearRequestLog();
    const { io, stdout } = capture();
    expect(await main(["upload", repo, folder, "--verify"], io)).toBe(0);
    expect(stdout()).toContain(`/${repo}/commit/`);
    expect(count(/PUT STORAGE \/upload\//)).toBe(0); // the shards were not sent again
    expect(count(/complete_multipart/)).toBe(1);
    expect(count(/\/commit\//)).toBe(1);
  });
});
