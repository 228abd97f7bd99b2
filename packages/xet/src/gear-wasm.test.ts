import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GEAR_TABLE } from "./gear-table.js";
import {
  CANDIDATE_ENDS,
  CANDIDATES,
  createGearKernel,
  INPUT_OFFSET,
  LANE_CAPACITY,
  LANES,
} from "./gear-wasm.js";

// The kernel hashes four lanes at once, each warmed up on the 64 bytes before it (issue 19):
// every byte's hash, and so every match it reports, must be the gear hash of the 64 bytes up to
// that byte (hub-docs chunking.md), written out here byte by byte.

const TABLE = GEAR_TABLE.map((hex) => BigInt(`0x${hex}`));
const WORD = (1n << 64n) - 1n;

/** Offsets in [start, end) whose hash over the 64 bytes up to them has its top 16 bits zero. */
function reference(memory: Uint8Array, start: number, end: number): number[] {
  const found: number[] = [];
  let h = 0n;
  for (let p = start - 64; p < end; p++) {
    h = ((h << 1n) + (TABLE[memory[p] as number] as bigint)) & WORD;
    if (p >= start && h >> 48n === 0n) found.push(p);
  }
  return found;
}

describe("the gear hash kernel", () => {
  it("reports, lane by lane, every byte whose 64-byte window hash matches", () => {
    const kernel = createGearKernel();
    let matches = 0;
    // Random bytes match once per 64 KiB on average: 16 rounds of four 16 KiB lanes.
    for (let round = 0; round < 16; round++) {
      kernel.bytes.set(randomBytes(LANES * LANE_CAPACITY + 64), INPUT_OFFSET - 64);
      for (const count of round === 0 ? [1, 2, 63, 64, 1000, LANE_CAPACITY] : [LANE_CAPACITY]) {
        kernel.candidates(INPUT_OFFSET, count, CANDIDATES);
        for (let lane = 0; lane < LANES; lane++) {
          const start = INPUT_OFFSET + lane * LANE_CAPACITY;
          const end = kernel.words[(CANDIDATE_ENDS >> 2) + lane] as number;
          const list = [...kernel.words.subarray((CANDIDATES >> 2) + lane * LANE_CAPACITY, end >> 2)];
          expect(list, `lane ${lane}, ${count} bytes`).toEqual(reference(kernel.bytes, start, start + count));
          if (count === LANE_CAPACITY) matches += list.length;
        }
      }
    }
    expect(matches).toBeGreaterThan(0);
  });

  it("reports a match at the first and at the last byte of a stretch, of odd or even length", () => {
    // The main loop takes two bytes per lane per turn, an odd count's first byte alone: a match
    // on either side of that split must be reported once, in every lane, and none past the end.
    const kernel = createGearKernel();
    let match = -1;
    while (match < 0) {
      kernel.bytes.set(randomBytes(LANES * LANE_CAPACITY + 64), INPUT_OFFSET - 64);
      match = reference(kernel.bytes, INPUT_OFFSET + 8, INPUT_OFFSET + LANE_CAPACITY - 72)[0] ?? -1;
    }
    // The same bytes in every lane: each lane sees the match at the same place in its stretch.
    const stretch = kernel.bytes.slice(INPUT_OFFSET - 64, INPUT_OFFSET + LANE_CAPACITY);
    for (let lane = 1; lane < LANES; lane++)
      kernel.bytes.set(stretch, INPUT_OFFSET - 64 + lane * LANE_CAPACITY);
    for (const [from, count] of [
      [match, 1],
      [match, 2],
      [match, 3],
      [match, 4],
      [match - 1, 2],
      [match - 2, 3],
      [match - 3, 4],
      [match - 4, 5],
      [match - 1, 1],
      [match - 3, 3],
      [match + 1, 3],
    ] as const) {
      kernel.candidates(from, count, CANDIDATES);
      for (let lane = 0; lane < LANES; lane++) {
        const end = kernel.words[(CANDIDATE_ENDS >> 2) + lane] as number;
        const list = [...kernel.words.subarray((CANDIDATES >> 2) + lane * LANE_CAPACITY, end >> 2)];
        const found = match >= from && match < from + count ? [match + lane * LANE_CAPACITY] : [];
        expect(list, `lane ${lane}, ${count} bytes from ${from - match}`).toEqual(found);
      }
    }
  });

  it("reads bytes in its read buffers where they lie, after a grow of its memory", () => {
    const kernel = createGearKernel();
    const [one, two] = kernel.readBuffers(200_000);
    expect(kernel.readBuffers(200_000)[1]).toBe(two);
    expect(one.buffer).toBe(kernel.bytes.buffer);
    two.set(randomBytes(two.byteLength));
    kernel.candidates(two.byteOffset, LANE_CAPACITY, CANDIDATES);
    const end = kernel.words[(CANDIDATE_ENDS >> 2) + 1] as number;
    const list = [...kernel.words.subarray((CANDIDATES >> 2) + LANE_CAPACITY, end >> 2)];
    const start = two.byteOffset + LANE_CAPACITY;
    expect(list).toEqual(reference(kernel.bytes, start, start + LANE_CAPACITY));
  });
});
