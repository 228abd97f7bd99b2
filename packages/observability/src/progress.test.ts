import { channel } from "node:diagnostics_channel";
import { join } from "node:path";
import { uploadFile, uploadFolder } from "@hfkit/commit";
import { createEmulator } from "@hfkit/emulator";
import { createHubClient, RepoNotFoundError } from "@hfkit/http";
import { phase, type SpanStartEvent, WORK_CHANNELS, withSpan } from "@hfkit/http/work";
import { createRepo } from "@hfkit/repo";
import { beforeAll, describe, expect, it } from "vitest";
import { HFKIT_CHANNELS } from "./channels.js";
import { type ProgressOptions, renderProgress } from "./progress.js";
import { noise, tempFolder } from "./test-utils/index.js";

const MiB = 1 << 20;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape code a redraw erases with
const ERASE = /(\x1b\[\d+F\x1b\[J)/;
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

/** What a commit publishes when w.bin (4 MB), sent through Xet, is stored. */
const stored = (label: { repo: string; revision: string }) =>
  channel(HFKIT_CHANNELS.commit).publish({
    ...label,
    event: {
      type: "lfs-object-uploaded",
      path: "w.bin",
      oid: "a".repeat(64),
      size: 4_000_000,
      transfer: "xet",
    },
  });

describe("renderProgress", () => {
  it("draws coloured bars, rates and phases on a terminal, and a line per finished file", async () => {
    const text = await render({ intervalMs: 0, env: {} }, true);
    expect(text).toContain("█");
    expect(text).toContain("\x1b[32m");
    expect(text).toMatch(/uploading big\.bin .* \/ 5\.2 MB .*\/s/);
    expect(text).toContain("commit › LFS upload");
    expect(text).not.toContain("commit.");
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
      stored(label);
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

  /** A renderer drawing into a string on a terminal, with a clock the test moves. */
  function terminal(tty = true) {
    const out: string[] = [];
    const clock = { t: 1_000 };
    const progress = renderProgress({
      stream: { write: (s: string) => out.push(s), isTTY: tty },
      intervalMs: 0,
      now: () => clock.t,
      env: { NO_COLOR: "1" },
    });
    return { out, clock, progress, text: () => out.join("") };
  }
  /** The lines a terminal is left showing: each redraw's `ESC[nF ESC[J` erases the n lines above. */
  const screen = (text: string) => {
    const lines: string[] = [];
    for (const part of text.split(ERASE)) {
      if (ERASE.test(part)) lines.splice(lines.length - Number.parseInt(part.slice(2), 10));
      else lines.push(...part.split("\n").slice(0, -1));
    }
    return lines;
  };

  it("draws a file a commit sends through Xet on one bar and ends it on one line, when it is stored", async () => {
    const commits = channel(HFKIT_CHANNELS.commit);
    const xet = channel(HFKIT_CHANNELS.xet);
    const label = { repo: "me/m", revision: "main" };
    const { clock, progress, text } = terminal();
    // What a commit that reads a file once through Xet publishes: the Xet session's progress
    // as it reads, the commit's relay of it (coalesced, so it can come after the read ended),
    // then the file stored.
    const read = (bytes: number) =>
      xet.publish({
        repo: "me/m",
        event: { type: "xet-file-progress", file: "w.bin", bytesRead: bytes, totalBytes: 4_000_000 },
      });
    const relayed = (bytes: number) =>
      commits.publish({
        ...label,
        event: { type: "file-hash-progress", path: "w.bin", bytesHashed: bytes, totalBytes: 4_000_000 },
      });
    try {
      await withSpan("operation", "commit", label, async () => {
        await phase("commit.xet-upload", { files: 1 }, async () => {
          await withSpan("operation", "xet.upload", { repo: "me/m", files: 1 }, async () => {
            read(0);
            clock.t = 2_000;
            read(2_000_000);
            relayed(2_000_000);
            clock.t = 3_000;
            read(4_000_000);
          });
          relayed(4_000_000);
        });
        clock.t = 6_000;
        stored(label);
      });
    } finally {
      progress.stop();
    }
    expect(text()).toMatch(/uploading w\.bin .* 2\.0 MB \/ 4\.0 MB/);
    expect(text()).not.toContain("hashing w.bin");
    expect(screen(text()).filter((l) => l.includes("w.bin ("))).toEqual(["uploaded w.bin (4.0 MB in 5.0s)"]);
  });

  it("ends a file of a Xet upload on its own (no commit around it) with a line", async () => {
    const xet = channel(HFKIT_CHANNELS.xet);
    const { clock, progress, text } = terminal(false);
    try {
      await withSpan("operation", "xet.upload", { repo: "me/m", files: 1 }, async () => {
        xet.publish({
          repo: "me/m",
          event: { type: "xet-file-progress", file: "w.bin", bytesRead: 0, totalBytes: 4_000_000 },
        });
        clock.t = 3_000;
        xet.publish({
          repo: "me/m",
          event: { type: "xet-file-progress", file: "w.bin", bytesRead: 4_000_000, totalBytes: 4_000_000 },
        });
      });
    } finally {
      progress.stop();
    }
    expect(text().split("\n")).toEqual([
      "done w.bin (4.0 MB in 2.0s)",
      expect.stringMatching(/^Xet upload done in /),
      "",
    ]);
  });

  it("gives a download inside another operation (a push reading its card) no line; one of its own gets one", async () => {
    const downloads = channel(HFKIT_CHANNELS.download);
    const card = (path: string) =>
      downloads.publish({
        repo: "datasets/me/d",
        revision: "main",
        event: { type: "file-download-progress", path, bytes: 300, totalBytes: 300 },
      });
    const { progress, text } = terminal(false);
    try {
      await withSpan("operation", "datasets.push", { repo: "datasets/me/d" }, () =>
        withSpan("operation", "download", { repo: "datasets/me/d" }, async () => card("README.md")),
      );
      await withSpan("operation", "download", { repo: "datasets/me/d" }, async () => card("other.md"));
    } finally {
      progress.stop();
    }
    expect(text()).not.toContain("README.md");
    expect(text()).toMatch(
      /^datasets push done in \d+ms\ndone other\.md \(300 B in 0ms\)\ndownload done in /,
    );
  });

  it("names the running phases in words, one path per operation, steady while short phases come and go", () => {
    const start = channel(WORK_CHANNELS.start);
    const end = channel(WORK_CHANNELS.end);
    const { out, progress } = terminal();
    const span = (id: number, parentId: number | undefined, name: string, kind: "operation" | "phase") => {
      const event: SpanStartEvent = {
        id,
        parentId,
        kind,
        name,
        attributes: name === "datasets.write-shards" ? { split: "train" } : {},
      };
      start.publish(event);
      return () => end.publish({ ...event, durationMs: 5 });
    };
    const phasesLine = () => screen(out.join(""))[0];
    const seen: (string | undefined)[] = [];
    try {
      const push = span(901, undefined, "datasets.push", "operation");
      const write = span(902, 901, "datasets.write-shards", "operation");
      const shard = span(903, 902, "datasets.shard", "phase");
      seen.push(phasesLine());
      const commit = span(904, 903, "commit", "operation");
      const hash = span(905, 904, "commit.hash", "phase");
      seen.push(phasesLine());
      shard(); // the shard's upload goes on after its span ended
      for (let i = 0; i < 3; i++) span(910 + i, 904, "commit.lfs-upload", "phase")();
      seen.push(phasesLine());
      hash();
      const upload = span(920, 904, "commit.lfs-upload", "phase");
      const xorb = span(921, 920, "xet.xorb-upload", "phase");
      seen.push(phasesLine());
      write();
      seen.push(phasesLine());
      xorb();
      upload();
      commit();
      push();
    } finally {
      progress.stop();
    }
    expect(seen).toEqual([
      "datasets push › writing train",
      "datasets push › writing train › commit › hashing",
      "datasets push › writing train › commit › hashing",
      "datasets push › writing train › commit › LFS upload",
      "datasets push › commit › LFS upload",
    ]);
  });

  it("prints no line for an operation that fails: the caller reports it, or retries it", async () => {
    // Over 10 MiB: hashed while the preupload is asked (LFS), or read once through Xet.
    const home = await tempFolder({ "huge.bin": noise(11 * MiB, 3) });
    const xetHub = createEmulator({ xet: true });
    const xetClient = createHubClient({
      endpoint: xetHub.baseUrl,
      fetch: xetHub.fetch,
      token: "hf_progress_test",
      env: { HF_HOME: join(home, "hf") },
    });
    const file = join(home, "huge.bin");
    for (const [client, tty] of [
      [hub, true],
      [xetClient, true],
      [xetClient, false],
    ] as const) {
      const { progress, text } = terminal(tty);
      const repo = `local/retry-${++repos}`;
      try {
        // As `hfkit upload` does: the first attempt finds no repo, the repo is made, the upload runs again.
        await expect(uploadFile(client, { repo, file, pathInRepo: "huge.bin" })).rejects.toSatisfy((e) =>
          RepoNotFoundError.isInstance(e),
        );
        expect(screen(text())).toEqual([]);
        progress.note(`created ${repo}`);
        await createRepo(client, { repo });
        await uploadFile(client, { repo, file, pathInRepo: "huge.bin" });
      } finally {
        progress.stop();
      }
      expect(text()).not.toContain("failed");
      expect(screen(text())).toEqual([
        `created ${repo}`,
        expect.stringMatching(/^uploaded huge\.bin \(12 MB in \d+m?s\)$/),
        expect.stringMatching(/^commit done in \d+ms$/),
      ]);
    }
  });

  it("takes down the bars an operation left unfinished when it fails", async () => {
    const commits = channel(HFKIT_CHANNELS.commit);
    const { progress, text } = terminal();
    const hashed = (bytes: number) =>
      commits.publish({
        repo: "me/m",
        revision: "main",
        event: { type: "file-hash-progress", path: "w.bin", bytesHashed: bytes, totalBytes: 4_000_000 },
      });
    try {
      await expect(
        withSpan("operation", "commit", { repo: "me/m" }, async () => {
          hashed(1_000_000);
          throw new RepoNotFoundError("Repository me/m not found.", { status: 404 });
        }),
      ).rejects.toThrow("not found");
      expect(text()).toMatch(/hashing w\.bin .* 1\.0 MB \/ 4\.0 MB/);
      expect(screen(text())).toEqual([]);
    } finally {
      progress.stop();
    }
  });

  it("keeps every drawn line narrower than the terminal, so that a redraw erases all of it", () => {
    const datasets = channel(HFKIT_CHANNELS.datasets);
    const commits = channel(HFKIT_CHANNELS.commit);
    const out: string[] = [];
    const progress = renderProgress({
      stream: { write: (s: string) => out.push(s), isTTY: true, columns: 80 },
      intervalMs: 0,
      now: () => 1_000,
      env: { NO_COLOR: "1" },
    });
    const path = "data/train-00000-of-00001.parquet";
    try {
      datasets.publish({
        split: "train",
        event: { type: "rows-progress", split: "train", rows: 1, bytes: 10 },
      });
      commits.publish({
        repo: "datasets/me/d",
        revision: "main",
        event: {
          type: "lfs-upload-progress",
          path,
          oid: "b".repeat(64),
          bytesUploaded: 5_000,
          totalBytes: 13_000,
        },
      });
    } finally {
      progress.stop();
    }
    const drawn = out
      .filter((s) => !ERASE.test(s))
      .join("")
      .split("\n");
    // The path gives way, from its start; the bytes, rate and ETA stay.
    expect(drawn).toContainEqual(
      expect.stringMatching(/^uploading …[\w-]+\.parquet {2}[█░]{20} 5\.0 kB \/ 13 kB 5\.0 MB\/s ETA 2ms$/),
    );
    expect(drawn.filter((l) => l.length > 79)).toEqual([]);
  });
});
