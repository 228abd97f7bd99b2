import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileSource } from "./file-source.js";
import { noise, tempTree } from "./test-utils/files.js";

describe("fileSource of a folder upload", () => {
  it("keeps a small text file read with its sample within the budget, and gives the budget back", async () => {
    const dir = await tempTree({
      "a.txt": "x".repeat(1_000),
      "b.bin": noise(1_000, 3),
      "c.txt": "y".repeat(600),
    });
    const keep = { left: 1_500 };
    const a = fileSource(join(dir, "a.txt"), 1_000, "folder (a.txt)", keep);
    const bin = fileSource(join(dir, "b.bin"), 1_000, "folder (b.bin)", keep);
    const c = fileSource(join(dir, "c.txt"), 600, "folder (c.txt)", keep);
    expect((await a.head(512)).byteLength).toBe(512);
    expect(keep.left).toBe(500); // a.txt is kept
    await bin.head(512);
    expect(keep.left).toBe(500); // a NUL in the sample: an LFS file, not kept
    await c.head(512);
    expect(keep.left).toBe(500); // over what is left: not kept
    expect(Buffer.from(await a.all()).toString()).toBe("x".repeat(1_000));
    expect(keep.left).toBe(1_500);
  });

  it("fails a file whose size changed since the walk, grown or shrunk, naming it", async () => {
    const dir = await tempTree({ "a.txt": "x".repeat(1_000) });
    for (const size of [999, 1_001]) {
      const source = fileSource(join(dir, "a.txt"), size, "folder (a.txt)", { left: 1 << 20 });
      await expect(source.head(512)).rejects.toThrow(/^folder \(a\.txt\): the content changed/);
      await expect(source.all()).rejects.toThrow(/^folder \(a\.txt\): the content changed/);
    }
  });
});
