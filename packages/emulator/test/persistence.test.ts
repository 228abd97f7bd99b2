import { randomBytes } from "node:crypto";
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmulator, startEmulatorServer } from "../src/index.js";
import { HubModel } from "../src/model/hub.js";
import { createDiskStorage } from "../src/storage/disk.js";
import { call, callJson, commitFiles, commitLfs, createRepo, sha256 } from "./helpers.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hfkit-emulator-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("storage: { dir }", () => {
  it("survives a restart: repos, refs, commits, regular and LFS content", async () => {
    const lfs = new Uint8Array(randomBytes(3000));
    const first = createEmulator({ storage: { dir } });
    await createRepo(first, "kept", { private: true });
    await commitFiles(first, "local/kept", { "a.txt": "hello" });
    await commitLfs(first, "local/kept", "w.bin", lfs);
    await call(first, "POST", "/api/models/local/kept/tag/main", { json: { tag: "v1" } });
    const before = await callJson<{ sha: string }>(first, "GET", "/api/models/local/kept");

    const second = createEmulator({ storage: { dir } });
    const after = await callJson<{ sha: string; private: boolean }>(second, "GET", "/api/models/local/kept");
    expect(after.body.sha).toBe(before.body.sha);
    expect(after.body.private).toBe(true);
    expect(await (await call(second, "GET", "/local/kept/resolve/v1/a.txt")).text()).toBe("hello");
    const got = new Uint8Array(
      await (await call(second, "GET", "/local/kept/resolve/main/w.bin")).arrayBuffer(),
    );
    expect(sha256(got)).toBe(sha256(lfs));
    // No staging leftovers.
    expect(await readdir(join(dir, "tmp"))).toEqual([]);
  });

  it("keeps presigned URLs valid across a restart of the server", async () => {
    // The storage port is taken again after the restart, so it is picked below Linux's ephemeral
    // range (32768+): a server that another test starts on port 0 meanwhile cannot be given it.
    let first: Awaited<ReturnType<typeof startEmulatorServer>> | undefined;
    for (let attempt = 0; !first; attempt++) {
      const storagePort = 20_000 + Math.floor(Math.random() * 12_000);
      first = await startEmulatorServer({ storage: { dir }, storagePort }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== "EADDRINUSE" || attempt > 20) throw error;
          return undefined;
        },
      );
    }
    const hub = first.emulator;
    await createRepo(hub, "urls");
    const bytes = new Uint8Array(randomBytes(100));
    await commitLfs(hub, "local/urls", "x.bin", bytes);
    const redirect = await fetch(`${first.url}/local/urls/resolve/main/x.bin`, { redirect: "manual" });
    const location = redirect.headers.get("location")!;
    const port = Number(new URL(first.storageUrl).port);
    await first.close();
    const second = await startEmulatorServer({ storage: { dir }, storagePort: port });
    try {
      const res = await fetch(location);
      expect(res.status).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    } finally {
      await second.close();
    }
  });

  it("writes nothing to its folder once closed, with a request still in flight", async () => {
    const server = await startEmulatorServer({ storage: { dir } });
    const headers = { authorization: "Bearer hf_x", "content-type": "application/json" };
    const branch = `${server.url}/api/models/local/closing/branch/kept`;
    await fetch(`${server.url}/api/repos/create`, { method: "POST", headers, body: '{"name":"closing"}' });
    expect((await fetch(branch, { method: "POST", headers, body: "{}" })).status).toBe(200);
    // The deletion waits out 200 ms inside the server when the server is closed.
    server.emulator.faults.inject({ method: "DELETE", path: /\/branch\//, latencyMs: 200 });
    const deleting = fetch(branch, { method: "DELETE", headers }).catch(() => undefined);
    while (server.emulator.faults.pending > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await server.close();
    await deleting;
    const files = async () =>
      Promise.all(["state.json", "state.journal"].map((f) => readFile(join(dir, f), "utf8").catch(() => "")));
    const atClose = await files();
    // Long past the latency: a route still running after close() would have written by now.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await files()).toEqual(atClose);
    const restarted = createEmulator({ storage: { dir } });
    const refs = await callJson<{ branches: { name: string }[] }>(
      restarted,
      "GET",
      "/api/models/local/closing/refs",
    );
    expect(refs.body.branches.map((b) => b.name).sort()).toEqual(["kept", "main"]);
  });

  it("leaves nothing behind when an upload is rejected", async () => {
    const hub = createEmulator({ storage: { dir } });
    await createRepo(hub, "bad");
    const batch = await callJson<{ objects: Array<{ actions: { upload: { href: string } } }> }>(
      hub,
      "POST",
      "/local/bad.git/info/lfs/objects/batch",
      { json: { operation: "upload", objects: [{ oid: "b".repeat(64), size: 4 }] } },
    );
    const res = await hub.fetch(batch.body.objects[0]!.actions.upload.href, { method: "PUT", body: "abcd" });
    expect(res.status).toBe(400);
    expect(await readdir(join(dir, "tmp"))).toEqual([]);
    expect(await readdir(join(dir, "objects"))).not.toContain("lfs");
  });
});

// Issue 10: a small commit appends a line to state.journal; state.json is written whole only
// when the state is new, after a restart replayed a journal, or once the journal outgrows it.
describe("storage: { dir }, the state journal", () => {
  const journal = () => readFile(join(dir, "state.journal"), "utf8").catch(() => "");
  const repoSha = async (hub: ReturnType<typeof createEmulator>) =>
    (await callJson<{ sha: string }>(hub, "GET", "/api/models/local/j")).body.sha;

  it("appends each small commit as one line naming only what changed, and replays it after a restart", async () => {
    const first = createEmulator({ storage: { dir } });
    await createRepo(first, "j");
    const document = await readFile(join(dir, "state.json"), "utf8");
    const shas = [await repoSha(first)];
    for (let i = 0; i < 5; i++) {
      await commitFiles(first, "local/j", { [`f${i}.txt`]: `file ${i}` });
      shas.push(await repoSha(first));
    }
    expect(await readFile(join(dir, "state.json"), "utf8")).toBe(document);
    const lines = (await journal()).trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    // Each line holds its own commit (which names its parent), not the history before it.
    lines.forEach((line, i) => {
      expect(line).toContain(shas[i + 1]);
      if (i > 0) expect(line).not.toContain(shas[i - 1]);
    });
    const before = shas.at(-1);

    const second = createEmulator({ storage: { dir } });
    expect(await repoSha(second)).toBe(before);
    expect(await (await call(second, "GET", "/local/j/resolve/main/f4.txt")).text()).toBe("file 4");
    // The first change after a replay writes the document whole and empties the journal.
    await commitFiles(second, "local/j", { "after.txt": "x" });
    expect(await journal()).toBe("");
    const third = createEmulator({ storage: { dir } });
    expect(await (await call(third, "GET", "/local/j/resolve/main/after.txt")).text()).toBe("x");
  });

  it("ignores a torn last line (a kill during its append) and lines older than the document", async () => {
    const first = createEmulator({ storage: { dir } });
    await createRepo(first, "j");
    await commitFiles(first, "local/j", { "a.txt": "a" });
    const kept = await repoSha(first);
    const uid = JSON.parse(await readFile(join(dir, "state.json"), "utf8")).repos[0].uid as string;
    const generation = JSON.parse(await readFile(join(dir, "state.json"), "utf8"))
      .journalGeneration as number;
    // A line of the previous generation (the document already holds it) that would delete the
    // repo, then a torn append.
    await appendFile(
      join(dir, "state.journal"),
      `${JSON.stringify({ g: generation - 1, ops: [["unrepo", uid]] })}\n`,
    );
    await appendFile(join(dir, "state.journal"), `{"g":${generation},"ops":[["unrepo","${uid.slice(0, 5)}`);

    const second = createEmulator({ storage: { dir } });
    expect(await repoSha(second)).toBe(kept);
    await commitFiles(second, "local/j", { "b.txt": "b" });
    await commitFiles(second, "local/j", { "c.txt": "c" });
    const head = await repoSha(second);
    const third = createEmulator({ storage: { dir } });
    expect(await repoSha(third)).toBe(head);
    expect(await (await call(third, "GET", "/local/j/resolve/main/b.txt")).text()).toBe("b");
  });

  it("writes the document whole again once the journal outgrows it, then starts a new journal", async () => {
    const storage = createDiskStorage(dir);
    // A small threshold: the document is then the bound (the default is 4 MiB).
    const model = await HubModel.load(storage, Date.now, { compactMinBytes: 1 });
    const repo = await model.createRepo({
      type: "model",
      namespace: "local",
      name: "j",
      private: false,
      author: "local",
    });
    await model.flush(); // a new state: written whole
    const document = await readFile(join(dir, "state.json"), "utf8");
    let appended = 0;
    for (let i = 0; (await journal()).length <= document.length; i++) {
      model.setTag(repo, `t${i}`, { commit: repo.branches.main! });
      await model.flush();
      appended += 1;
    }
    expect(appended).toBeGreaterThan(1);
    expect(await readFile(join(dir, "state.json"), "utf8")).toBe(document);
    model.setTag(repo, "last", { commit: repo.branches.main! });
    await model.flush();
    expect(await journal()).toBe("");
    const saved = JSON.parse(await readFile(join(dir, "state.json"), "utf8"));
    expect(Object.keys(saved.repos[0].tags)).toHaveLength(appended + 1);
    // Lines after the new document carry its generation and are replayed.
    model.deleteTag(repo, "last");
    await model.flush();
    const reloaded = await HubModel.load(createDiskStorage(dir), Date.now);
    expect(Object.keys(reloaded.state.repos[0]!.tags)).toHaveLength(appended);
  });

  it("refuses a journal whose line before the last is not JSON, naming the line", async () => {
    const first = createEmulator({ storage: { dir } });
    await createRepo(first, "j");
    await appendFile(join(dir, "state.journal"), "garbage\n{}\n");
    const second = createEmulator({ storage: { dir } });
    await expect(second.fetch(`${second.baseUrl}/api/whoami-v2`)).rejects.toThrow(
      /journal: line 1 is not JSON/,
    );
  });
});

describe("a storage directory that cannot be read", () => {
  it("fails startEmulatorServer and every in-process request with the cause", async () => {
    await writeFile(join(dir, "state.json"), "{ not json");
    await expect(startEmulatorServer({ storage: { dir } })).rejects.toThrow(SyntaxError);
    const hub = createEmulator({ storage: { dir } });
    await expect(hub.fetch(`${hub.baseUrl}/api/whoami-v2`)).rejects.toThrow(SyntaxError);
  });

  it("fails startEmulatorServer with the cause when its folders cannot be made", async () => {
    // `objects` taken by a file: the start must report it, not serve and fail on the first blob.
    await writeFile(join(dir, "objects"), "not a folder");
    await expect(startEmulatorServer({ storage: { dir } })).rejects.toMatchObject({ code: "EEXIST" });
  });
});
