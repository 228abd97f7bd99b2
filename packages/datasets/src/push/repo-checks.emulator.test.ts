import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient, HTTP_CHANNELS, type HubClient, type RequestStartEvent } from "@hfkit/http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { pushDataset } from "./push-dataset.js";

// The requests a push makes before its first upload are on its critical path for small data
// (on the Hub, a round trip each). The card check reads the branch head once for every split,
// and that read also says whether the repo exists: the repo is not looked up a second time.
let server: EmulatorServer;
let hub: HubClient;
let work: string;

beforeAll(async () => {
  server = await startEmulatorServer({
    port: 0,
    users: [{ token: "hf_push_test", user: "local", role: "write" }],
  });
  hub = createHubClient({ endpoint: server.url, token: "hf_push_test", env: {} });
  work = await mkdtemp(join(tmpdir(), "hfkit-push-repo-checks-"));
});
afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

/** "METHOD path" of each request the push starts, up to its first preupload. */
async function requestsBeforeUpload(push: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (message: unknown) => {
    const { method, url } = message as RequestStartEvent;
    seen.push(`${method} ${new URL(url).pathname}`);
  };
  subscribe(HTTP_CHANNELS.start, listener);
  try {
    await push();
  } finally {
    unsubscribe(HTTP_CHANNELS.start, listener);
  }
  const first = seen.findIndex((r) => r.includes("/preupload/"));
  expect(first).toBeGreaterThan(0);
  return seen.slice(0, first);
}

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i, text: `t${i}` }));

describe("the repo checks before a push's first upload", () => {
  test("a new repo: the branch head is read once, then the repo is created without another lookup", async () => {
    const before = await requestsBeforeUpload(() =>
      pushDataset(hub, {
        repo: "datasets/local/checks-new",
        splits: { train: rows(20), test: rows(5) },
        tempDir: work,
      }),
    );
    expect(before).toEqual(["GET /api/datasets/local/checks-new/revision/main", "POST /api/repos/create"]);
  });

  test("an existing repo: the branch head and card are read once, and the repo is not looked up again", async () => {
    const before = await requestsBeforeUpload(() =>
      pushDataset(hub, {
        repo: "datasets/local/checks-new",
        splits: { train: rows(30), test: rows(6) },
        tempDir: work,
      }),
    );
    expect(before.filter((r) => r.endsWith("/revision/main"))).toHaveLength(1);
    expect(before).not.toContain("GET /api/datasets/local/checks-new");
    expect(before).not.toContain("POST /api/repos/create");
  });
});
