import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildXorb, type ChunkSpec } from "../../test/xet/encoder.js";
import { ChunkReader } from "./chunks.js";
import { hashToHex, xetHasher } from "./hash.js";
import { XetFormatError } from "./lz4.js";
import { XorbVerifier } from "./xorb.js";

/** `bytes` in pieces of the given sizes, cycling (each piece a copy, as a socket hands them). */
function pieces(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0, i = 0; at < bytes.byteLength; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(Uint8Array.from(bytes.subarray(at, at + n)));
    at += n;
  }
  return out;
}

async function verify(bytes: Uint8Array, sizes: readonly number[]): Promise<string> {
  const verifier = new XorbVerifier(await xetHasher());
  for (const piece of pieces(bytes, sizes)) verifier.push(piece);
  return hashToHex(verifier.finish().hash);
}

// Stored, LZ4 and byte-grouped chunks of uneven sizes, one of them 1 byte long.
async function mixedXorb() {
  const hasher = await xetHasher();
  const text = new TextEncoder().encode("the quick brown fox jumps over the lazy dog ".repeat(900));
  const specs: ChunkSpec[] = [
    { raw: randomBytes(40_000), scheme: 0 },
    { raw: text.subarray(0, 30_001), scheme: 1 },
    { raw: randomBytes(1), scheme: 0 },
    { raw: text.subarray(5, 20_006), scheme: 2 },
    { raw: randomBytes(65_536), scheme: 0 },
  ];
  return buildXorb(specs, hasher);
}

describe("XorbVerifier", () => {
  it("verifies a xorb however its bytes are split into pieces, headers and payloads included", async () => {
    const xorb = await mixedXorb();
    for (const sizes of [[xorb.bytes.byteLength], [1], [3, 5, 7], [8], [4096], [65_536], [65_529, 11]])
      expect(await verify(xorb.bytes, sizes), `pieces of ${sizes.join(", ")}`).toBe(xorb.hash);
  });

  it("gives a different hash when one byte of a stored chunk split across pieces changes", async () => {
    const xorb = await mixedXorb();
    const broken = Uint8Array.from(xorb.bytes);
    broken[8 + 30_000]! ^= 1; // inside the first (stored) chunk, which the 4 KiB pieces split
    expect(await verify(broken, [4096])).not.toBe(xorb.hash);
  });

  it("rejects a stream that ends inside a chunk header or payload", async () => {
    const xorb = await mixedXorb();
    for (const end of [4, 8 + 39_999]) {
      const verifier = new XorbVerifier(await xetHasher());
      for (const piece of pieces(xorb.bytes.subarray(0, end), [3])) verifier.push(piece);
      expect(() => verifier.finish()).toThrow(XetFormatError);
    }
  });
});

describe("ChunkReader", () => {
  it("hands chunks as views of the pushed pieces, not copies", async () => {
    const xorb = await mixedXorb();
    const [first, second] = pieces(xorb.bytes, [30_000]);
    const reader = new ChunkReader();
    const chunks = [...reader.push(first!), ...reader.push(second!)];
    // The 40,000-byte stored chunk spans both pieces; the LZ4 chunk after it lies in the second.
    const buffers = chunks.map((c) => c.parts.map((p) => p.buffer));
    expect(buffers[0]).toHaveLength(2);
    expect(buffers[0]![0]).toBe(first!.buffer);
    expect(buffers[0]![1]).toBe(second!.buffer);
    expect(buffers[1]).toHaveLength(1);
    expect(buffers[1]![0]).toBe(second!.buffer);
    expect(chunks[1]!.offset).toBe(40_008);
  });
});
