// Issue 14, "the emulator as a tool": the request-log file, fault rules as JSON, the loopback
// admin routes and seeding from a folder, over real loopback HTTP.

import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as hfjs from "@huggingface/hub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorServer, parseFaultRules, startEmulatorServer } from "../src/index.js";
import { adminRoute } from "../src/mounts/admin.js";

const TOKEN = "hf_tool_secret_token";
let work: string;
const servers: EmulatorServer[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "hfkit-emulator-tool-"));
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await rm(work, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startEmulatorServer>[0] = {}): Promise<EmulatorServer> {
  const server = await startEmulatorServer({ port: 0, ...options });
  servers.push(server);
  return server;
}

describe("fault rules as JSON", () => {
  it("turns rules into FaultSpecs: exact path, pathRegex, times 'always'", () => {
    const [exact, regex] = parseFaultRules([
      { path: "/api/whoami-v2", status: 429, times: 2, headers: { "retry-after": "1" } },
      { method: "put", pathRegex: "^/part/", reset: true, times: "always" },
    ]);
    expect(exact).toEqual({ path: "/api/whoami-v2", status: 429, times: 2, headers: { "retry-after": "1" } });
    expect(regex).toMatchObject({ method: "PUT", reset: true, times: Infinity });
    expect((regex!.path as RegExp).test("/part/abc/1")).toBe(true);
  });

  it("refuses malformed rules with the rule, the field and the fix", () => {
    expect(() =>
      parseFaultRules(
        [
          { path: "/x", status: 200 },
          { path: "/y", status: 99 },
        ],
        "f.json",
      ),
    ).toThrow(/^f\.json\[1\]\.status: /);
    expect(() => parseFaultRules({ status: 500 })).toThrow(/faults\[0\]: give exactly one of "path"/);
    expect(() => parseFaultRules({ path: "/x" })).toThrow(/needs "status", "latencyMs" or "reset"/);
    expect(() => parseFaultRules({ path: "api/x", status: 500 })).toThrow(/\.path: must be a URL path/);
    expect(() => parseFaultRules({ pathRegex: "(", status: 500 })).toThrow(/\.pathRegex: /);
    expect(() => parseFaultRules({ path: "/x", status: 500, sttaus: 1 })).toThrow(/sttaus/);
  });
});

describe("request log file", () => {
  it("writes one JSON line per request, with no token anywhere", async () => {
    const file = join(work, "requests.jsonl");
    const server = await start({ requestLogFile: file });
    await fetch(`${server.url}/api/whoami-v2`, {
      headers: { authorization: `Bearer ${TOKEN}`, "user-agent": "tool-test/1.0" },
    });
    await fetch(`${server.url}/api/repos/create`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "logged" }),
    });
    await fetch(`${server.url}/api/models/local/missing?secret=query`);
    await server.close();
    const text = await readFile(file, "utf8");
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain("secret=query");
    const lines = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        method: "GET",
        path: "/api/whoami-v2",
        status: 200,
        bytes: 0,
        authorization: true,
        userAgent: "tool-test/1.0",
      },
      expect.objectContaining({
        method: "POST",
        path: "/api/repos/create",
        status: 200,
        bytes: JSON.stringify({ name: "logged" }).length,
        authorization: true,
      }),
      expect.objectContaining({
        method: "GET",
        path: "/api/models/local/missing",
        status: 401,
        authorization: false,
      }),
    ]);
  });

  it("fails to start when the log file cannot be opened, naming the error", async () => {
    await expect(
      startEmulatorServer({ port: 0, requestLogFile: join(work, "no-such-dir", "log.jsonl") }),
    ).rejects.toThrow(/ENOENT/);
  });
});

describe("admin routes on loopback", () => {
  it("adds faults while running, reads the log, clears faults; stays out of the log", async () => {
    const server = await start({ admin: true });
    const admin = (path: string, init?: RequestInit) => fetch(`${server.url}/_emulator/${path}`, init);
    const added = await admin("faults", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        { path: "/api/whoami-v2", status: 503, times: 2, headers: { "retry-after": "3" } },
      ]),
    });
    expect(await added.json()).toEqual({ added: 1, pending: 1 });
    const me = () => fetch(`${server.url}/api/whoami-v2`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const first = await me();
    expect([first.status, first.headers.get("retry-after"), first.headers.get("x-error-code")]).toEqual([
      503,
      "3",
      "InjectedFault",
    ]);
    expect((await me()).status).toBe(503);
    expect((await me()).status).toBe(200);

    const bad = await admin("faults", { method: "POST", body: JSON.stringify({ path: "/x", status: 42 }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^body\[0\]\.status: /);

    await admin("faults", {
      method: "POST",
      body: JSON.stringify({ pathRegex: ".*", status: 500, times: "always" }),
    });
    expect(await (await admin("faults")).json()).toEqual({ pending: 1 });
    expect(await (await admin("faults", { method: "DELETE" })).json()).toEqual({ pending: 0 });
    expect((await me()).status).toBe(200);

    const log = (await (await admin("requests?since=1")).json()) as {
      total: number;
      requests: Array<{ path: string; status: number; authorization: boolean }>;
    };
    expect(log.total).toBe(4);
    expect(log.requests.map((r) => [r.path, r.status, r.authorization])).toEqual([
      ["/api/whoami-v2", 503, true],
      ["/api/whoami-v2", 200, true],
      ["/api/whoami-v2", 200, true],
    ]);
    expect((await admin("nothing")).status).toBe(404);
  });

  it("answers 403 to a client that is not on loopback", async () => {
    const server = await start({ admin: true });
    const remote = { socket: { remoteAddress: "192.0.2.7" }, method: "GET" } as IncomingMessage;
    const res = await adminRoute(server.emulator, remote, new URL(`${server.url}/_emulator/requests`));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: "The emulator's admin routes answer loopback clients only" });
  });

  it("is not served unless asked for", async () => {
    const server = await start();
    const res = await fetch(`${server.url}/_emulator/requests`);
    expect(res.status).toBe(404);
    expect(res.headers.get("x-error-code")).toBe("RouteNotFound");
  });
});

