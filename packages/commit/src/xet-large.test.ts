import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient, type HubClient } from "@hfkit/http";
import { createRepo, downloadFile } from "@hfkit/repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitIter } from "./commit.js";
import { noise } from "./test-utils/files.js";
import type { CommitProgressEvent } from "./types.js";

// A 1 GiB file read from disk, committed through Xet and downloaded back by reconstruction:
// nothing in the path holds the file in memory, and the zero runs of a sparse file collapse
// into a handful of distinct chunks, so only a few MiB cross the wire.
const MiB = 1 << 20;
const GiB = 1 << 30;
let server: EmulatorServer;
let hub: HubClient;
let home = "";

beforeAll(async () => {
  server = await startEmulatorServer({ port: 0 });
  home = await mkdtemp(join(tmpdir(), "hfkit-commit-xet-large-"));
  hub = createHubClient({
    endpoint: server.url,
    token: "hf_commit_xet_large",
    env: { HF_HOME: join(home, "hf") },
  });
});
afterAll(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const piece of createReadStream(path, { highWaterMark: 4 * MiB })) hash.update(piece as Buffer);
  return hash.digest("hex");
}

describe("a 1 GiB sparse file through Xet", () => {
  it("is committed from disk and downloaded back byte for byte, sending only its distinct chunks", {
    timeout: 600_000,
  }, async () => {
    const path = join(home, "sparse.bin");
    const file = await open(path, "w");
    await file.truncate(GiB);
    // Three islands of noise in a sea of zeros: at the start, across the middle, at the very end.
    for (const [offset, seed] of [
      [0, 61],
      [GiB / 2 - 500_000, 62],
      [GiB - MiB, 63],
    ] as const) {
      await file.write(noise(MiB, seed), 0, MiB, offset);
    }
    await file.close();

    const repo = "local/sparse";
    await createRepo(hub, { repo });
    const events: CommitProgressEvent[] = [];
    const run = commitIter(hub, {
      repo,
      message: "a sparse GiB",
      operations: [{ type: "add", path: "sparse.bin", file: path }],
    });
    let step = await run.next();
    for (; !step.done; step = await run.next()) events.push(step.value);
    const result = step.value;
    expect(result.created).toBe(true);
    const done = events.find((e) => e.type === "xet-upload-done");
    if (done?.type !== "xet-upload-done")
      throw new Error(`no xet-upload-done event: ${JSON.stringify(events)}`);
    // 3 MiB of noise plus the few chunks the zeros make; the rest is deduplicated.
    expect(done.bytesUploaded).toBeLessThan(8 * MiB);
    expect(done.bytesDeduplicated).toBeGreaterThan(GiB - 8 * MiB);
    const log = server.emulator.requestLog.map((e) => `${e.method} ${new URL(e.url).pathname}`);
    expect(log.some((l) => l.startsWith("PUT "))).toBe(false);

    const downloaded = await downloadFile(hub, { repo, path: "sparse.bin" });
    expect("path" in downloaded).toBe(true);
    if (!("path" in downloaded)) return;
    expect(downloaded.size).toBe(GiB);
    expect(await sha256File(downloaded.path)).toBe(await sha256File(path));
    expect(server.emulator.requestLog.some((e) => /\/v[12]\/reconstructions\//.test(e.url))).toBe(true);
  });
});
