import { subscribe, unsubscribe } from "node:diagnostics_channel";
import fs, { readFileSync, writeSync } from "node:fs";
import fsp, { mkdtemp, rm, writeFile } from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient, type HubClient } from "@hfkit/http";
import { createRepo, getPathsInfo } from "@hfkit/repo";
import { pythonSkipReason, runPython } from "@hfkit/testing/python";
import { XET_CHANNELS, type XetUploadEvent } from "@hfkit/xet";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { COMMIT_CHANNELS } from "./events.js";
import { noise, sha256 } from "./test-utils/files.js";
import type { CommitProgressEvent } from "./types.js";
import { uploadFile, uploadFileIter } from "./upload-file.js";

// Local files committed through Xet in one read (ADR 0019), over loopback HTTP to the emulator:
// chunked, BLAKE3- and SHA-256-hashed in the same pass, xorbs leaving while the file is read.
const MiB = 1 << 20;
const TOKEN = "hf_commit_xet_one_pass";
let server: EmulatorServer;
let hub: HubClient;
let home = "";
let repo = "";
let repos = 0;

beforeAll(async () => {
  server = await startEmulatorServer({ port: 0 });
  home = await mkdtemp(join(tmpdir(), "hfkit-commit-one-pass-"));
  hub = createHubClient({ endpoint: server.url, token: TOKEN, env: { HF_HOME: join(home, "hf") } });
});
afterAll(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});
beforeEach(async () => {
  repo = `local/one-pass-${++repos}`;
  await createRepo(hub, { repo });
  server.emulator.clearRequestLog();
});

const calls = () => server.emulator.requestLog.map((e) => `${e.method} ${new URL(e.url).pathname}`);

async function localFile(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(home, `${repos}-${name}`);
  await writeFile(path, bytes);
  return path;
}

/** Counts every open of `path` through node:fs and node:fs/promises (read streams included). */
function countOpens(path: string): () => number {
  let opens = 0;
  const originals = { open: fs.open, openSync: fs.openSync, promisesOpen: fsp.open };
  fs.open = ((file: unknown, ...rest: unknown[]) => {
    if (file === path) opens++;
    return (originals.open as (...args: unknown[]) => void)(file, ...rest);
  }) as typeof fs.open;
  fs.openSync = ((file: unknown, ...rest: unknown[]) => {
    if (file === path) opens++;
    return (originals.openSync as (...args: unknown[]) => number)(file, ...rest);
  }) as typeof fs.openSync;
  fsp.open = ((file: unknown, ...rest: unknown[]) => {
    if (file === path) opens++;
    return (originals.promisesOpen as (...args: unknown[]) => Promise<unknown>)(file, ...rest);
  }) as typeof fsp.open;
  syncBuiltinESMExports();
  onTestFinished(() => {
    Object.assign(fs, { open: originals.open, openSync: originals.openSync });
    fsp.open = originals.promisesOpen;
    syncBuiltinESMExports();
  });
  return () => opens;
}

type Logged = { from: "commit"; event: CommitProgressEvent } | { from: "xet"; event: XetUploadEvent };

/** Commit and Xet events in the order they are emitted (both channels publish synchronously). */
function eventLog(onEvent?: (entry: Logged) => void): Logged[] {
  const log: Logged[] = [];
  const listen = (from: Logged["from"]) => (message: unknown) => {
    log.push({ from, event: (message as { event: never }).event });
    onEvent?.(log.at(-1)!);
  };
  const listeners = [
    [COMMIT_CHANNELS.event, listen("commit")],
    [XET_CHANNELS.event, listen("xet")],
  ] as const;
  for (const [name, listener] of listeners) subscribe(name, listener);
  onTestFinished(() => {
    for (const [name, listener] of listeners) unsubscribe(name, listener);
  });
  return log;
}

