import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GEAR_TABLE } from "./gear-table.js";
import { createGearKernel, INPUT_OFFSET } from "./gear-wasm.js";

// The kernel's nextMatch takes two bytes per round (issue 19): a match may fall on either byte
// of a pair or on a last, odd byte, and the hash state carries over between calls. Checked
// against the gear hash written out byte by byte (hub-docs chunking.md).

const TABLE = GEAR_TABLE.map((hex) => BigInt(`0x${hex}`));
const WORD = (1n << 64n) - 1n;

/** The first offset past a byte whose hash has its top 16 bits zero, or 0; and the hash then. */
function reference(data: Uint8Array, start: number, end: number, hash: bigint): [number, bigint] {
  let h = hash;
  for (let p = start; p < end; p++) {
    h = ((h << 1n) + (TABLE[data[p] as number] as bigint)) & WORD;
    if (h >> 48n === 0n) return [p + 1, h];
  }
  return [0, h];
}

describe("the gear hash kernel", () => {
  it("finds the first match of any range, even or odd, and carries the hash between calls", () => {
    const kernel = createGearKernel();
    const data = randomBytes(1 << 20);
    kernel.input.set(data);
    let h = 0n;
    let pos = 0;
    let matches = 0;
    const parities = new Set<number>();
    // Ranges of 1 to 3 bytes, then growing ones: pairs, a last odd byte, matches on both bytes.
    for (let step = 1; pos < data.byteLength; step = step < 3 ? step + 1 : step * 3) {
      const end = Math.min(data.byteLength, pos + step);
      const got = kernel.nextMatch(INPUT_OFFSET + pos, INPUT_OFFSET + end);
      const [want, next] = reference(data, pos, end, h);
      expect(got === 0 ? 0 : got - INPUT_OFFSET).toBe(want);
      h = next;
      if (want !== 0) {
        matches++;
        parities.add((want - pos) % 2);
        pos = want;
        step = 1;
      } else pos = end;
    }
    // The hash the kernel kept is the reference's: one more byte gives the same answer.
    kernel.input.set([0]);
    const [, after] = reference(new Uint8Array(1), 0, 1, h);
    const found = kernel.nextMatch(INPUT_OFFSET, INPUT_OFFSET + 1);
    expect(found === 0).toBe(after >> 48n !== 0n);
    expect(matches).toBeGreaterThan(4);
    expect([...parities].sort()).toEqual([0, 1]);
  });
});
