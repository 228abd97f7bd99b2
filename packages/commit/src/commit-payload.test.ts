import { describe, expect, it } from "vitest";
import { commitBody } from "./commit-payload.js";
import type { PlannedOp } from "./plan.js";
import { bytesSource } from "./source.js";
import { decode, ndjson, noise } from "./test-utils/files.js";

const add = (path: string, bytes: Uint8Array, extra: Partial<PlannedOp> = {}): PlannedOp =>
  ({ kind: "add", path, source: bytesSource(bytes), field: path, mode: "regular", ...extra }) as PlannedOp;

async function collect(ops: PlannedOp[]): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of commitBody({ summary: "Ünïcode tïtle", description: "d" }, ops))
    chunks.push(chunk.slice());
  return chunks;
}

describe("commitBody", () => {
  it("writes the same NDJSON lines as JSON.stringify, in chunks of at most 64 KiB, whatever falls on a chunk's edge", async () => {
    // Sizes chosen so that base64 text, multi-byte paths and line ends fall across chunk edges.
    const files = [
      add("données/été-😀.txt", noise(40_000, 1)),
      add("a/b.bin", noise(130_001, 2)),
      ...Array.from({ length: 60 }, (_, i) =>
        add(`séries/${"ü".repeat(i)}-${i}.json`, noise(1_000 + i * 97, i + 3)),
      ),
      add("empty.txt", new Uint8Array()),
      add("big.bin", noise(10, 9), { mode: "lfs", sha256: "ab".repeat(32) }),
      add("skipped.txt", noise(10, 9), { unchanged: true }),
      { kind: "delete", path: "old/ünï.txt", folder: false },
      { kind: "delete", path: "old-dir", folder: true },
    ];
    const chunks = await collect(files);
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.byteLength).toBeLessThanOrEqual(64 << 10);
    const body = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let at = 0;
    for (const chunk of chunks) {
      body.set(chunk, at);
      at += chunk.byteLength;
    }
    expect(decode(body).endsWith("\n")).toBe(true);
    const regular = files.filter((op) => op.kind === "add" && op.mode === "regular" && !op.unchanged);
    const expected = [
      { key: "header", value: { summary: "Ünïcode tïtle", description: "d" } },
      ...(await Promise.all(
        regular.map(async (op) => {
          const { path, source } = op as Extract<PlannedOp, { kind: "add" }>;
          return {
            key: "file",
            value: { content: Buffer.from(await source.all()).toString("base64"), path, encoding: "base64" },
          };
        }),
      )),
    ];
    expect(ndjson(body)).toEqual([
      ...expected,
      { key: "lfsFile", value: { path: "big.bin", algo: "sha256", oid: "ab".repeat(32), size: 10 } },
      { key: "deletedFile", value: { path: "old/ünï.txt" } },
      { key: "deletedFolder", value: { path: "old-dir" } },
    ]);
  });
});
