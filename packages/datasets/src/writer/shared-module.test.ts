import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test, vi } from "vitest";

// parquet-wasm's module is compiled once per process, in the main thread, and handed to each
// writer thread (parquet-wasm.ts), so that a second split or a second writeShards runs the code
// V8 optimised for the first instead of starting unoptimised again. The files must not change:
// the same rows give the same bytes through the shared module and through a thread's own compile.
const work = mkdtempSync(join(tmpdir(), "hfkit-datasets-shared-module-"));
// the package's types have no DOM lib: the one method spied on
const wasmApi = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } })
  .WebAssembly;
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  vi.resetModules();
});

const rows = Array.from({ length: 3000 }, (_, i) => ({
  id: i,
  text: `row ${i} ${"abcdefghij".slice(i % 10)}`,
  label: ["neg", "pos"][i % 2],
  score: i / 8,
}));

async function write(name: string): Promise<Buffer> {
  // a fresh copy of the package each test: the compiled module is cached per module instance
  const { writeShards } = await import("../write-shards.js");
  const result = await writeShards({ data: rows, outputDir: join(work, name), tempDir: work });
  expect(result.shards).toHaveLength(1);
  return readFileSync(result.shards[0]!.localPath);
}

describe("the writer threads' parquet-wasm module", { timeout: 60_000 }, () => {
  test("is compiled once for every writeShards of a process, and the files are the same", async () => {
    const compile = vi.spyOn(wasmApi, "compile");
    const first = await write("first");
    const second = await write("second");
    expect(second.equals(first)).toBe(true);
    expect(compile).toHaveBeenCalledTimes(1);
  });

  test("falls back to each thread's own compile when the main thread's fails, with the same bytes", async () => {
    const shared = await write("shared");
    vi.resetModules();
    vi.spyOn(wasmApi, "compile").mockRejectedValue(new Error("no compile here"));
    const own = await write("own");
    expect(own.equals(shared)).toBe(true);
  });
});
