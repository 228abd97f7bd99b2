import { afterEach, describe, expect, it } from "vitest";
import { chooseContenders, reason, rounds } from "../cases/context.mjs";

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

  it("--contenders also keeps the hfkit row a kept contender is compared with, and rounds say when", async () => {
    const lfs = [
      ...field,
      contender("hfkit (LFS)", 1),
      { ...contender("peer (LFS)", 2), versus: "hfkit (LFS)" },
    ];
    chooseContenders(["peer"]);
    const rows = await rounds(lfs, 2, () => {});
    expect(rows.map((r) => r.contender)).toEqual(["hfkit (Xet)", "hfkit (LFS)", "peer (LFS)"]);
    expect(rows[2]).toMatchObject({ versus: "hfkit (LFS)", samples: [2, 2], rounds: [0, 1] });
  });

  it("reports a failed contender by its error line, and logs the end of its stderr", async () => {
    const stderr =
      "file:///x/upload.js:12\n  throw error;\n  ^\n\nTypeError: slab already given back\n    at give (x.js:3:9)\n\nNode.js v20.20.2\n";
    const failing = {
      name: "hfkit (LFS)",
      run: async () => {
        throw Object.assign(new Error("Command failed"), { stderr });
      },
    };
    const lines = [];
    const rows = await rounds([field[0], failing], 2, (line) => lines.push(line));
    expect(rows[1]).toMatchObject({ samples: [], skipped: "TypeError: slab already given back" });
    expect(lines.join("\n")).toContain("    at give (x.js:3:9)");
    expect(lines.filter((l) => l.includes("not run"))).toHaveLength(1);
    expect(reason({ stderr: "Traceback\n  File x\nhttpx.ConnectError: refused\n" })).toBe(
      "httpx.ConnectError: refused",
    );
    expect(reason(new Error("spawn curl ENOENT"))).toBe("spawn curl ENOENT");
  });
});
