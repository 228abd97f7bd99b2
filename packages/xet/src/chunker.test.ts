import { describe, expect, it } from "vitest";
import { Chunker, chunkStream } from "./chunker.js";
import vectors from "./fixtures/chunk-boundaries.json" with { type: "json" };
import { hashXetFile, XetFileHasher } from "./hash-file.js";
import { boundariesOf, collect, pieces, splitmixBytes } from "./test-utils/index.js";

// Test vectors from xet-core's chunker tests (xet_data/src/deduplication/chunking.rs).

function boundaries(data: Uint8Array, pieceSize = data.byteLength || 1): Promise<number[]> {
  return collect(chunkStream(pieces(data, pieceSize))).then(boundariesOf);
}

describe("content-defined chunking", () => {
  it("cuts 1 MB of SplitMix64 data where xet-core does", async () => {
    const { seed, length, bytesAt, boundaries: expected } = vectors.random1mb;
    const data = splitmixBytes(length, seed);
    for (const [at, value] of Object.entries(bytesAt)) expect(data[Number(at)]).toBe(value);
    expect(await boundaries(data)).toEqual(expected);
  });

  it("cuts constant data at the 128 KiB maximum", async () => {
    const { byte, length, boundaries: expected } = vectors.const1mb;
    expect(await boundaries(new Uint8Array(length).fill(byte))).toEqual(expected);
  });

  it("honours the minimum chunk size on a pattern that triggers a boundary every 128+i bytes", async () => {
    const { pattern, length, byteAt11111, boundaries: expected } = vectors.triggering;
    for (let padding = 0; padding < 128; padding++) {
      const data = new Uint8Array(length);
      const base = [...pattern, ...new Array(padding).fill(0)];
      for (let i = 0; i < length; i++) data[i] = base[i % base.length] as number;
      expect(data[11111]).toBe(byteAt11111[padding]);
      expect(await boundaries(data)).toEqual(expected[padding]);
    }
  });

  it("finds the same boundaries however the stream is split", async () => {
    const data = splitmixBytes(256_000, 1);
    const whole = await boundaries(data);
    expect(whole.length).toBeGreaterThan(2);
    for (const size of [1, 37, 255, 8191, 65_536, 1 << 20])
      expect(await boundaries(data, size)).toEqual(whole);
  });

  it("yields chunks whose bytes are the input, in order, between 8 and 128 KiB but the last", async () => {
    const data = splitmixBytes(3_000_000, 7);
    const chunks = await collect(chunkStream(pieces(data, 100_003)));
    const joined = Buffer.concat(chunks);
    expect(joined.equals(Buffer.from(data))).toBe(true);
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.byteLength).toBeGreaterThanOrEqual(8 * 1024);
      expect(chunk.byteLength).toBeLessThanOrEqual(128 * 1024);
    }
  });

  it("copies what it keeps across pieces: a source may overwrite its buffer (Node Buffers included)", async () => {
    const data = splitmixBytes(1_000_000, 4);
    const expected = await boundaries(data);
    // One reused Buffer: each piece is overwritten with garbage once the next one is asked for.
    const reused = Buffer.alloc(100_000);
    async function* overwriting() {
      for (let at = 0; at < data.byteLength; at += reused.byteLength) {
        const n = Math.min(reused.byteLength, data.byteLength - at);
        reused.set(data.subarray(at, at + n));
        yield reused.subarray(0, n);
        reused.fill(0xee);
      }
    }
    const chunks: Buffer[] = [];
    for await (const chunk of chunkStream(overwriting())) chunks.push(Buffer.from(chunk));
    expect(boundariesOf(chunks)).toEqual(expected);
    expect(Buffer.concat(chunks).equals(Buffer.from(data))).toBe(true);
  });

  it("cuts bytes read into its own buffers, alternately, where it cuts them copied in", async () => {
    const data = splitmixBytes(3_000_000, 9);
    const expected = await boundaries(data);
    const chunker = new Chunker();
    const buffers = chunker.readBuffers(1 << 20);
    const cuts: number[] = [];
    let at = 0;
    // Pieces shorter than the 64 bytes the lanes warm up on, then longer than one lane's stretch.
    for (const [i, size] of [1, 63, 64, 65, 5000, 70_000, 1 << 20, 1 << 20, 1 << 20].entries()) {
      const buffer = buffers[i % 2] as Uint8Array;
      const n = Math.min(size, data.byteLength - at);
      buffer.set(data.subarray(at, at + n));
      for (const cut of chunker.push(buffer.subarray(0, n))) cuts.push(at + cut);
      at += n;
    }
    for (const cut of chunker.push(data.subarray(at))) cuts.push(at + cut);
    const tail = chunker.finish();
    expect(tail > 0 ? [...cuts, data.byteLength] : cuts).toEqual(expected);
  });

  it("makes one chunk of data shorter than the minimum, and none of nothing", async () => {
    expect(await boundaries(new Uint8Array(1))).toEqual([1]);
    expect(await boundaries(new Uint8Array(8191).fill(3))).toEqual([8191]);
    expect(await collect(chunkStream(pieces(new Uint8Array(0), 1)))).toEqual([]);
    const chunker = new Chunker();
    expect(chunker.push(new Uint8Array(0))).toEqual([]);
    expect(chunker.finish()).toBe(0);
  });
});

describe("a file chunked and hashed a piece at a time (XetFileHasher)", () => {
  it("gives hashXetFile's chunks, file hash and SHA-256 whatever the pieces' sizes", async () => {
    const data = splitmixBytes(1_500_000, 11);
    const whole = await hashXetFile({ content: data });
    for (const size of [1, 4093, 65_536, 1_000_003]) {
      const hasher = await XetFileHasher.create();
      // the piece's buffer is overwritten after each update, as a file reader reusing it does
      const buffer = new Uint8Array(size);
      for (let at = 0; at < data.byteLength; at += size) {
        const piece = buffer.subarray(0, Math.min(size, data.byteLength - at));
        piece.set(data.subarray(at, at + piece.byteLength));
        hasher.update(piece);
        buffer.fill(0);
      }
      expect(hasher.digest()).toEqual(whole);
    }
  }, 60_000);
});
