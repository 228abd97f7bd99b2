// Issue 12: V8 throws away every optimised function that reads typed arrays the first time any
// ArrayBuffer of the process is detached. The writer transfers its frames to its thread, so
// it settles that before the first row is read: the JSONL reader and the column builders are
// then optimised once, not twice (a 2 M-row push: ~20 functions fewer compiled, ~0.1 s of CPU).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect, test } from "vitest";

test("a function optimised before writeShards is deoptimised before the first row, not mid-way", () => {
  // turbo builds the package before its tests (packages/datasets/turbo.json): the child runs dist.
  const out = execFileSync(
    process.execPath,
    ["--allow-natives-syntax", join(import.meta.dirname, "..", "test-utils", "detach-child.mjs")],
    { encoding: "utf8" },
  );
  expect(JSON.parse(out)).toEqual({ before: true, atFirstRow: false });
});