describe("a new local file through Xet", () => {
  it("is read once, its xorbs sent while it is read, with no LFS batch; the pass's SHA-256 is committed", {
    timeout: 120_000,
  }, async () => {
    const bytes = noise(40 * MiB + 5, 71);
    const path = await localFile("weights.bin", bytes);
    const opens = countOpens(path);
    const log = eventLog();
    const result = await uploadFile(hub, { repo, file: path, pathInRepo: "weights.bin" });
    expect(result.created).toBe(true);
    // Once for the preupload's 512-byte sample, once for the pass (the batch path opens it a third time).
    expect(opens()).toBe(2);

    const log1 = calls();
    expect(log1.filter((c) => c.includes("/info/lfs/objects/batch"))).toEqual([]);
    expect(log1.filter((c) => c.startsWith("PUT "))).toEqual([]);
    expect(log1.filter((c) => c.includes("/xet-write-token/"))).toEqual([
      `GET /api/models/${repo}/xet-write-token/main`,
    ]);
    expect(log1.filter((c) => c.startsWith("POST /v1/xorbs/")).length).toBeGreaterThanOrEqual(2);

    // The first xorb is accepted before the last bytes of the file are read (and hashed).
    const readEnd = log.findIndex(
      (l) =>
        l.from === "commit" && l.event.type === "file-hash-progress" && l.event.bytesHashed === bytes.length,
    );
    const firstXorb = log.findIndex((l) => l.from === "xet" && l.event.type === "xet-xorb-uploaded");
    expect(readEnd).toBeGreaterThan(0);
    expect(firstXorb).toBeGreaterThanOrEqual(0);
    expect(firstXorb).toBeLessThan(readEnd);
    const commitEvents = log.filter((l) => l.from === "commit").map((l) => l.event);
    expect(commitEvents.find((e) => e.type === "lfs-object-uploaded")).toEqual({
      type: "lfs-object-uploaded",
      path: "weights.bin",
      oid: sha256(bytes),
      size: bytes.length,
      transfer: "xet",
    });
    expect(commitEvents.some((e) => e.type === "lfs-upload-progress")).toBe(false);

    const [info] = await getPathsInfo(hub, { repo, paths: ["weights.bin"] });
    expect(info).toMatchObject({ size: bytes.length, lfs: { oid: sha256(bytes) } });
    expect((info as { xetHash?: string }).xetHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is refused when it is modified while read, and nothing is committed", {
    timeout: 120_000,
  }, async () => {
    const bytes = noise(40 * MiB, 72);
    const path = await localFile("edited.bin", bytes);
    let edited = false;
    eventLog((entry) => {
      // Same size, other bytes, while the pass is under way: only the modification time tells.
      if (!edited && entry.from === "commit" && entry.event.type === "file-hash-progress") {
        if (entry.event.bytesHashed === 0) return;
        edited = true;
        const fd = fs.openSync(path, "r+");
        writeSync(fd, noise(MiB, 73), 0, MiB, 20 * MiB);
        fs.closeSync(fd);
      }
    });
    await expect(uploadFile(hub, { repo, file: path, pathInRepo: "edited.bin" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/changed while it was read \(modified\)/),
    });
    expect(edited).toBe(true);
    expect(calls().filter((c) => c.includes("/commit/"))).toEqual([]);
    expect(calls().filter((c) => c === "POST /v1/shards")).toEqual([]);
  });

  it("at a path the revision holds is hashed first: unchanged, it is neither sent nor committed", {
    timeout: 120_000,
  }, async () => {
    const bytes = noise(12 * MiB, 74);
    const path = await localFile("same.bin", bytes);
    await uploadFile(hub, { repo, file: path, pathInRepo: "same.bin" });
    server.emulator.clearRequestLog();
    const events: CommitProgressEvent[] = [];
    const run = uploadFileIter(hub, { repo, file: path, pathInRepo: "same.bin" });
    let step = await run.next();
    for (; !step.done; step = await run.next()) events.push(step.value);
    expect(step.value.created).toBe(false);
    expect(events).toContainEqual({ type: "file-skipped", path: "same.bin", reason: "unchanged" });
    expect(calls().filter((c) => c.startsWith("POST /v1/") || c.includes("/commit/"))).toEqual([]);
  });

  it("goes through Git LFS when the repo has Xet turned off", { timeout: 120_000 }, async () => {
    const settings = await fetch(`${server.url}/api/models/${repo}/settings`, {
      method: "PUT",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ xetEnabled: false }),
    });
    expect(settings.status).toBe(200);
    server.emulator.clearRequestLog();
    const bytes = noise(12 * MiB, 75);
    const path = await localFile("lfs.bin", bytes);
    const events: CommitProgressEvent[] = [];
    const run = uploadFileIter(hub, { repo, file: path, pathInRepo: "lfs.bin" });
    let step = await run.next();
    for (; !step.done; step = await run.next()) events.push(step.value);
    expect(step.value.created).toBe(true);
    const log = calls();
    // The refused exchange sends the commit down the LFS batch, whose answer is `basic`.
    const exchange = server.emulator.requestLog.find((e) => e.url.includes("/xet-write-token/"));
    expect(exchange?.status).toBe(403);
    expect(log).toContain(`POST /${repo}.git/info/lfs/objects/batch`);
    expect(log.some((c) => c.startsWith("PUT "))).toBe(true);
    expect(log.some((c) => c.startsWith("POST /v1/"))).toBe(false);
    expect(events.find((e) => e.type === "lfs-object-uploaded")).toMatchObject({
      oid: sha256(bytes),
      transfer: "basic",
    });
  });

  it.skipIf(pythonSkipReason())(
    "is downloaded byte for byte by huggingface_hub (hf_xet)",
    {
      timeout: 300_000,
    },
    async () => {
      const bytes = noise(12 * MiB + 3, 76);
      const path = await localFile("py.bin", bytes);
      await uploadFile(hub, { repo, file: path, pathInRepo: "py.bin" });
      expect(calls().some((c) => c.includes("/info/lfs/objects/batch"))).toBe(false);
      const out = await runPython(
        `import sys
from huggingface_hub import hf_hub_download
print(hf_hub_download(sys.argv[1], "py.bin"))`,
        {
          env: { HF_ENDPOINT: server.url, HF_TOKEN: TOKEN, HF_HOME: join(home, "py") },
          args: [repo],
        },
      );
      expect(sha256(readFileSync(out.trim()))).toBe(sha256(bytes));
    },
  );
});
