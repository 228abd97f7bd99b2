import { describe, expect, it, vi } from "vitest";
import vectors from "./fixtures/aggregated-hashes.json" with { type: "json" };
import { RANDOM_5MB_XET_HASH, splitmixBytes } from "./test-utils/index.js";

// Where @napi-rs/blake-hash is not installed or has no binary (it is an optional dependency),
// requiring it throws: @hfkit/xet must then hash on WebAssembly, with the same hashes.
vi.mock("node:module", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:module")>();
  return {
    ...original,
    createRequire(url: string | URL) {
      const require = original.createRequire(url);
      return Object.assign((id: string) => {
        if (id === "@napi-rs/blake-hash")
          throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
        return require(id);
      }, require);
    },
  };
});

const { createKeyedBlake3Native } = await import("./blake3-native.js");
const { hashToHex, hexToHash, loadXetHashes } = await import("./hash.js");
const { hashXetFile } = await import("./hash-file.js");
const { DATA_KEY } = await import("./constants.js");

describe("without @napi-rs/blake-hash", () => {
  it("hashes chunks on WebAssembly, giving a file the hash hf_xet gives it", async () => {
    expect(createKeyedBlake3Native(DATA_KEY)).toBeUndefined();
    expect((await loadXetHashes()).chunkBackend).toBe("wasm");
    const file = await hashXetFile({ content: splitmixBytes(5_000_000, 11) });
    expect(file.xetHash).toBe(RANDOM_5MB_XET_HASH);
  });

  it("still gives xet-core's xorb hashes", async () => {
    const hashes = await loadXetHashes();
    for (const c of vectors.cases) {
      const chunks = c.chunks.map((chunk) => ({ hash: hexToHash(chunk.hash), size: chunk.size }));
      expect(hashToHex(hashes.xorb(chunks))).toBe(c.xorbHash);
    }
  });
});
