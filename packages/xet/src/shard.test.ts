import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseShard, type Shard, serializeShard, shardSize } from "./shard.js";

const h = () => new Uint8Array(randomBytes(32));

const sample: Shard = {
  files: [
    {
      fileHash: h(),
      sha256: h(),
      terms: [
        { xorbHash: h(), size: 1000, chunkStart: 0, chunkEnd: 3, verification: h() },
        { xorbHash: h(), size: 70_000, chunkStart: 5, chunkEnd: 6, verification: h() },
      ],
    },
    { fileHash: h(), terms: [{ xorbHash: h(), size: 10, chunkStart: 2, chunkEnd: 3 }] },
  ],
  xorbs: [
    {
      hash: h(),
      rawBytes: 300,
      serializedBytes: 350,
      chunks: [
        { hash: h(), offset: 0, size: 100, flags: 0x80000000 },
        { hash: h(), offset: 100, size: 200, flags: 0 },
      ],
    },
  ],
};

describe("shards", () => {
  it("lays out header, file info, CAS info and bookends as hub-docs shard.md says", () => {
    const bytes = serializeShard(sample);
    const view = new DataView(bytes.buffer);
    expect(Buffer.from(bytes.subarray(0, 14)).toString()).toBe("HFRepoMetaData");
    expect(view.getBigUint64(32, true)).toBe(2n); // header version
    expect(view.getBigUint64(40, true)).toBe(0n); // no footer in uploads
    // File 1: header (flags: verification | metadata ext, 2 entries), 2 terms, 2 verifications, 1 sha256.
    expect(view.getUint32(48 + 32, true)).toBe(0xc0000000);
    expect(view.getUint32(48 + 36, true)).toBe(2);
    const term = 48 + 48;
    expect(view.getUint32(term + 36, true)).toBe(1000);
    expect(view.getUint32(term + 40, true)).toBe(0);
    expect(view.getUint32(term + 44, true)).toBe(3);
    expect(bytes.subarray(48 + 48 * 3, 48 + 48 * 3 + 32)).toEqual(sample.files[0]!.terms[0]!.verification);
    expect(bytes.subarray(48 + 48 * 5, 48 + 48 * 5 + 32)).toEqual(sample.files[0]!.sha256);
    // File 2 (no flags) then the bookend: 32 × 0xff and 16 zero bytes.
    const bookend = 48 + 48 * 6 + 48 * 2;
    expect([...bytes.subarray(bookend, bookend + 32)].every((b) => b === 0xff)).toBe(true);
    expect([...bytes.subarray(bookend + 32, bookend + 48)].every((b) => b === 0)).toBe(true);
    const cas = bookend + 48;
    expect(view.getUint32(cas + 36, true)).toBe(2);
    expect(view.getUint32(cas + 40, true)).toBe(300);
    expect(view.getUint32(cas + 44, true)).toBe(350);
    expect(view.getUint32(cas + 48 + 32, true)).toBe(0);
    expect(view.getUint32(cas + 48 + 36, true)).toBe(100);
    expect(view.getUint32(cas + 48 + 40, true)).toBe(0x80000000);
    expect(bytes.byteLength).toBe(cas + 48 * 3 + 48);
    expect(shardSize(sample.files, sample.xorbs)).toBe(bytes.byteLength);
  });

  it("round-trips, with and without footer", () => {
    expect(parseShard(serializeShard(sample))).toEqual({ ...sample, footer: undefined });
    const footer = { hmacKey: h(), createdAt: 1_700_000_000, keyExpiry: 1_800_000_000 };
    const bytes = serializeShard({ ...sample, footer }, { footer: true });
    expect(new DataView(bytes.buffer).getBigUint64(40, true)).toBe(200n);
    expect(parseShard(bytes).footer).toEqual(footer);
  });

  it("refuses what is not a shard", () => {
    expect(() => parseShard(new Uint8Array(100))).toThrow(/not a shard/);
    expect(() => parseShard(serializeShard(sample).subarray(0, 120))).toThrow(/truncated/);
  });
});
