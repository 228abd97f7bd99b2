import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { LocalHub } from "./local-hub.js";
import { main } from "./main.js";
import { capture } from "./test-utils.js";

/** A temp folder for the local hub, removed when the test ends. */
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "hfkit-local-hub-"));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
};

describe("the embedded local hub", () => {
  it("keeps repos between commands in its folder and frees the folder after each", async () => {
    const dir = freshDir();
    const env = { HFKIT_LOCAL_HUB: dir, HF_TOKEN: "hf_RealHubTokenMustNotBeUsed" };
    const create = capture(env);
    expect(
      await main(
        ["repo", "create", "local/demo", "--repo-type", "dataset", "--endpoint", "local"],
        create.io,
      ),
    ).toBe(0);
    expect(existsSync(join(dir, ".hfkit-lock"))).toBe(false);
    // A new command (a new emulator on the same folder) still sees it; HF_ENDPOINT=local works too.
    const info = capture({ ...env, HF_ENDPOINT: "local" });
    expect(await main(["repo", "info", "datasets/local/demo", "--format", "json"], info.io)).toBe(0);
    expect(JSON.parse(info.stdout())).toMatchObject({ id: "local/demo" });
    expect(info.stdout()).not.toContain("hf_RealHubTokenMustNotBeUsed");
  });

  it("shows itself in hfkit env", async () => {
    const dir = freshDir();
    const out = capture({ HFKIT_LOCAL_HUB: dir });
    expect(await main(["env", "--endpoint", "local", "--format", "json"], out.io)).toBe(0);
    expect(JSON.parse(out.stdout())).toMatchObject({ endpoint: "local", localHub: dir });
  });

  it("takes over a lock left by a dead process", async () => {
    const dir = freshDir();
    writeFileSync(join(dir, ".hfkit-lock"), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }));
    const hub = await LocalHub.open(dir, { waitMs: 500 });
    await hub.release();
    expect(existsSync(join(dir, ".hfkit-lock"))).toBe(false);
  });

  it("refuses, naming the holder, while another live process holds the folder", async () => {
    const dir = freshDir();
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 10000)"]);
    try {
      writeFileSync(join(dir, ".hfkit-lock"), JSON.stringify({ pid: holder.pid, host: hostname() }));
      await expect(LocalHub.open(dir, { waitMs: 300 })).rejects.toThrow(
        new RegExp(`in use by another hfkit process \\(pid ${holder.pid}\\)`),
      );
    } finally {
      holder.kill();
    }
  });
});
