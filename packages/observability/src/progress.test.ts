import { channel } from "node:diagnostics_channel";
import { uploadFolder } from "@hfkit/commit";
import { createEmulator } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { createRepo } from "@hfkit/repo";
import { beforeAll, describe, expect, it } from "vitest";
import { HFKIT_CHANNELS } from "./channels.js";
import { type ProgressOptions, renderProgress } from "./progress.js";
import { noise, tempFolder } from "./test-utils/index.js";

const MiB = 1 << 20;
const emulator = createEmulator({ multipartThreshold: 4 * MiB, multipartChunkSize: 2 * MiB, xet: false });
const hub = createHubClient({
  endpoint: emulator.baseUrl,
  fetch: emulator.fetch,
  token: "hf_progress_test",
  env: {},
});
let folder = "";
let repos = 0;
beforeAll(async () => {
  folder = await tempFolder({
    "README.md": "# p\n",
    "big.bin": noise(5 * MiB, 1),
    "small.bin": noise(100_000, 2),
  });
});

/** Uploads the folder to a new repo while a renderer draws into a string. */
async function render(options: Omit<ProgressOptions, "stream">, tty: boolean): Promise<string> {
  const out: string[] = [];
  const progress = renderProgress({ ...options, stream: { write: (s: string) => out.push(s), isTTY: tty } });
  try {
    const repo = `local/progress-${++repos}`;
    await createRepo(hub, { repo });
    await uploadFolder(hub, { repo, folder });
  } finally {
    progress.stop();
  }
  expect(Object.values(HFKIT_CHANNELS).filter((name) => channel(name).hasSubscribers)).toEqual([]);
  return out.join("");
}

describe("renderProgress", () => {
  it("draws coloured bars, rates and phases on a terminal, and a line per finished file", async () => {
    const text = await render({ intervalMs: 0, env: {} }, true);
    expect(text).toContain("█");
    expect(text).toContain("\x1b[32m");
    expect(text).toMatch(/uploading big\.bin .* \/ 5\.2 MB .*\/s/);
    expect(text).toContain("commit.lfs-upload");
    expect(text).toMatch(/uploaded big\.bin \(5\.2 MB in /);
    expect(text).toMatch(/commit done in /);
  });

  it("keeps the bars but drops colour when NO_COLOR is set", async () => {
    const text = await render({ intervalMs: 0, env: { NO_COLOR: "1" } }, true);
    expect(text).toContain("█");
    expect(text).not.toContain("\x1b[32m");
  });

  it("writes plain lines without bars or escape codes when the output is not a terminal", async () => {
    const text = await render({ env: {} }, false);
    expect(text).not.toContain("\x1b");
    expect(text).not.toContain("█");
    expect(text.trim().split("\n")).toEqual([
      expect.stringMatching(/^uploaded (big|small)\.bin \(/),
      expect.stringMatching(/^uploaded (big|small)\.bin \(/),
      expect.stringMatching(/^commit done in /),
    ]);
  });

  it("writes one JSON object per event for machines", async () => {
    const text = await render({ format: "json", env: {} }, true);
    const records = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.every((r) => r.source === "commit" && typeof r.time === "string")).toBe(true);
    expect(records.map((r) => r.type)).toEqual(
      expect.arrayContaining(["preupload-done", "lfs-object-uploaded", "commit-created"]),
    );
    expect(text).not.toContain("\x1b");
  });

  it("prints the caller's notes above the bars (JSON notes for machines) and a split's reading as a line", () => {
    const datasets = channel(HFKIT_CHANNELS.datasets);
    const out: string[] = [];
    const progress = renderProgress({
      stream: { write: (s: string) => out.push(s), isTTY: true },
      intervalMs: 0,
      env: {},
    });
    try {
      datasets.publish({
        split: "train",
        event: { type: "rows-progress", split: "train", rows: 10, bytes: 2_000_000 },
      });
      progress.note("created http://hub.test/datasets/me/x");
      datasets.publish({
        split: "train",
        event: {
          type: "shards-planned",
          split: "train",
          numShards: 1,
          numRows: 10,
          numBytes: 2_500_000,
          rowGroupRows: 10,
        },
      });
    } finally {
      progress.stop();
    }
    const text = out.join("");
    expect(text).toMatch(/reading train .*2\.0 MB .*\/s/);
    expect(text).toContain("created http://hub.test/datasets/me/x\n");
    const machine: string[] = [];
    const json = renderProgress({
      stream: { write: (s: string) => machine.push(s) },
      format: "json",
      env: {},
    });
    json.note("nothing changed");
    json.stop();
    expect(JSON.parse(machine.join(""))).toMatchObject({ type: "note", message: "nothing changed" });
    expect(Object.values(HFKIT_CHANNELS).filter((name) => channel(name).hasSubscribers)).toEqual([]);
  });

  it("times a file read once through Xet from its read's start: it reports no upload progress of its own", () => {
    const commits = channel(HFKIT_CHANNELS.commit);
    const out: string[] = [];
    let t = 1_000;
    const progress = renderProgress({ stream: { write: (s: string) => out.push(s) }, now: () => t, env: {} });
    const label = { repo: "me/m", revision: "main" };
    const hashed = (bytes: number) =>
      commits.publish({
        ...label,
        event: { type: "file-hash-progress", path: "w.bin", bytesHashed: bytes, totalBytes: 4_000_000 },
      });
    try {
      hashed(0);
      t = 3_000;
      hashed(4_000_000);
      t = 6_000;
      commits.publish({
        ...label,
        event: {
          type: "lfs-object-uploaded",
          path: "w.bin",
          oid: "a".repeat(64),
          size: 4_000_000,
          transfer: "xet",
        },
      });
    } finally {
      progress.stop();
    }
    expect(out.join("")).toContain("uploaded w.bin (4.0 MB in 5.0s)");
  });

  it("draws a new file at once, even right after a redraw; its later progress waits for the interval", () => {
    const datasets = channel(HFKIT_CHANNELS.datasets);
    const out: string[] = [];
    const progress = renderProgress({
      stream: { write: (s: string) => out.push(s), isTTY: true },
      intervalMs: 60_000,
      now: () => 1_000,
      env: {},
    });
    const rows = (split: string, bytes: number) =>
      datasets.publish({ split, event: { type: "rows-progress", split, rows: 1, bytes } });
    try {
      rows("train", 1_000);
      rows("test", 2_000);
      rows("test", 3_000);
    } finally {
      progress.stop();
    }
    const text = out.join("");
    expect(text).toMatch(/reading train /);
    expect(text).toMatch(/reading test .*2\.0 kB/);
    expect(text).not.toMatch(/3\.0 kB/);
  });
});
