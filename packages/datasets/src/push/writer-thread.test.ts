import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient, HTTP_CHANNELS, type HubClient, type RequestStartEvent } from "@hfkit/http";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { pushDataset } from "./push-dataset.js";

// A push's Parquet writer thread starts before anything else (its start-up, ~0.1 s of a core in
// a cold process, runs while the push's first request is made and the first rows are read), one
// thread writes every split, and it stops once the shards are uploaded, while the final commit
// is made (stopping it as the last shard's upload began took the main thread's time that the
// upload's requests wait on). Its start and stop are on one timeline with the push's requests.
const timeline: string[] = [];
vi.mock("node:worker_threads", async (original) => {
  const real = await original<typeof import("node:worker_threads")>();
  class Recorded extends real.Worker {
    constructor(source: string | URL, options?: import("node:worker_threads").WorkerOptions) {
      super(source, options);
      timeline.push("thread started");
      this.once("exit", () => timeline.push("thread exited"));
    }
    override terminate(): Promise<number> {
      timeline.push("thread stopped");
      return super.terminate();
    }
  }
  return { ...real, Worker: Recorded };
});

let server: EmulatorServer;
let hub: HubClient;
let work: string;
beforeAll(async () => {
  server = await startEmulatorServer({
    port: 0,
    users: [{ token: "hf_push_test", user: "local", role: "write" }],
  });
  hub = createHubClient({ endpoint: server.url, token: "hf_push_test", env: {} });
  work = await mkdtemp(join(tmpdir(), "hfkit-push-writer-thread-"));
});
afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

const rows = (n: number, from: number) =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, text: `t${from + i}` }));

describe("a push's writer thread", { timeout: 60_000 }, () => {
  test("starts before the first request, writes every split, and stops while the final commit is made", async () => {
    const listener = (message: unknown) => {
      const { method, url } = message as RequestStartEvent;
      timeline.push(`${method} ${new URL(url).pathname}`);
    };
    subscribe(HTTP_CHANNELS.start, listener);
    try {
      await pushDataset(hub, {
        repo: "datasets/local/writer-thread",
        splits: { train: rows(40, 0), test: rows(5, 40) },
        tempDir: work,
      });
      timeline.push("push returned");
    } finally {
      unsubscribe(HTTP_CHANNELS.start, listener);
    }
    expect(timeline[0]).toBe("thread started");
    expect(timeline[1]).toBe("GET /api/datasets/local/writer-thread/revision/main");
    expect(timeline.filter((e) => e === "thread started")).toHaveLength(1);
    const stopped = timeline.indexOf("thread stopped");
    const commit = timeline.indexOf("POST /api/datasets/local/writer-thread/commit/main");
    // after every request of the shards' uploads (LFS batch, Xet or LFS transfer), before the commit
    const lastUpload = timeline.findLastIndex((e) => /lfs\/objects\/batch|\/v1\/|\/lfs\//.test(e));
    expect(lastUpload).toBeGreaterThan(0);
    expect(stopped).toBeGreaterThan(lastUpload);
    expect(stopped).toBeLessThan(commit);
    expect(timeline.indexOf("thread exited")).toBeLessThan(timeline.indexOf("push returned"));
  });
});
