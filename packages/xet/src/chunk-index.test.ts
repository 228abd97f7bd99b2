import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ChunkIndex, HashStore } from "./chunk-index.js";

interface Place {
  hash: Uint8Array;
  at: number;
  next: Place | undefined;
}
const place = (hash: Uint8Array, at: number): Place => ({ hash, at, next: undefined });

/** A hash whose first 30 bits are those of `like` (the same slot), the rest different. */
function sameSlot(like: Uint8Array): Uint8Array {
  const hash = randomBytes(32);
  hash.set(like.subarray(0, 3));
  hash[3] = ((like[3] as number) & 0x3f) | ((hash[3] as number) & 0xc0);
  hash[31] = (like[31] as number) ^ 1;
  return new Uint8Array(hash);
}

describe("ChunkIndex", () => {
  it("finds each value by an equal hash (another array with the same bytes)", () => {
    const index = new ChunkIndex<Place>();
    const hashes = Array.from({ length: 2000 }, () => new Uint8Array(randomBytes(32)));
    for (const [at, hash] of hashes.entries()) index.set(place(hash, at));
    expect(hashes.map((hash) => index.get(Uint8Array.from(hash))?.at)).toEqual(hashes.map((_, at) => at));
    expect(index.get(new Uint8Array(randomBytes(32)))).toBeUndefined();
  });

  it("tells apart hashes that share their first 30 bits", () => {
    const index = new ChunkIndex<Place>();
    const a = new Uint8Array(randomBytes(32));
    const b = sameSlot(a);
    const c = sameSlot(a);
    index.set(place(a, 1));
    expect(index.get(b)).toBeUndefined();
    index.set(place(b, 2));
    index.set(place(c, 3));
    expect([index.get(a)?.at, index.get(b)?.at, index.get(c)?.at]).toEqual([1, 2, 3]);
    index.delete(b);
    expect([index.get(a)?.at, index.get(b)?.at, index.get(c)?.at]).toEqual([1, undefined, 3]);
    index.delete(c);
    index.delete(a);
    expect([index.get(a), index.get(c)]).toEqual([undefined, undefined]);
  });

  it("replaces the value recorded for a hash, keeping the others of its slot", () => {
    const index = new ChunkIndex<Place>();
    const a = new Uint8Array(randomBytes(32));
    const b = sameSlot(a);
    index.set(place(a, 1));
    index.set(place(b, 2));
    index.set(place(Uint8Array.from(a), 3));
    expect([index.get(a)?.at, index.get(b)?.at]).toEqual([3, 2]);
    index.delete(a);
    expect([index.get(a), index.get(b)?.at]).toEqual([undefined, 2]);
  });
});

describe("HashStore", () => {
  it("keeps copies that stay intact when the hash given is reused, across slabs", () => {
    const store = new HashStore();
    const scratch = new Uint8Array(32);
    const expected: Uint8Array[] = [];
    const kept: Uint8Array[] = [];
    for (let i = 0; i < 10_000; i++) {
      scratch.set(randomBytes(32));
      expected.push(Uint8Array.from(scratch));
      kept.push(store.keep(scratch));
    }
    expect(
      kept.every(
        (hash, i) => hash.byteLength === 32 && Buffer.compare(hash, expected[i] as Uint8Array) === 0,
      ),
    ).toBe(true);
  });
});
