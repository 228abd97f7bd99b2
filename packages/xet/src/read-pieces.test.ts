import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readPieces } from "./read-pieces.js";
import { noiseBytes } from "./test-utils/index.js";

const dir = mkdtempSync(join(tmpdir(), "hfkit-read-pieces-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function piecesOf(bytes: Uint8Array, size: number, chunk: number): Promise<Uint8Array[]> {
  const path = join(dir, `f-${bytes.byteLength}-${size}-${chunk}`);
  writeFileSync(path, bytes);
  const handle = await open(path, "r");
  try {
    // Copied as they come: the reader reuses its two buffers.
    const out: Uint8Array[] = [];
    for await (const piece of readPieces(handle, size, chunk)) out.push(Uint8Array.from(piece));
    return out;
  } finally {
    await handle.close();
  }
}

describe("readPieces", () => {
  it("gives the file's bytes in order, in pieces of the asked size, the last one shorter", async () => {
    const bytes = noiseBytes(10_000, 3);
    const pieces = await piecesOf(bytes, bytes.byteLength, 4096);
    expect(pieces.map((p) => p.byteLength)).toEqual([4096, 4096, 1808]);
    expect(Buffer.concat(pieces).equals(Buffer.from(bytes))).toBe(true);
  });

  it("reads no further than `size`, and stops early when the file is shorter", async () => {
    const bytes = noiseBytes(5000, 4);
    expect(
      Buffer.concat(await piecesOf(bytes, 3000, 1024)).equals(Buffer.from(bytes.subarray(0, 3000))),
    ).toBe(true);
    const short = await piecesOf(bytes, 8000, 4096);
    expect(short.map((p) => p.byteLength)).toEqual([4096, 904]);
  });

  it("gives nothing for an empty file", async () => {
    expect(await piecesOf(new Uint8Array(0), 0, 4096)).toEqual([]);
  });
});
