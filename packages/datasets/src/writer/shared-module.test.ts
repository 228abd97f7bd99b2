import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test, vi } from "vitest";

// parquet-wasm's module is compiled by the first writer thread of a process and handed to the
// next ones (parquet-wasm.ts), so that a second split or a second writeShards runs the code V8
// optimised for the first instead of starting unoptimised again. The files must not change:
// the same rows give the same bytes from a thread that compiled the module and from one given it.
const work = mkdtempSync(join(tmpdir(), "hfkit-datasets-shared-module-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The workerData of every writer thread started, in order. */
const started: { module?: unknown; tieringBudget?: unknown }[] = [];
vi.mock("node:worker_threads", async (original) => {
  const real = await original<typeof import("node:worker_threads")>();
  class Recorded extends real.Worker {
    constructor(source: string, options: import("node:worker_threads").WorkerOptions) {
      super(source, options);
      started.push(options.workerData as { module?: unknown; tieringBudget?: unknown });
    }
  }
  return { ...real, Worker: Recorded };
});
afterEach(() => {
  started.length = 0;
});

const rows = Array.from({ length: 3000 }, (_, i) => ({
  id: i,
  text: `row ${i} ${"abcdefghij".slice(i % 10)}`,
  label: ["neg", "pos"][i % 2],
  score: i / 8,
}));

async function write(name: string): Promise<Buffer> {
  const { writeShards } = await import("../write-shards.js");
  const result = await writeShards({ data: rows, outputDir: join(work, name), tempDir: work });
  expect(result.shards).toHaveLength(1);
  return readFileSync(result.shards[0]!.localPath);
}

describe("the writer threads' parquet-wasm module", { timeout: 60_000 }, () => {
  test("is compiled by the first thread of the process and given to the next, with the same bytes written", async () => {
    const first = await write("first");
    const second = await write("second");
    const third = await write("third");
    expect(started).toHaveLength(3);
    // the first thread compiled its own; the others were given it, the same module each time
    expect(started[0]!.module).toBeUndefined();
    expect(started[1]!.module).toBeInstanceOf(
      (globalThis as unknown as { WebAssembly: { Module: new () => object } }).WebAssembly.Module,
    );
    expect(started[2]!.module).toBe(started[1]!.module);
    // the thread that compiles it raises V8's wasm tier-up budget meanwhile and validates its
    // functions lazily (Node 20); the others compile nothing
    expect(started[0]!.tieringBudget).toEqual(
      process.versions.v8.startsWith("11.3.")
        ? { compile: 180_000_000, restore: 1_800_000, lazyValidation: true }
        : undefined,
    );
    expect(started[1]!.tieringBudget).toBeUndefined();
    expect(second.equals(first)).toBe(true);
    expect(third.equals(first)).toBe(true);
  });
});
