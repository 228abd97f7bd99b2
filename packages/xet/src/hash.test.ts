import { xxhash32 } from "hash-wasm";
import { describe, expect, it } from "vitest";
import vectors from "./fixtures/aggregated-hashes.json" with { type: "json" };
import { hashToHex, hexToHash, isGlobalDedupEligible, keyedBlake3, loadXetHashes } from "./hash.js";

describe("hash strings", () => {
  it("prints each 8-byte group as a little-endian u64 (hub-docs api.md example)", () => {
    const hash = Uint8Array.from({ length: 32 }, (_, i) => i);
    // The docs print this with the third group's last "0" missing (63 digits); the reordered
    // bytes they list, [… 23, 22, 21, 20, 19, 18, 17, 16, …], give this.
    expect(hashToHex(hash)).toBe("07060504030201000f0e0d0c0b0a09081716151413121110" + "1f1e1d1c1b1a1918");
    expect(hexToHash(hashToHex(hash))).toEqual(hash);
  });

  it("refuses a string that is not 64 hex digits, naming the field", () => {
    expect(() => hexToHash("abc", "fileHash")).toThrow(/fileHash: "abc" is not a Xet hash/);
  });

  it("calls a chunk eligible for global dedup when its last u64 is ≡ 0 mod 1024", () => {
    const hash = new Uint8Array(32);
    hash[24] = 0;
    hash[25] = 0x04; // 1024
    expect(isGlobalDedupEligible(hash)).toBe(true);
    hash[25] = 0x02; // 512
    expect(isGlobalDedupEligible(hash)).toBe(false);
    hash[25] = 0;
    hash[31] = 0xff; // high bytes do not matter
    expect(isGlobalDedupEligible(hash)).toBe(true);
  });
});

describe("Merkle hashes (xet-core aggregated_hashes.rs reference vectors)", () => {
  it.each(vectors.cases.map((c, i) => [i, c] as const))(
    "case %i: xorb hash and salted file hashes",
    async (_, c) => {
      const hashes = await loadXetHashes();
      const chunks = c.chunks.map((chunk) => ({ hash: hexToHash(chunk.hash), size: chunk.size }));
      expect(hashToHex(hashes.xorb(chunks))).toBe(c.xorbHash);
      for (const { salt, fileHash } of c.fileHashes) {
        if (/^0+$/.test(salt)) {
          expect(hashToHex(hashes.file(chunks))).toBe(fileHash);
          const fed = hashes.fileHasher();
          for (const chunk of chunks) fed.push(chunk);
          expect(hashToHex(fed.digest())).toBe(fileHash);
        } else if (chunks.length === 0) {
          expect(fileHash).toBe("0".repeat(64));
        } else {
          // file_hash_with_salt: the root, keyed-hashed with the salt instead of zeros.
          const salted = await keyedBlake3(hexToHash(salt));
          expect(hashToHex(salted(hashes.xorb(chunks)))).toBe(fileHash);
        }
      }
    },
  );
});

describe("a file hash fed a chunk at a time", () => {
  it("equals the hash over the whole list, for trees of every shape up to several levels", async () => {
    const hashes = await loadXetHashes();
    // Chunk hashes drawn so that groups end at every place a real tree cuts them (2 to 9 children).
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed;
    };
    const chunks = Array.from({ length: 700 }, () => ({
      hash: Uint8Array.from({ length: 32 }, () => next() >>> 24),
      size: 1 + (next() % 131072),
    }));
    const lengths = [...Array.from({ length: 100 }, (_, i) => i), 181, 333, 700];
    for (const n of lengths) {
      const fed = hashes.fileHasher();
      for (const chunk of chunks.slice(0, n)) fed.push(chunk);
      expect(hashToHex(fed.digest()), `${n} chunks`).toBe(hashToHex(hashes.file(chunks.slice(0, n))));
    }
  });
});

describe("verification hashes", () => {
  it("hash the concatenated raw chunk hashes with VERIFICATION_KEY", async () => {
    const hashes = await loadXetHashes();
    const a = hexToHash("cfc5d07f6f03c29bbf424132963fe08d19a37d5757aaf520bf08119f05cd56d6");
    const b = hexToHash("c3e67584b5c4fc2a89837ec39e40f2c8a6bb0b2987ac94cd4b31e5fbdd210a72");
    const joined = new Uint8Array(64);
    joined.set(a, 0);
    joined.set(b, 32);
    const { VERIFICATION_KEY } = await import("./constants.js");
    expect(hashes.verification([a, b])).toEqual((await keyedBlake3(VERIFICATION_KEY))(joined));
    expect(hashes.verification([a, b])).not.toEqual(hashes.verification([b, a]));
  });
});

it("xxhash32 agrees with the LZ4 frame descriptor checksum we write", async () => {
  // FLG 0x60 (version 1, independent blocks), BD 0x50 (256 KiB blocks): HC = (xxh32 >> 8) & 0xff.
  const { lz4CompressFrame } = await import("./lz4.js");
  const frame = lz4CompressFrame(new Uint8Array(100));
  const xxh = Number.parseInt(await xxhash32(frame.subarray(4, 6), 0), 16);
  expect(frame[6]).toBe((xxh >>> 8) & 0xff);
});
