import { describe, expect, it, vi } from "vitest";
import { recordWasmBuilds } from "./test-utils/wasm-builds.js";

// A file of its own: the modules are built once per process, and wasm-lazy.test.ts builds them.
const built = recordWasmBuilds();
const xet = await import("./index.js");

describe("preloadXetWasm", () => {
  it("builds LZ4 and BLAKE3 on later turns of the event loop, not during the call", async () => {
    xet.preloadXetWasm();
    expect(built).toEqual([]);
    await vi.waitFor(() => expect(new Set(built)).toEqual(new Set(["lz4", "blake3"])));
    const blake3Instances = built.filter((m) => m === "blake3").length;
    // A file hashed and a chunk compressed afterwards use them: only the gear hash is new.
    const text = new TextEncoder().encode("abcd".repeat(4096));
    await xet.hashXetFile({ content: text });
    xet.serializeChunk(text, "lz4");
    expect(built.filter((m) => m !== "gear")).toHaveLength(1 + blake3Instances);
    expect(built).toContain("gear");
  });
});
