import { describe, expect, it } from "vitest";
import { lfsPhases } from "../lib.mjs";

// Request logs as the clients write them with HFKIT_BENCH_PHASES=1: [method, URL, start, end],
// ms from the clock's start (hfkit's URLs redacted, Python's as httpx sent them).
const hfkit = [
  ["POST", "http://127.0.0.1:4000/api/models/local/r/preupload/main", 9, 22],
  ["POST", "http://127.0.0.1:4000/local/r.git/info/lfs/objects/batch", 44, 48],
  ["PUT", "http://localhost:4000/part/u/1?X-Amz-Signature=%5BREDACTED%5D", 51, 120],
  ["PUT", "http://localhost:4000/part/u/2?X-Amz-Signature=%5BREDACTED%5D", 52, 128],
  ["POST", "http://127.0.0.1:4000/api/complete_multipart?uploadId=u", 128.5, 131],
  ["POST", "http://127.0.0.1:4000/api/models/local/r/commit/main", 131.5, 135],
];
const python = [
  ["GET", "http://127.0.0.1:4000/api/agent-harnesses", 26, 30],
  ["POST", "http://127.0.0.1:4000/api/models/local/r/preupload/main", 30, 33],
  ["POST", "http://127.0.0.1:4000/local/r.git/info/lfs/objects/batch", 58, 60],
  ["PUT", "http://localhost:4000/part/u/1?X-Amz-Signature=s", 60.5, 80],
  ["PUT", "http://localhost:4000/part/u/2?X-Amz-Signature=s", 80.2, 95],
  ["POST", "http://127.0.0.1:4000/api/complete_multipart?uploadId=u", 95.3, 97],
  ["POST", "http://127.0.0.1:4000/api/models/local/r/commit/main", 97.2, 100],
];

describe("lfsPhases", () => {
  it("splits a call at the LFS batch, the first part PUT and the last PUT's answer", () => {
    expect(lfsPhases(hfkit, 0.136)).toEqual({ batch: 44, toPut: 7, puts: 77, tail: 8 });
    const py = lfsPhases(python, 0.1);
    expect(py).toMatchObject({ batch: 58, puts: 34.5 });
    expect(py.toPut).toBeCloseTo(2.5);
    expect(py.tail).toBeCloseTo(5);
  });

  it("takes the parts in parallel from the first start to the last answer, whatever the log order", () => {
    const reordered = [hfkit[0], hfkit[1], hfkit[3], hfkit[2], ...hfkit.slice(4)];
    expect(lfsPhases(reordered, 0.136)).toEqual(lfsPhases(hfkit, 0.136));
  });

  it("gives nothing for a call without an LFS batch or a PUT (an Xet upload)", () => {
    const xet = [
      ["GET", "http://127.0.0.1:4000/api/models/local/r/xet-write-token/main", 4, 20],
      ["POST", "http://localhost:4001/v1/xorbs/default/abc", 70, 80],
      ["POST", "http://127.0.0.1:4000/api/models/local/r/commit/main", 200, 204],
    ];
    expect(lfsPhases(xet, 0.21)).toBeUndefined();
    expect(
      lfsPhases(
        hfkit.filter(([method]) => method !== "PUT"),
        0.136,
      ),
    ).toBeUndefined();
  });
});
