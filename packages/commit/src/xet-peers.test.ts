import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient, type HubClient } from "@hfkit/http";
import { createRepo } from "@hfkit/repo";
import { pythonSkipReason, runPython } from "@hfkit/testing/python";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { commit } from "./commit.js";
import { noise, sha256 } from "./test-utils/files.js";

// Commits through Xet over loopback HTTP, judged by huggingface_hub + hf_xet (Python), which
// reads them back through its own Xet client. CAS tokens last 30 s here, less than the usual
// 60 s refresh margin.
let server: EmulatorServer;
let hub: HubClient;
let home = "";
let repo = "";
let repos = 0;
const TOKEN = "hf_commit_xet_peers";

beforeAll(async () => {
  server = await startEmulatorServer({ port: 0, xetTokenSeconds: 30 });
  home = await mkdtemp(join(tmpdir(), "hfkit-commit-xet-peers-"));
  hub = createHubClient({ endpoint: server.url, token: TOKEN, env: { HF_HOME: join(home, "hfkit") } });
});
afterAll(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});
beforeEach(async () => {
  repo = `local/xet-peers-${++repos}`;
  await createRepo(hub, { repo });
  server.emulator.clearRequestLog();
});

const paths = () => server.emulator.requestLog.map((e) => `${e.method} ${new URL(e.url).pathname}`);

describe("the CAS token of a commit through Xet", () => {
  it("is the LFS batch's while valid, and comes from the Hub's exchange after a 401", {
    timeout: 120_000,
  }, async () => {
    const data = noise(2 * MiB, 51);
    await commit(hub, { repo, message: "xet", operations: [{ type: "add", path: "d.bin", content: data }] });
    let log = paths();
    expect(log.filter((p) => p.includes("/xet-write-token/"))).toEqual([]);
    expect(log.filter((p) => p.startsWith("POST /v1/"))).toHaveLength(2); // one xorb, one shard
    expect(log.some((p) => p.startsWith("PUT "))).toBe(false);

    server.emulator.clearRequestLog();
    server.emulator.faults.inject({ method: "POST", path: /^\/v1\/xorbs\//, status: 401, times: 1 });
    const more = noise(2 * MiB, 54);
    await commit(hub, { repo, message: "xet", operations: [{ type: "add", path: "e.bin", content: more }] });
    log = paths();
    expect(log.filter((p) => p.includes("/xet-write-token/"))).toEqual([
      `GET /api/models/${repo}/xet-write-token/main`,
    ]);
    const statuses = server.emulator.requestLog
      .filter((e) => e.method === "POST" && new URL(e.url).pathname.startsWith("/v1/xorbs/"))
      .map((e) => e.status);
    expect(statuses).toEqual([401, 200]);
  });
});

const MiB = 1 << 20;

describe.skipIf(pythonSkipReason())("huggingface_hub (hf_xet) reads what hfkit committed through Xet", () => {
  it("downloads byte-identical files, through the CAS", { timeout: 300_000 }, async () => {
    const files = { "model.bin": noise(9 * MiB + 3, 52), "small.bin": noise(70_000, 53) };
    await commit(hub, {
      repo,
      message: "weights",
      operations: Object.entries(files).map(([path, content]) => ({ type: "add" as const, path, content })),
    });
    expect(paths().some((p) => p.startsWith("PUT "))).toBe(false);
    server.emulator.clearRequestLog();
    const out = await runPython(
      `import sys, json
from huggingface_hub import hf_hub_download
print(json.dumps([hf_hub_download(sys.argv[1], name) for name in sys.argv[2:]]))`,
      {
        env: { HF_ENDPOINT: server.url, HF_TOKEN: TOKEN, HF_HOME: join(home, `py-${repos}`) },
        args: [repo, ...Object.keys(files)],
      },
    );
    const downloaded = JSON.parse(out) as string[];
    Object.values(files).forEach((bytes, i) => {
      expect(sha256(readFileSync(downloaded[i]!))).toBe(sha256(bytes));
    });
    expect(paths().some((p) => /^GET \/v[12]\/reconstructions\//.test(p))).toBe(true);
  });
});
