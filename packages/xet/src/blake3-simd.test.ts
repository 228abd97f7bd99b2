import { createBLAKE3 } from "hash-wasm";
import { describe, expect, it } from "vitest";
import { blake3SimdAvailable, createKeyedBlake3Simd } from "./blake3-simd.js";
import { DATA_KEY } from "./constants.js";
import { splitmixBytes } from "./test-utils/index.js";

// hash-wasm's BLAKE3 (a build of the reference C implementation) is the oracle: every length
// class of the tree (one block, one chunk, full and partial last chunks, odd nodes carried up
// one or several levels, more than the first memory layout holds) must give the same bytes.
const LENGTHS = [
  0,
  1,
  63,
  64,
  65,
  1023,
  1024,
  1025,
  2047,
  2048,
  2049,
  3072,
  3073,
  4096,
  4097,
  5120,
  7169,
  8192,
  9 * 1024 + 5,
  31 * 1024,
  33 * 1024 + 1,
  65_536,
  65_537,
  100_000,
  131_072,
  300_000,
  1 << 20,
];

describe.skipIf(!blake3SimdAvailable())("keyed BLAKE3 with WebAssembly SIMD", () => {
  it("hashes every tree shape like the reference implementation", async () => {
    const data = splitmixBytes(1 << 20, 7);
    for (const key of [DATA_KEY, new Uint8Array(32), splitmixBytes(32, 3)]) {
      const reference = await createBLAKE3(256, key);
      const simd = createKeyedBlake3Simd(key);
      for (const length of [...LENGTHS, ...Array.from({ length: 40 }, (_, i) => (i * 7919 * 13) % 140_000)]) {
        const message = data.subarray(0, length);
        reference.init();
        reference.update(message);
        expect(Buffer.from(simd?.(message) ?? []).toString("hex"), `${length} bytes`).toBe(
          reference.digest("hex"),
        );
      }
    }
  });

  it("gives the same hash again after a longer message grew its memory", () => {
    const simd = createKeyedBlake3Simd(DATA_KEY);
    const small = splitmixBytes(70_000, 1);
    const first = simd?.(small);
    simd?.(splitmixBytes(3 << 20, 2));
    expect(simd?.(small)).toEqual(first);
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => createKeyedBlake3Simd(new Uint8Array(16))).toThrow(/32 bytes, not 16/);
  });
});
