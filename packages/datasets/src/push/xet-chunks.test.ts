import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient, type HubClient } from "@hfkit/http";
import { getPathsInfo } from "@hfkit/repo";
import { hashToHex, hexToHash, loadXetHashes, type XetSource } from "@hfkit/xet";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Row } from "../encode/batch.js";
import { loadDataset } from "./load-dataset.js";
import { prepareDatasetPush } from "./prepare-push.js";
import { pushDataset } from "./push-dataset.js";

// The shard's Xet chunks are computed while it is written and handed to the Xet upload, which
// then only reads, compresses and sends it: what the upload was given, and what the Hub holds.
const given: XetSource[] = [];
vi.mock("@hfkit/xet", async (original) => {
  const xet = await original<typeof import("@hfkit/xet")>();
  return {
    ...xet,
    uploadXetIter: (...args: Parameters<typeof xet.uploadXetIter>) => {
      given.push(...args[1].files);
      return xet.uploadXetIter(...args);
    },
  };
});

let server: EmulatorServer;
let hub: HubClient;
let work: string;

beforeAll(async () => {
  server = await startEmulatorServer({ port: 0 });
  hub = createHubClient({ endpoint: server.url, token: "hf_xet_chunks", env: {} });
  work = await mkdtemp(join(tmpdir(), "hfkit-xet-chunks-"));
});
afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

const rows = (n: number): Row[] =>
  Array.from({ length: n }, (_, i) => ({ id: i, text: `row ${i} ${((i * 2654435761) >>> 0).toString(36)}` }));

describe("a push through Xet", () => {
  it("hands the upload the chunks computed while the shard was written", { timeout: 300_000 }, async () => {
    const repo = "datasets/local/pre-chunked";
    const data = rows(60_000);
    await pushDataset(hub, { repo, data });
    expect(given).toHaveLength(1);
    const file = given[0] as { path: string; sha256: string; chunks: { hash: string; size: number }[] };
    expect(file.chunks.length).toBeGreaterThan(1);
    const [info] = await getPathsInfo(hub, { repo, paths: ["data/train-00000-of-00001.parquet"] });
    expect(info).toMatchObject({
      size: file.chunks.reduce((n, c) => n + c.size, 0),
      lfs: { oid: file.sha256 },
    });
    const hashes = await loadXetHashes();
    const chunks = file.chunks.map((c) => ({ hash: hexToHash(c.hash), size: c.size }));
    expect((info as { xetHash?: string }).xetHash).toBe(hashToHex(hashes.file(chunks)));
    const back: Row[] = [];
    for await (const row of loadDataset(hub, { repo, split: "train", cacheDir: join(work, "cache") }))
      back.push(row);
    expect(back.map((r) => ({ ...r, id: Number(r.id) }))).toEqual(data);
  });

  it("chunks the shards while writing only when the upload may go through Xet", {
    timeout: 300_000,
  }, async () => {
    const shardsOf = async (useXet: boolean | undefined) => {
      const prepared = await prepareDatasetPush({
        data: rows(1000),
        upload: {
          client: hub,
          repo: `datasets/local/prepared-${useXet}`,
          ...(useXet !== undefined ? { useXet } : {}),
        },
        folder: join(work, `prepared-${useXet}`),
      });
      return prepared.splits[0]!.shards;
    };
    const [xet] = await shardsOf(undefined);
    expect(xet!.xetChunks!.reduce((n, c) => n + c.size, 0)).toBe(xet!.bytes);
    const [lfs] = await shardsOf(false);
    expect(lfs!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lfs!.xetChunks).toBeUndefined();
  });
});
