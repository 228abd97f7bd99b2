import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient, type HubClient } from "@hfkit/http";
import { listFiles } from "@hfkit/repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Row } from "../encode/batch.js";
import { loadDataset } from "./load-dataset.js";
import { pushDataset } from "./push-dataset.js";

// A dataset re-pushed with rows appended, through the emulator's Xet storage: the shard is
// rewritten whole, but its unchanged row groups chunk the same way, so only the new data
// (and the footer) reach the CAS.
let server: EmulatorServer;
let hub: HubClient;
let work: string;

beforeAll(async () => {
  server = await startEmulatorServer({ port: 0 });
  hub = createHubClient({ endpoint: server.url, token: "hf_xet_repush", env: {} });
  work = await mkdtemp(join(tmpdir(), "hfkit-xet-repush-"));
});
afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

/** Rows with little repetition, so Parquet cannot shrink them much and dedup has to earn its figure. */
const rows = (n: number): Row[] =>
  Array.from({ length: n }, (_, i) => ({
    id: i,
    text: `row ${i} ${((i * 2654435761) >>> 0).toString(36)} ${((i * 40503) % 65521).toString(16)}`,
    score: ((i * 7919) % 10007) / 10007,
  }));

const xorbBytes = () =>
  server.emulator.requestLog
    .filter((e) => e.method === "POST" && new URL(e.url).pathname.startsWith("/v1/xorbs/"))
    .reduce((sum, e) => sum + e.bodyBytes, 0);

describe("a re-push with rows appended, through Xet", () => {
  it("sends only a small part of the rewritten shard", { timeout: 300_000 }, async () => {
    const repo = "local/appended";
    const first = rows(300_000);
    await pushDataset(hub, { repo, data: first });
    const firstBytes = xorbBytes();
    let shardSize = 0;
    for await (const f of listFiles(hub, { repo: `datasets/${repo}`, recursive: true }))
      if (f.type === "file" && f.path.endsWith(".parquet")) shardSize += f.size;
    expect(shardSize).toBeGreaterThan(1_000_000);
    server.emulator.clearRequestLog();

    const second = rows(315_000);
    await pushDataset(hub, { repo, data: second });
    const secondBytes = xorbBytes();
    // Measured: a 7.3 MB shard, 5.8 MB of xorbs the first time, 0.5 MB for 5 % more rows.
    expect(firstBytes).toBeGreaterThan(shardSize / 2);
    expect(secondBytes).toBeGreaterThan(0);
    expect(secondBytes).toBeLessThan(firstBytes * 0.15);
    const back: Row[] = [];
    for await (const row of loadDataset(hub, { repo, split: "train", cacheDir: join(work, "cache") }))
      back.push(row);
    expect(back.length).toBe(second.length);
    expect(back.slice(-2).map((r) => ({ ...r, id: Number(r.id) }))).toEqual(second.slice(-2));
  });
});
