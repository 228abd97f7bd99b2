import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bg4Recommended, bg4RegroupInto, bg4Split } from "./bg4.js";
import { lz4CompressFrame, lz4DecompressFrameInto } from "./lz4.js";
import {
  CHUNK_HEADER_BYTES,
  decodeXorbChunks,
  parseChunkHeader,
  SLAB,
  SlabPool,
  serializeChunk,
  XorbBuilder,
} from "./xorb.js";

const text = new TextEncoder()
  .encode("the quick brown fox jumps over the lazy dog; ".repeat(2000))
  .subarray(0, 65_536);
const floats = new Uint8Array(new Float32Array(16_384).map((_, i) => Math.sin(i / 50) * 0.01).buffer);

describe("chunk serialization", () => {
  it("writes the 8-byte header: version 0, 3-byte LE compressed size, scheme, 3-byte LE raw size", () => {
    const out = serializeChunk(text, "lz4");
    const header = parseChunkHeader(out, 0);
    expect(out[0]).toBe(0);
    expect(out[4]).toBe(1);
    expect(header).toEqual({
      compressedSize: out.byteLength - CHUNK_HEADER_BYTES,
      scheme: "lz4",
      size: 65_536,
    });
    expect(out[5]! | (out[6]! << 8) | (out[7]! << 16)).toBe(65_536);
    expect(header.compressedSize).toBeLessThan(2000);
  });

  it("stores a chunk raw (scheme 0) when compression would not make it smaller", () => {
    const random = randomBytes(70_000);
    const out = serializeChunk(random, "auto");
    expect(out[4]).toBe(0);
    expect(out.byteLength).toBe(70_000 + CHUNK_HEADER_BYTES);
    expect(Buffer.from(out.subarray(8)).equals(random)).toBe(true);
  });

  it("picks byte grouping for float data under auto, and it compresses better there", () => {
    const auto = serializeChunk(floats, "auto");
    expect(parseChunkHeader(auto, 0).scheme).toBe("bg4-lz4");
    expect(auto.byteLength).toBeLessThan(serializeChunk(floats, "lz4").byteLength);
    expect(parseChunkHeader(serializeChunk(text, "auto"), 0).scheme).toBe("lz4");
  });

  it("round-trips every scheme and several chunks through a xorb", () => {
    const chunks = [
      text,
      floats,
      randomBytes(1),
      randomBytes(131_072),
      new Uint8Array(9000).fill(7),
      floats.subarray(0, 4097),
    ];
    const schemes = ["none", "lz4", "bg4-lz4", "auto"] as const;
    for (const scheme of schemes) {
      const serialized = chunks.map((c) => serializeChunk(c, scheme));
      const { data, offsets, consumed } = decodeXorbChunks(Buffer.concat(serialized));
      expect(Buffer.from(data).equals(Buffer.concat(chunks))).toBe(true);
      expect(offsets).toEqual([
        0,
        ...chunks.map((_, i) => chunks.slice(0, i + 1).reduce((s, c) => s + c.byteLength, 0)),
      ]);
      expect(consumed).toBe(serialized.reduce((s, c) => s + c.byteLength, 0));
    }
  });

  it("stops at a xet-core footer, and fails on truncated or unknown input", () => {
    const one = serializeChunk(text, "lz4");
    const withFooter = Buffer.concat([one, Buffer.from("XETBLOB\x01 and the rest of a footer")]);
    expect(decodeXorbChunks(withFooter).offsets).toEqual([0, 65_536]);
    expect(() => decodeXorbChunks(one.subarray(0, 20))).toThrow(/truncated/);
    const bad = Uint8Array.from(one);
    bad[4] = 7;
    expect(() => decodeXorbChunks(bad)).toThrow(/compression scheme 7/);
    expect(() => decodeXorbChunks(one, 2)).toThrow(/expected 2 chunks/);
  });

  it("closes a xorb before 64 MiB of serialized bytes or 8,192 chunks", () => {
    const builder = new XorbBuilder();
    const piece = new Uint8Array(8 + 131_072);
    let added = 0;
    while (builder.fits(piece.byteLength, 131_072)) {
      builder.add(new Uint8Array(32), 131_072, piece);
      added++;
    }
    expect(added).toBe(Math.floor((64 << 20) / piece.byteLength));
    const small = new XorbBuilder();
    for (let i = 0; i < 8192; i++) small.add(new Uint8Array(32), 1, new Uint8Array(9));
    expect(small.fits(9, 1)).toBe(false);
    expect(small.take().chunks).toHaveLength(8192);
    expect(small.count).toBe(0);
  });
});

describe("LZ4 frames", () => {
  it("decodes overlapping matches (runs) and long literals", () => {
    // One block by hand: token 0x5f (5 literals "abcde", match length 15 + extension), offset 1,
    // extension byte 1 (length 15 + 1 + 4 = 20, copying the "e" over itself), then a last
    // sequence of 3 literals "xyz".
    const ascii = (s: string) => [...new TextEncoder().encode(s)];
    const block = [0x5f, ...ascii("abcde"), 1, 0, 1, 0x30, ...ascii("xyz")];
    const frame = new Uint8Array([
      0x04,
      0x22,
      0x4d,
      0x18,
      0x60,
      0x50,
      0xfb,
      block.length,
      0,
      0,
      0,
      ...block,
      0,
      0,
      0,
      0,
    ]);
    const out = new Uint8Array(28);
    lz4DecompressFrameInto(frame, out, 0, 28);
    expect(new TextDecoder().decode(out)).toBe(`abcd${"e".repeat(21)}xyz`);
  });

  it("round-trips through our frames and rejects a wrong announced size", () => {
    const data = Buffer.concat([text, randomBytes(3000), text]);
    const frame = lz4CompressFrame(data);
    const out = new Uint8Array(data.byteLength);
    lz4DecompressFrameInto(frame, out, 0, data.byteLength);
    expect(Buffer.from(out).equals(data)).toBe(true);
    expect(() =>
      lz4DecompressFrameInto(frame, new Uint8Array(data.byteLength + 1), 0, data.byteLength + 1),
    ).toThrow(/expected/);
  });
});

