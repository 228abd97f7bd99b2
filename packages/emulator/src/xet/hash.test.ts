import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hashToHex, hexToHash, isDedupEligible, XetHasher, xetHasher } from "./hash.js";

interface Vectors {
  cases: Array<{
    chunks: Array<[string, number]>;
    xorbHash: string;
    fileHashes: Array<{ salt: string; hash: string }>;
  }>;
}

// The reference values of xet-core's own correctness test (v1.6.0,
// xet_core_structures/src/merklehash/aggregated_hashes.rs `test_correctness`).
const vectors = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../test/xet/xet-core-aggregated-hashes.json"), "utf8"),
) as Vectors;

describe("Xet hash strings", () => {
  it("print each 8-byte group as a little-endian u64 (xet-core data_hash.rs vector)", () => {
    const raw = Uint8Array.from([
      22, 175, 58, 132, 4, 75, 131, 214, 190, 153, 138, 66, 226, 3, 153, 242, 204, 86, 80, 234, 249, 153, 80,
      99, 159, 80, 65, 138, 236, 231, 149, 78,
    ]);
    const hex = "d6834b04843aaf16f29903e2428a99be635099f9ea5056cc4e95e7ec8a41509f";
    expect(hashToHex(raw)).toBe(hex);
    expect(hexToHash(hex)).toEqual(raw);
  });

  it("rejects strings that are not 64 lowercase hex characters", () => {
    expect(() => hexToHash("ABC")).toThrow(/64-character/);
  });
});

describe.each(["native", "wasm"] as const)(
  "aggregated hashes against xet-core's reference values (%s BLAKE3)",
  (backend) => {
    it.each(vectors.cases.map((c, i) => [i, c.chunks.length, c] as const))(
      "case %i (%i chunks): xorb hash and salted file hashes",
      async (_i, _n, testCase) => {
        const hasher = await XetHasher.create(backend);
        const chunks = testCase.chunks.map(([hash, size]) => ({ hash: hexToHash(hash), size }));
        expect(hashToHex(hasher.xorbHash(chunks))).toBe(testCase.xorbHash);
        for (const { salt, hash } of testCase.fileHashes) {
          await hasher.loadKey(hexToHash(salt));
          expect(hashToHex(hasher.fileHash(chunks, hexToHash(salt)))).toBe(hash);
        }
      },
    );

    it("covers groups cut by the hash (% 4) and by the maximum of 9 children", () => {
      const sizes = vectors.cases.map((c) => c.chunks.length);
      expect(Math.max(...sizes)).toBeGreaterThan(9);
      expect(sizes).toContain(0);
      expect(sizes).toContain(1);
    });
  },
);

describe("BLAKE3 backends", () => {
  it("hash chunks, in one piece or several, and verification ranges alike", async () => {
    const native = await XetHasher.create("native");
    const wasm = await XetHasher.create("wasm");
    const bytes = randomBytes(200_000);
    const parts = [bytes.subarray(0, 1), bytes.subarray(1, 70_001), bytes.subarray(70_001)];
    const hash = hashToHex(wasm.chunkHash(bytes));
    expect(hashToHex(native.chunkHash(bytes))).toBe(hash);
    expect(hashToHex(native.chunkHash(parts))).toBe(hash);
    expect(hashToHex(wasm.chunkHash(parts))).toBe(hash);
    const hashes = [native.chunkHash(parts[0]!), native.chunkHash(parts[1]!), native.chunkHash(parts[2]!)];
    expect(hashToHex(native.verificationHash(hashes))).toBe(hashToHex(wasm.verificationHash(hashes)));
  });

  // The lockfile holds the binaries of x86-64 Linux (glibc and musl): the machines of this project.
  it.runIf(process.platform === "linux" && process.arch === "x64")(
    "is the Rust crate's by default on x86-64 Linux",
    async () => {
      expect((await xetHasher()).backend).toBe("native");
    },
  );
});

describe("global dedup eligibility", () => {
  it("reads the last 8 bytes as a little-endian u64, modulo 1024", () => {
    const hash = new Uint8Array(32);
    expect(isDedupEligible(hash)).toBe(true);
    hash[24] = 1;
    expect(isDedupEligible(hash)).toBe(false);
    hash[24] = 0;
    hash[25] = 4; // 4 * 256 = 1024
    expect(isDedupEligible(hash)).toBe(true);
    hash[31] = 0x80; // a high bit does not change the low 10 bits
    expect(isDedupEligible(hash)).toBe(true);
  });
});
