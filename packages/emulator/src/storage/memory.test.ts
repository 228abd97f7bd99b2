import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createMemoryStorage, REGION } from "./memory.js";
import type { BlobStorage, ByteRange } from "./types.js";

/** `bytes` as node:http hands a body over: a copy per 64 KiB piece. */
async function* pieces(bytes: Uint8Array, size = 64 * 1024): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield Uint8Array.from(bytes.subarray(at, at + size));
}

async function chunksOf(storage: BlobStorage, key: string, range?: ByteRange): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of storage.read(key, range) as unknown as AsyncIterable<Uint8Array>) out.push(chunk);
  return out;
}

const joined = (chunks: Uint8Array[]) => Buffer.concat(chunks);

describe("memory storage", () => {
  it("keeps an upload of declared size as one buffer, outside V8's external memory, byte-exact", async () => {
    const storage = createMemoryStorage();
    const bytes = randomBytes(3 * 1024 * 1024 + 5);
    const staged = await storage.stage(pieces(bytes), { sha256: true, expectedSize: bytes.byteLength });
    expect(staged.size).toBe(bytes.byteLength);
    expect(staged.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    await staged.commit("lfs/a");
    const chunks = await chunksOf(storage, "lfs/a");
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(joined(chunks).equals(bytes)).toBe(true);
    const range = { start: 65_530, end: 2 * 1024 * 1024 };
    expect(
      joined(await chunksOf(storage, "lfs/a", range)).equals(bytes.subarray(range.start, range.end + 1)),
    ).toBe(true);
    // readBytes hands out ordinary memory.
    const whole = await storage.readBytes("lfs/a");
    expect(whole.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.from(whole).equals(bytes)).toBe(true);
  });

  it("takes a body of no declared size in buffers of REGION bytes, and a short one as its bytes only", async () => {
    const storage = createMemoryStorage();
    const bytes = randomBytes(2 * REGION + 100);
    await (await storage.stage(pieces(bytes, 40_000), { sha256: false })).commit("xorb/b");
    const chunks = await chunksOf(storage, "xorb/b");
    expect(chunks.map((c) => c.byteLength)).toEqual([REGION, REGION, 100]);
    expect(joined(chunks).equals(bytes)).toBe(true);
    // Declared larger than sent: the 100 bytes are kept in a buffer of their own size.
    const short = await storage.stage(pieces(bytes.subarray(0, 100)), {
      sha256: false,
      expectedSize: 1 << 20,
    });
    await short.commit("xorb/c");
    const [only] = await chunksOf(storage, "xorb/c");
    expect(only!.buffer.byteLength).toBe(100);
    expect(Buffer.from(only!).equals(bytes.subarray(0, 100))).toBe(true);
  });

  it("joins multipart parts into one object that refers to their buffers, served byte-exact", async () => {
    const storage = createMemoryStorage();
    const parts = [randomBytes(300_000), randomBytes(300_000), randomBytes(1234)];
    for (const [i, part] of parts.entries()) {
      const staged = await storage.stage(pieces(part), { sha256: false, expectedSize: part.byteLength });
      await staged.commit(`part/u1/${i + 1}`);
    }
    const keys = parts.map((_, i) => `part/u1/${i + 1}`);
    const partBuffers = (await Promise.all(keys.map((key) => chunksOf(storage, key))))
      .flat()
      .map((c) => c.buffer);
    const whole = Buffer.concat(parts);
    const staged = await storage.join(keys, { sha256: true, expectedSize: whole.byteLength });
    expect(staged.size).toBe(whole.byteLength);
    expect(staged.sha256).toBe(createHash("sha256").update(whole).digest("hex"));
    await staged.commit("lfs/d");
    await storage.deletePrefix("part/u1/");
    const chunks = await chunksOf(storage, "lfs/d");
    // No copy: the object's bytes are the parts' buffers.
    expect(chunks.map((c) => c.buffer)).toEqual(partBuffers);
    expect(joined(chunks).equals(whole)).toBe(true);
    const across = { start: 299_990, end: 600_010 };
    expect(
      joined(await chunksOf(storage, "lfs/d", across)).equals(whole.subarray(across.start, across.end + 1)),
    ).toBe(true);
  });
});
