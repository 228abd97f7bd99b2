import { describe, expect, it } from "vitest";
import { recordWasmBuilds } from "./test-utils/wasm-builds.js";

// @hfkit/xet builds its WebAssembly modules on first use, not when it is imported: the
// package is loaded by hfkit's LFS uploads and downloads too (issue 19). Subscribed before
// the import, so a module built at import time would be seen.
const built = recordWasmBuilds();
const xet = await import("./index.js");

describe("the WebAssembly of @hfkit/xet", () => {
  it("is built on first use: none at import, LZ4 for a compressed chunk, the others for hashing", async () => {
    expect(xet.XET_CHANNELS.wasm).toBe("hfkit:xet:wasm");
    expect(built).toEqual([]);
    const text = new TextEncoder().encode("abcd".repeat(4096));
    const chunk = xet.serializeChunk(text, "lz4");
    expect(built).toEqual(["lz4"]);
    // The chunk is what the eager module produced: an 8-byte header, then a smaller LZ4 frame
    // that decodes back to the text.
    expect(chunk.byteLength).toBeLessThan(text.byteLength);
    expect(Buffer.from(xet.decodeXorbChunks(chunk).data).equals(Buffer.from(text))).toBe(true);
    xet.serializeChunk(text, "lz4");
    expect(built).toEqual(["lz4"]); // instantiated once

    const file = await xet.hashXetFile({ content: text });
    expect(file.xetHash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(built)).toEqual(new Set(["lz4", "blake3", "gear"]));
  });
});
