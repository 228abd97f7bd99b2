import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { missingFiles, placeFile } from "./materialize.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hfkit-sync-place-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A cache entry as huggingface_hub lays it out: a relative symlink in snapshots/ to a blob. */
async function cached(content: string) {
  await mkdir(join(dir, "cache", "blobs"), { recursive: true });
  await mkdir(join(dir, "cache", "snapshots", "abc", "data"), { recursive: true });
  await writeFile(join(dir, "cache", "blobs", "etag1"), content);
  const link = join(dir, "cache", "snapshots", "abc", "data", "a.csv");
  await symlink("../../../blobs/etag1", link);
  return link;
}

describe("placeFile", () => {
  it("hard-links the blob (not the snapshot's symlink) and leaves no temporary file", async () => {
    const link = await cached("a,b\n1,2\n");
    const target = join(dir, "storage", "ds", "data", "a.csv");
    expect(await placeFile(link, target, 8)).toBe("hardlink");
    const placed = await stat(target);
    expect(placed.isFile()).toBe(true);
    expect(placed.ino).toBe((await stat(join(dir, "cache", "blobs", "etag1"))).ino);
    expect(await readFile(target, "utf8")).toBe("a,b\n1,2\n");
    expect(await readdir(join(dir, "storage", "ds", "data"))).toEqual(["a.csv"]);
    // Placed again (a resumed run): kept, and still reported as the blob's link.
    expect(await placeFile(link, target, 8)).toBe("hardlink");
  });

  it("replaces a file of the wrong size, and reports a copy as a copy", async () => {
    const link = await cached("a,b\n1,2\n");
    const target = join(dir, "storage", "a.csv");
    await mkdir(join(dir, "storage"));
    await writeFile(target, "a,b\n1,");
    expect(await missingFiles(join(dir, "storage"), [{ path: "a.csv", size: 8, oid: "x" }])).toEqual([
      "a.csv",
    ]);
    expect(await placeFile(link, target, 8)).toBe("hardlink");
    expect(await readFile(target, "utf8")).toBe("a,b\n1,2\n");
    const copy = join(dir, "storage", "b.csv");
    await writeFile(copy, "a,b\n1,2\n");
    expect(await placeFile(link, copy, 8)).toBe("copy");
    expect(await missingFiles(join(dir, "storage"), [{ path: "a.csv", size: 8, oid: "x" }])).toEqual([]);
  });
});
