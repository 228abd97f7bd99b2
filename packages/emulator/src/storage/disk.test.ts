import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createDiskStorage } from "./disk.js";

// The storage makes `tmp` and `objects` at once. When one of them fails, the other may still be
// on its way: this holds the `tmp` mkdir back until the test lets it go.
const gate: { held?: Promise<void>; objectsFailed?: Promise<unknown> } = {};
vi.mock("node:fs/promises", async (original) => {
  const fs = await original<typeof import("node:fs/promises")>();
  const mkdir = async (path: string, options: { recursive: true }) => {
    if (path.endsWith("/tmp") && gate.held) await gate.held;
    const result = fs.mkdir(path, options);
    if (path.endsWith("/objects")) gate.objectsFailed = result.catch(() => {});
    return result;
  };
  return { ...fs, mkdir };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hfkit-disk-storage-"));
});
afterEach(async () => {
  gate.held = gate.objectsFailed = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe("disk storage start", () => {
  it("fails on a folder that cannot be made only once the other folder is made too", async () => {
    // `objects` taken by a file: its mkdir fails at once, while the one of `tmp` is held back.
    await writeFile(join(dir, "objects"), "not a folder");
    let release = () => {};
    gate.held = new Promise((resolve) => {
      release = resolve;
    });
    const storage = createDiskStorage(dir);
    let settled = false;
    const loading = storage.loadState().finally(() => {
      settled = true;
    });
    loading.catch(() => {});
    await gate.objectsFailed;
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    // A start that rejected here would let its caller remove the folder while `tmp` is made in
    // it (rm fails with ENOTEMPTY, or the folder comes back).
    expect(settled).toBe(false);
    release();
    await expect(loading).rejects.toMatchObject({ code: "EEXIST" });
    expect((await stat(join(dir, "tmp"))).isDirectory()).toBe(true);
  });
});
