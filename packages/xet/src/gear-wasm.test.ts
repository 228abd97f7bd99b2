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

  it("reports a match wherever it falls in the kernel's turns, in every lane, and none past the end", () => {
    // The main loop takes 8 bytes per lane per turn (a count's first count % 8 bytes one at a
    // time), leaving for a slow copy of the turn on a match: a match at each place in a turn, or
    // among the single bytes, or just past the end, must be reported exactly where it is.
    const kernel = createGearKernel();
    // A match with no other within 64 bytes of it.
    let match: number | undefined;
    while (match === undefined) {
      kernel.bytes.set(randomBytes(LANES * LANE_CAPACITY + 64), INPUT_OFFSET - 64);
      const all = reference(kernel.bytes, INPUT_OFFSET, INPUT_OFFSET + LANE_CAPACITY - 128);
      match = all.find(
        (m, i) => m >= INPUT_OFFSET + 64 && (all[i - 1] ?? 0) < m - 64 && (all[i + 1] ?? Infinity) > m + 64,
      );
    }
    const stretch = kernel.bytes.slice(INPUT_OFFSET - 64, INPUT_OFFSET + LANE_CAPACITY - 64);
    const offset = match - INPUT_OFFSET;
    // The match in one lane (the others random), then in all four: met in the same turn.
    for (const lanes of [[0], [1], [2], [3], [0, 1, 2, 3]]) {
      kernel.bytes.set(randomBytes(LANES * LANE_CAPACITY + 64), INPUT_OFFSET - 64);
      for (const lane of lanes) kernel.bytes.set(stretch, INPUT_OFFSET - 64 + lane * LANE_CAPACITY);
      for (let before = 0; before < 20; before++) {
        for (const count of [before, before + 1, 8, 16, 17, 23, 31, 40]) {
          kernel.candidates(match - before, count, CANDIDATES);
          for (let lane = 0; lane < LANES; lane++) {
            const end = kernel.words[(CANDIDATE_ENDS >> 2) + lane] as number;
            const list = [...kernel.words.subarray((CANDIDATES >> 2) + lane * LANE_CAPACITY, end >> 2)];
            const start = INPUT_OFFSET + lane * LANE_CAPACITY + offset - before;
            const found = reference(kernel.bytes, start, start + count);
            if (lanes.includes(lane)) expect(found).toEqual(before < count ? [start + before] : []);
            expect(list, `lane ${lane}, ${count} bytes from ${before} before the match`).toEqual(found);
          }
        }
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