describe("seed folder", () => {
  it("starts with the folder's repos, LFS patterns honoured, and keeps stored repos on restart", async () => {
    const seed = join(work, "seed");
    const model = join(seed, "models", "acme", "tiny");
    await mkdir(join(model, "sub"), { recursive: true });
    await writeFile(join(model, "config.json"), '{"a":1}\n');
    const weights = Buffer.alloc(3000, 7);
    await writeFile(join(model, "sub", "weights.bin"), weights);
    await mkdir(join(seed, "datasets", "acme", "rows"), { recursive: true });
    await writeFile(join(seed, "datasets", "acme", "rows", "data.csv"), "a,b\n1,2\n");
    await mkdir(join(seed, "spaces", "acme", "demo"), { recursive: true });
    await writeFile(join(seed, "spaces", "acme", "demo", "README.md"), "---\nsdk: gradio\n---\n");
    const dir = join(work, "seeded-state");
    let server = await start({ seed, storage: { dir } });
    const hubUrl = server.url;
    const files = [];
    for await (const f of hfjs.listFiles({ repo: "acme/tiny", hubUrl, recursive: true })) files.push(f);
    expect(
      files.filter((f) => f.type === "file").map((f) => [f.path, f.size, f.lfs?.oid !== undefined]),
    ).toEqual([
      [".gitattributes", expect.any(Number), false],
      ["config.json", 8, false],
      ["sub/weights.bin", 3000, true],
    ]);
    const blob = await hfjs.downloadFile({ repo: "acme/tiny", path: "sub/weights.bin", hubUrl });
    expect(Buffer.from(await blob!.arrayBuffer())).toEqual(weights);
    const csv = await hfjs.downloadFile({
      repo: { type: "dataset", name: "acme/rows" },
      path: "data.csv",
      hubUrl,
    });
    expect(await csv!.text()).toBe("a,b\n1,2\n");
    const space = (await (await fetch(`${hubUrl}/api/spaces/acme/demo`)).json()) as { sdk: string };
    expect(space.sdk).toBe("gradio");
    const commits = [];
    for await (const c of hfjs.listCommits({ repo: "acme/tiny", hubUrl })) commits.push(c);
    expect(commits).toHaveLength(1);
    // A commit after seeding survives a restart from the same storage, and the seed is not re-applied.
    // `local` is not in `acme` yet: the write is refused.
    await expect(
      hfjs.uploadFile({
        repo: "acme/tiny",
        hubUrl,
        accessToken: "hf_any",
        file: { path: "config.json", content: new Blob(['{"a":2}\n']) },
      }),
    ).rejects.toThrow(/rights to write to acme\/tiny/);
    await server.close();
    server = await start({ seed, storage: { dir }, orgs: [{ name: "acme", members: ["local"] }] });
    await hfjs.uploadFile({
      repo: "acme/tiny",
      hubUrl: server.url,
      accessToken: "hf_any",
      file: { path: "config.json", content: new Blob(['{"a":2}\n']) },
    });
    await server.close();
    server = await start({ seed, storage: { dir } });
    const after = await hfjs.downloadFile({ repo: "acme/tiny", path: "config.json", hubUrl: server.url });
    expect(await after!.text()).toBe('{"a":2}\n');
  });

  it("refuses a folder that does not follow the layout, naming it", async () => {
    const bad = join(work, "bad-seed");
    await mkdir(join(bad, "model", "acme", "x"), { recursive: true });
    await expect(startEmulatorServer({ port: 0, seed: bad })).rejects.toThrow(
      /holds model; expected only models\/, datasets\/ and spaces\//,
    );
    const badName = join(work, "bad-name");
    await mkdir(join(badName, "models", "acme", "-x"), { recursive: true });
    await expect(startEmulatorServer({ port: 0, seed: badName })).rejects.toThrow(/Invalid repo name "-x"/);
  });
});
