import { createBLAKE3 } from "hash-wasm";
import { describe, expect, it } from "vitest";
import { createKeyedBlake3Native } from "./blake3-native.js";
import { createKeyedBlake3Simd } from "./blake3-simd.js";
import { DATA_KEY } from "./constants.js";
import { loadXetHashes } from "./hash.js";
import { hashXetFile } from "./hash-file.js";
import { RANDOM_5MB_XET_HASH, splitmixBytes } from "./test-utils/index.js";

// The Rust `blake3` crate through @napi-rs/blake-hash (an optional dependency) hashes chunk
// bytes where its binary loads; blake3-absent.test.ts runs the same file without it.

const native = createKeyedBlake3Native(DATA_KEY);
const x64Linux = process.platform === "linux" && process.arch === "x64";

describe("keyed BLAKE3 on the Rust crate", () => {
  it("loads on x86-64 Linux, and is then what hashes chunks", async () => {
    if (x64Linux) expect(native).toBeDefined();
    const hashes = await loadXetHashes();
    expect(hashes.chunkBackend).toBe(native ? "native" : "wasm");
  });

  it.skipIf(!native)(
    "gives the WebAssembly kernel's and hash-wasm's hashes for every chunk size and key",
    async () => {
      const data = splitmixBytes(300_000, 5);
      const keys = [DATA_KEY, splitmixBytes(32, 9)];
      for (const key of keys) {
        const ours = createKeyedBlake3Native(key)!;
        const simd = createKeyedBlake3Simd(key)!;
        const reference = await createBLAKE3(256, key);
        // Tree shapes (one block, one BLAKE3 chunk, odd nodes carried up) and Xet chunk sizes
        // (8 KiB minimum, 64 KiB mean, 128 KiB maximum), each from an unaligned view of one slab.
        for (const length of [
          0,
          1,
          64,
          1023,
          1024,
          1025,
          2049,
          8192,
          33 * 1024 + 1,
          65_536,
          100_000,
          131_072,
        ]) {
          const view = data.subarray(7, 7 + length);
          reference.init();
          reference.update(view);
          const expected = reference.digest("binary");
          expect(Buffer.from(ours(view)).equals(Buffer.from(expected))).toBe(true);
          expect(Buffer.from(simd(view)).equals(Buffer.from(expected))).toBe(true);
        }
      }
    },
  );

  it("gives a file the hash hf_xet gives it", async () => {
    const file = await hashXetFile({ content: splitmixBytes(5_000_000, 11) });
    expect(file.xetHash).toBe(RANDOM_5MB_XET_HASH);
  });
});