describe("byte grouping", () => {
  it("groups bytes by position mod 4, extra bytes to the first groups (hub-docs xorb.md)", () => {
    expect([...bg4Split(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))]).toEqual([
      1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8,
    ]);
    for (const n of [0, 1, 2, 3, 4, 5, 1023, 4096]) {
      const data = randomBytes(n);
      const back = new Uint8Array(n);
      bg4RegroupInto(bg4Split(data), back, 0);
      expect(Buffer.from(back).equals(data)).toBe(true);
    }
  });
});

/**
 * xet-core's BG4 predictor on the windows bg4Recommended samples, one byte at a time: the
 * popcount histogram of each byte position mod 4 against the overall one (KL > 0.02).
 */
function bg4ByBytes(data: Uint8Array): boolean {
  const n = data.byteLength;
  if (n < 64) return false;
  const windows = n <= 2048 ? 1 : 4;
  const length = windows === 1 ? n & ~3 : 512;
  const stride = windows === 1 ? 0 : Math.floor((n - length) / 3) & ~3;
  const counts = Array.from({ length: 4 }, () => new Array<number>(9).fill(0));
  for (let w = 0; w < windows; w++) {
    for (let i = w * stride; i < w * stride + length; i++) {
      let bits = 0;
      for (let v = data[i]!; v > 0; v >>= 1) bits += v & 1;
      counts[i % 4]![bits]!++;
    }
  }
  const overall = Array.from({ length: 9 }, (_, j) => 1 + counts.reduce((sum, c) => sum + c[j]!, 0));
  const overallTotal = overall.reduce((a, b) => a + b, 0);
  return counts.some((c) => {
    const total = c.reduce((a, b) => a + b, 0);
    let divergence = 0;
    c.forEach((count, j) => {
      if (count > 0) divergence += (count / total) * Math.log(count / total / (overall[j]! / overallTotal));
    });
    return divergence > 0.02;
  });
}

describe("BG4 prediction", () => {
  it("answers as counting popcounts byte by byte would, for views at any offset and length", () => {
    const backing = Buffer.alloc(200_000);
    const values = new Float32Array(40_000).map((_, i) => Math.sin(i / 30) * (1 + (i % 7)));
    Buffer.from(values.buffer).copy(backing, 3);
    randomBytes(60_000).copy(backing, 140_000);
    const answers = new Set<boolean>();
    for (const offset of [0, 1, 2, 3, 5, 139_990, 140_001]) {
      for (const length of [63, 64, 67, 1000, 2048, 2051, 8191, 40_000, 59_000]) {
        if (offset + length > backing.byteLength) continue;
        const view = backing.subarray(offset, offset + length);
        for (const data of [view, new Uint8Array(view)]) {
          const expected = bg4ByBytes(data);
          expect(bg4Recommended(data), `offset ${offset}, ${length} bytes`).toBe(expected);
          answers.add(expected);
        }
      }
    }
    expect([...answers].sort()).toEqual([false, true]);
  });

  it("counts each byte position in its own histogram (answers near the threshold agree)", () => {
    // Bytes of one position mod 4 are zeroed with a growing probability: the divergence crosses
    // 0.02 somewhere in the range, where any byte counted in the wrong place changes the answer.
    let seed = 0x9e3779b9;
    const next = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    const answers = new Set<boolean>();
    for (const lane of [0, 1, 2, 3]) {
      for (const offset of [0, 1, 2, 3]) {
        for (let step = 0; step < 40; step++) {
          const data = new Uint8Array(offset + 3000 + step * 997).map(() => next() & 0xff);
          for (let i = lane; i < data.byteLength; i += 4) if (next() % 400 < step) data[i] = 0;
          const view = data.subarray(offset);
          const expected = bg4ByBytes(view);
          expect(bg4Recommended(view), `lane ${lane}, offset ${offset}, step ${step}`).toBe(expected);
          answers.add(expected);
        }
      }
    }
    expect([...answers].sort()).toEqual([false, true]);
  });
});

describe("xorb slabs", () => {
  it("takes a xorb's first and last slabs from the pool when it holds a free one", () => {
    const pool = new SlabPool(4);
    const free = [new Uint8Array(SLAB), new Uint8Array(SLAB)];
    pool.give(free);
    const builder = new XorbBuilder(pool);
    const small = randomBytes(1000);
    builder.add(new Uint8Array(32), small.byteLength, serializeChunk(small, "none"));
    const built = builder.take();
    expect(built.slabs).toHaveLength(1);
    expect(free).toContain(built.slabs[0]);
    expect(built.pieces[0]!.byteLength).toBe(1000 + CHUNK_HEADER_BYTES);
    expect(Buffer.from(decodeXorbChunks(built.pieces[0]!).data).equals(small)).toBe(true);
    // A size above a slab's is fresh memory of that size.
    expect(pool.take(SLAB + 1).byteLength).toBe(SLAB + 1);
  });
});
