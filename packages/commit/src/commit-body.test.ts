import { describe, expect, it } from "vitest";
import { NDJSON_WRITER } from "./commit-body.js";
import { commitLines } from "./commit-payload.js";
import type { PlannedOp } from "./plan.js";
import { bytesSource } from "./source.js";
import { decode, noise } from "./test-utils/files.js";

const add = (path: string, bytes: Uint8Array, extra: Partial<PlannedOp> = {}): PlannedOp =>
  ({ kind: "add", path, source: bytesSource(bytes), field: path, mode: "regular", ...extra }) as PlannedOp;

const header = { summary: 'Ünïcode tïtle "quoted"', description: "d\n😀" };

function joined(chunks: Uint8Array[]): Uint8Array {
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

describe("the commit body on Node", () => {
  it("writes the bytes JSON.stringify makes of each commit line, in chunks of 64 KiB, whatever falls on a chunk's edge", async () => {
    // Sizes chosen so that base64 text, multi-byte paths and line ends fall across chunk edges.
    const ops: PlannedOp[] = [
      add("données/été-😀.txt", noise(40_000, 1)),
      add("a/b.bin", noise(130_001, 2)),
      ...Array.from({ length: 60 }, (_, i) =>
        add(`séries/${"ü".repeat(i * 40)}-${i}.json`, noise(1_000 + i * 97, i + 3)),
      ),
      add("empty.txt", new Uint8Array()),
      add('quote"and\\back.txt', noise(5, 4)),
      add("big.bin", noise(10, 9), { mode: "lfs", sha256: "ab".repeat(32) }),
      add("skipped.txt", noise(10, 9), { unchanged: true }),
      { kind: "delete", path: "old/ünï.txt", folder: false },
      { kind: "delete", path: "old-dir", folder: true },
    ];
    const chunks: Uint8Array[] = [];
    for await (const chunk of NDJSON_WRITER!(commitLines(header, ops))) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.byteLength).toBe(64 << 10);
    let expected = "";
    for await (const line of commitLines(header, ops)) expected += `${JSON.stringify(line)}\n`;
    expect(decode(joined(chunks))).toBe(expected);
  });
});
