import { afterEach, describe, expect, it } from "vitest";
import { chooseContenders, rounds } from "../cases/context.mjs";

const contender = (name, seconds, reference = false) => ({
  name,
  ...(reference ? { reference: true } : {}),
  run: async () => ({ seconds }),
});
const field = [
  contender("hfkit (Xet)", 1, true),
  contender("@huggingface/hub (Xet)", 2),
  contender("curl", 3),
];

describe("rounds", () => {
  afterEach(() => chooseContenders([]));

  it("runs every contender each round, in a rotated order", async () => {
    const order = [];
    const rows = await rounds(field, 2, (line) => order.push(line.trim().split(":")[0]));
    expect(rows.map((r) => [r.contender, r.samples])).toEqual([
      ["hfkit (Xet)", [1, 1]],
      ["@huggingface/hub (Xet)", [2, 2]],
      ["curl", [3, 3]],
    ]);
    expect(order).toEqual([
      "hfkit (Xet)",
      "@huggingface/hub (Xet)",
      "curl",
      "@huggingface/hub (Xet)",
      "curl",
      "hfkit (Xet)",
    ]);
  });

  it("--contenders keeps the named ones and hfkit's reference row", async () => {
    chooseContenders(["curl", ""]);
    const rows = await rounds(field, 1, () => {});
    expect(rows.map((r) => r.contender)).toEqual(["hfkit (Xet)", "curl"]);
  });
});
