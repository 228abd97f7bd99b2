import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeChunk, type Scheme } from "../../test/xet/encoder.js";
import { ChunkReader, decodeRawChunk } from "./chunks.js";
import { xetHasher } from "./hash.js";

async function decoded(raw: Uint8Array, scheme: Scheme): Promise<Uint8Array> {
  const hasher = await xetHasher();
  const [chunk] = new ChunkReader().push(encodeChunk({ raw, scheme }, hasher));
  return Buffer.concat(decodeRawChunk(chunk!, hasher));
}

/** Text with repeats near and far, random runs short and long, and short and long periodic runs. */
function mixed(length: number): Uint8Array {
  const text = new TextEncoder().encode("the quick brown fox jumps over the lazy dog; ");
  const out = new Uint8Array(length);
  let at = 0;
  for (let i = 0; at < length; i++) {
    const kind = i % 6;
    const run =
      kind === 0
        ? text.subarray(0, 5 + (i % 40))
        : kind === 1
          ? randomBytes(1 + (i % 70))
          : kind === 2
            ? Uint8Array.from({ length: 3 + (i % 29) }, (_, k) => (k % 2 ? 0x61 : 0x62))
            : kind === 3
              ? Uint8Array.from({ length: 200 + i }, (_, k) => [1, 2, 3][k % 3]!)
              : kind === 4
                ? out.subarray(Math.max(0, at - 300), Math.max(0, at - 300) + (i % 90))
                : randomBytes(100 + (i % 300));
    const n = Math.min(run.byteLength, length - at);
    out.set(run.subarray(0, n), at);
    at += n;
  }
  return out;
}

describe("decodeRawChunk", () => {
  it("undoes byte grouping for every length modulo 4", async () => {
    for (const length of [1, 2, 3, 4, 5, 6, 7, 8, 40_000, 40_001, 40_002, 40_003, 65_536]) {
      const raw = mixed(length);
      expect(Buffer.from(await decoded(raw, 2)).equals(Buffer.from(raw)), `${length} bytes`).toBe(true);
    }
  });

  it("decodes LZ4 literal runs and matches short and long, overlapping or not", async () => {
    for (const length of [13, 1000, 65_536, 131_072]) {
      const raw = mixed(length);
      for (const scheme of [1, 2] as const)
        expect(Buffer.from(await decoded(raw, scheme)).equals(Buffer.from(raw)), `${length}, ${scheme}`).toBe(
          true,
        );
    }
  });
});

describe("decodeRawChunk, transient (the xorb check)", () => {
  it("decodes every compressed chunk into the same shared buffers, each time exactly its own bytes", async () => {
    const hasher = await xetHasher();
    // Longest first, so a shorter chunk decoded after it lands on its leftovers; the last one
    // spans two pieces, so its payload is joined in the shared buffer too.
    const raws = [mixed(131_072), mixed(70_001), mixed(5), mixed(40_003), mixed(90_000)];
    const encoded = raws.map((raw, i) => encodeChunk({ raw, scheme: i % 2 ? 1 : 2 }, hasher));
    const last = encoded.pop()!;
    const reader = new ChunkReader();
    const chunks = [...reader.push(Buffer.concat(encoded)), ...reader.push(last.subarray(0, 1000))];
    chunks.push(...reader.push(last.subarray(1000)));
    expect(chunks.at(-1)!.parts).toHaveLength(2);
    const buffers = new Set<ArrayBufferLike>();
    chunks.forEach((chunk, i) => {
      const [bytes] = decodeRawChunk(chunk, hasher, true);
      buffers.add(bytes!.buffer);
      expect(Buffer.from(bytes!).equals(Buffer.from(raws[i]!)), `chunk ${i}`).toBe(true);
    });
    // Two buffers in all (LZ4 output; ungrouped output), none allocated per chunk.
    expect(buffers.size).toBe(2);
  });
});
