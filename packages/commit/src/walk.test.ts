import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempTree } from "./test-utils/files.js";
import { walkFolder } from "./walk.js";

describe("walkFolder", () => {
  it("lists every file of a large tree in path order with its size, giving the event loop turns meanwhile", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1_300; i++) files[`d${i % 3}/s${i % 7}/f-${i}.txt`] = "x".repeat(i % 50);
    files[".git/HEAD"] = "ref";
    const root = await tempTree(files);
    let turns = 0;
    let walking = true;
    const tick = () => {
      if (!walking) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const seen: number[] = []; // turns taken so far, as each file is read
    const walked = await walkFolder(root, () => seen.push(turns) > 0);
    walking = false;
    const expected = Object.entries(files)
      .filter(([path]) => !path.startsWith(".git/"))
      .map(([relative, content]) => ({ relative, absolute: join(root, relative), size: content.length }))
      .sort((a, b) => (a.relative < b.relative ? -1 : 1));
    expect(walked).toEqual(expected);
    // Reading 1,300 entries in slices of 512 lets other work run at least twice meanwhile.
    expect(seen.at(-1)! - seen[0]!).toBeGreaterThanOrEqual(2);
  });
});
