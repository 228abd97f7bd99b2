import { describe, expect, it } from "vitest";
import { selectCases } from "../run.mjs";
import { advantage, renderMarkdown, roundsAhead, scoreCase, summarize } from "../stats.mjs";

describe("summarize", () => {
  it("gives min, median (mean of the middle two when even) and max, ignoring non-numbers", () => {
    expect(summarize([3, 1, 2])).toEqual({ n: 3, min: 1, median: 2, max: 3 });
    expect(summarize([4, 1, 3, 2, Number.NaN])).toEqual({ n: 4, min: 1, median: 2.5, max: 4 });
    expect(summarize([])).toBeUndefined();
  });
});

describe("advantage", () => {
  it("is contender time ÷ hfkit time for seconds, hfkit rate ÷ contender rate for rates", () => {
    expect(advantage({ median: 2 }, { median: 5 })).toBe(2.5);
    expect(advantage({ median: 900 }, { median: 300 }, true)).toBe(3);
    expect(advantage(undefined, { median: 1 })).toBeUndefined();
  });
});

describe("scoreCase and renderMarkdown", () => {
  const report = {
    startedAt: "2026-12-04T00:00:00.000Z",
    quick: true,
    runs: 3,
    elapsedSeconds: 42,
    machine: {
      cpus: 2,
      cpuModel: "Test CPU",
      memGiB: 8,
      os: "Linux 6",
      node: "20.20.2",
      loadStart: "1.00",
      loadEnd: "2.00",
    },
    versions: { "@huggingface/hub": "2.17.5", huggingface_hub: "1.33.0" },
    cases: [
      scoreCase({
        id: "upload-file",
        title: "Upload one 32 MiB file (seconds)",
        unit: "s",
        rows: [
          { contender: "hfkit", reference: true, samples: [1, 1.2, 1.1], rssMB: [100, 120, 110] },
          { contender: "@huggingface/hub", samples: [2.2, 2.4, 2.2], rssMB: [300, 310, 305] },
          { contender: "huggingface_hub", samples: [], rssMB: [], skipped: "Python venv unavailable" },
        ],
      }),
      scoreCase({
        id: "emulator-rps",
        title: "Requests per second",
        unit: "req/s",
        higherIsBetter: true,
        rows: [
          { contender: "emulator", reference: true, samples: [1000, 1200, 1100], rssMB: [] },
          { contender: "bare server", samples: [2000, 2200, 2400], rssMB: [] },
        ],
      }),
      { id: "listing", title: "List", rows: [], error: "emulator did not start" },
    ],
  };

  it("writes one table per case with min/median/max, the ratio to hfkit and the peak RSS", () => {
    const md = renderMarkdown(report);
    expect(md).toContain(
      "| contender | min s | median s | max s | contender ÷ hfkit | rounds hfkit ahead | peak RSS MB |",
    );
    expect(md).toContain("| hfkit | 1.00 | 1.10 | 1.20 | (reference) |  | 120 |");
    // 2.2 / 1.1 = 2: the official client took twice hfkit's time, and longer in every round.
    expect(md).toContain("| @huggingface/hub | 2.20 | 2.20 | 2.40 | 2.00× | 3 of 3 | 310 |");
    expect(md).toContain("| huggingface_hub | – | – | – | not run: Python venv unavailable | – | – |");
    // rates: 1100 / 2200 = 0.5, the bare server ahead of the emulator in every round.
    expect(md).toContain("| bare server | 2,000 | 2,200 | 2,400 | 0.50× | 0 of 3 | – |");
    expect(md).toContain("### List\n\nFailed: emulator did not start");
    expect(md).toContain(
      "Machine: 2× Test CPU, 8 GiB RAM, Linux 6, Node 20.20.2; load average 1.00 at the start, 2.00 at the end.",
    );
    expect(md).toContain("Versions: @huggingface/hub 2.17.5, huggingface_hub 1.33.0.");
    expect(md).toContain("(--quick), 3 runs per contender, 42 s in all.");
  });
});

describe("versus and roundsAhead", () => {
  it("compares a row with the hfkit row it names, round by round", () => {
    const scored = scoreCase({
      id: "upload-file",
      title: "Upload",
      rows: [
        { contender: "hfkit (Xet)", reference: true, samples: [5, 5], rounds: [0, 1] },
        { contender: "hfkit (LFS)", samples: [4, 3, 4], rounds: [0, 1, 2] },
        { contender: "peer (Xet)", samples: [6, 4], rounds: [0, 1] },
        // Round 1's sample is missing: the pairs are rounds 0 (4 < 5) and 2 (4 > 3.5), not in order.
        { contender: "peer (LFS)", versus: "hfkit (LFS)", samples: [5, 3.5], rounds: [0, 2] },
      ],
    });
    const [xet, lfs, peerXet, peerLfs] = scored.rows;
    expect(xet.hfkitAdvantage).toBeUndefined();
    // hfkit (LFS) is a row others are compared with: a reference, not a contender of hfkit (Xet).
    expect(lfs.hfkitAdvantage).toBeUndefined();
    expect(peerXet).toMatchObject({ hfkitAdvantage: 1, roundsAhead: { ahead: 1, of: 2 } });
    expect(peerXet.versus).toBeUndefined();
    expect(peerLfs).toMatchObject({ versus: "hfkit (LFS)", roundsAhead: { ahead: 1, of: 2 } });
    expect(peerLfs.hfkitAdvantage).toBeCloseTo(4.25 / 4);
    const md = renderMarkdown({ startedAt: "t", runs: 3, cases: [scored] });
    expect(md).toContain("| hfkit (LFS) | 3.00 | 4.00 | 4.00 | (reference) |  | – |");
    expect(md).toContain("| peer (LFS) | 3.50 | 4.25 | 5.00 | 1.06× vs hfkit (LFS) | 1 of 2 | – |");
  });

  it("pairs rows without round numbers in order and counts a tie as not ahead", () => {
    expect(roundsAhead({ samples: [1, 2, 3] }, { samples: [2, 2] })).toEqual({ ahead: 1, of: 2 });
    expect(roundsAhead({ samples: [10, 10] }, { samples: [5, 20] }, true)).toEqual({ ahead: 1, of: 2 });
  });
});

describe("selectCases", () => {
  const cases = [{ id: "upload-file" }, { id: "upload-folder" }, { id: "listing" }];
  it("takes ids and prefixes, and names the cases when one is unknown", () => {
    expect(selectCases("upload", cases).map((c) => c.id)).toEqual(["upload-file", "upload-folder"]);
    expect(selectCases("listing,upload-file", cases).map((c) => c.id)).toEqual(["upload-file", "listing"]);
    expect(selectCases(undefined, cases)).toBe(cases);
    expect(() => selectCases("uploads", cases)).toThrow(
      /no case named uploads; the cases are upload-file, upload-folder, listing/,
    );
  });
});
