// A disk emulator restarted after every kind of mutating request must answer exactly as
// before: persisting is the core's job (once per successful request), not each route's.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../src/index.js";
import { call, callJson, commitFiles, commitLfs, createRepo, ndjson, sha256 } from "./helpers.js";
import { writeAccess, xetUpload } from "./xet/client.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hfkit-emulator-restart-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const api = "/api/models/local/life";

async function ok(response: Promise<Response>): Promise<Response> {
  const res = await response;
  if (res.status >= 300) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return res;
}

interface Multipart {
  objects: Array<{ actions: { upload: { href: string; header: Record<string, string> } } }>;
}

/** Everything a client can read about the repos this test touches. */
async function observe(hub: Emulator): Promise<unknown> {
  const get = async (path: string) => (await callJson(hub, "GET", path)).body;
  const refs = (await get(`${api}/refs?include_prs=1`)) as { branches: Array<{ name: string }> };
  const out: Record<string, unknown> = {
    models: await get("/api/models"),
    datasets: await get("/api/datasets"),
    spaces: await get("/api/spaces"),
    info: await get(`${api}?blobs=true`),
    refs,
    discussions: await get(`${api}/discussions`),
    pr1: await get(`${api}/discussions/1`),
    pr2: await get(`${api}/discussions/2`),
    discussion3: await get(`${api}/discussions/3`),
    space: await get("/api/spaces/local/renamed-space"),
    movedRedirect: (await call(hub, "GET", "/spaces/local/space/resolve/main/app.py", {})).status,
  };
  for (const { name } of refs.branches) {
    out[`commits:${name}`] = await get(`${api}/commits/${encodeURIComponent(name)}`);
    out[`tree:${name}`] = await get(`${api}/tree/${encodeURIComponent(name)}?recursive=true`);
  }
  out.data = await get("/api/datasets/local/data");
  for (const path of ["a.txt", "weights.bin", "large.bin", "pr.txt", "xet.bin"]) {
    const res = await call(hub, "GET", `/local/life/resolve/main/${path}`);
    out[`file:${path}`] = res.status === 200 ? sha256(new Uint8Array(await res.arrayBuffer())) : res.status;
  }
  return out;
}

describe("a disk emulator restarted after every kind of mutating request", () => {
  it("answers exactly as before, and an upload started before the restart completes after it", async () => {
    const first = createEmulator({ storage: { dir }, multipartThreshold: 1000, multipartChunkSize: 600 });
    // Repos: create (each type), settings, move, delete.
    await createRepo(first, "life");
    await createRepo(first, "gone");
    await createRepo(first, "space", { type: "space", sdk: "static" });
    await createRepo(first, "data", { type: "dataset", private: true });
    await ok(call(first, "PUT", `${api}/settings`, { json: { gated: "auto", discussionsDisabled: false } }));
    await ok(call(first, "DELETE", "/api/repos/delete", { json: { name: "local/gone" } }));
    await ok(
      call(first, "POST", "/api/repos/move", {
        json: { fromRepo: "local/space", toRepo: "local/renamed-space", type: "space" },
      }),
    );
    // Commits: regular files, an LFS file (basic upload), a deletion.
    const c1 = (await commitFiles(first, "local/life", { "a.txt": "one", "b.txt": "two" })).body.commitOid;
    await commitLfs(first, "local/life", "weights.bin", new Uint8Array(randomBytes(700)));
    await commitFiles(first, "local/life", {}, { deletes: ["b.txt"] });
    // LFS multipart: one upload completed and committed, one left half-done.
    const large = new Uint8Array(randomBytes(1500));
    const multipart = async (bytes: Uint8Array) =>
      (
        await callJson<Multipart>(first, "POST", "/local/life.git/info/lfs/objects/batch", {
          json: {
            operation: "upload",
            transfers: ["basic", "multipart"],
            objects: [{ oid: sha256(bytes), size: bytes.byteLength }],
          },
        })
      ).body.objects[0]!.actions.upload;
    const done = await multipart(large);
    const etags = [];
    for (const n of [1, 2, 3]) {
      const part = large.subarray((n - 1) * 600, n * 600);
      const res = await ok(
        first.fetch(done.header[String(n).padStart(5, "0")]!, { method: "PUT", body: part }),
      );
      etags.push({ partNumber: n, etag: res.headers.get("etag")! });
    }
    await ok(
      first.fetch(done.href, { method: "POST", body: JSON.stringify({ oid: sha256(large), parts: etags }) }),
    );
    await ok(
      call(first, "POST", `${api}/commit/main`, {
        body: ndjson([
          { key: "header", value: { summary: "large" } },
          { key: "lfsFile", value: { path: "large.bin", algo: "sha256", oid: sha256(large), size: 1500 } },
        ]),
        headers: { "content-type": "application/x-ndjson" },
      }),
    );
    const pending = new Uint8Array(randomBytes(1200));
    const half = await multipart(pending);
    const firstPart = await ok(
      first.fetch(half.header["00001"]!, { method: "PUT", body: pending.subarray(0, 600) }),
    );
    // Refs: branches (from a revision, empty, then one deleted), tags (one deleted), super-squash.
    await ok(call(first, "POST", `${api}/branch/dev`, { json: { startingPoint: c1 } }));
    await ok(call(first, "POST", `${api}/branch/empty`, { json: { emptyBranch: true } }));
    await ok(call(first, "POST", `${api}/branch/tmp`, { json: {} }));
    await ok(call(first, "DELETE", `${api}/branch/tmp`));
    await ok(call(first, "POST", `${api}/tag/main`, { json: { tag: "v1", message: "first" } }));
    await ok(call(first, "POST", `${api}/tag/main`, { json: { tag: "v0" } }));
    await ok(call(first, "DELETE", `${api}/tag/v0`));
    await ok(call(first, "POST", `${api}/super-squash/dev`, { json: { message: "squashed" } }));
    // Pull requests and discussions: create_pr commit, a push to the PR, merge; a draft PR
    // closed; a discussion with a comment and a new title.
    const pr = await commitFiles(first, "local/life", { "pr.txt": "pr" }, { query: "?create_pr=1" });
    expect(pr.body.pullRequestUrl).toMatch(/discussions\/1$/);
    expect(
      (await commitFiles(first, "local/life", { "pr.txt": "pushed" }, { rev: "refs/pr/1" })).status,
    ).toBe(200);
    await ok(call(first, "POST", `${api}/discussions/1/comment`, { json: { comment: "looks good" } }));
    await ok(call(first, "POST", `${api}/discussions/1/merge`, { json: { comment: "merging" } }));
    await ok(call(first, "POST", `${api}/discussions`, { json: { title: "draft", pullRequest: true } }));
    await ok(call(first, "POST", `${api}/discussions/2/status`, { json: { status: "closed" } }));
    await ok(call(first, "POST", `${api}/discussions`, { json: { title: "question", description: "why?" } }));
    await ok(call(first, "POST", `${api}/discussions/3/comment`, { json: { comment: "because" } }));
    await ok(call(first, "POST", `${api}/discussions/3/title`, { json: { title: "a question" } }));

    // Xet: a file registered by a shard and committed; a repo switched off.
    const { accessToken } = await writeAccess(first, "local/life");
    const xetData = new Uint8Array(randomBytes(90_000));
    const xet = await xetUpload(first, accessToken, xetData);
    await ok(
      call(first, "POST", `${api}/commit/main`, {
        body: ndjson([
          { key: "header", value: { summary: "xet" } },
          {
            key: "lfsFile",
            value: { path: "xet.bin", algo: "sha256", oid: xet.sha256, size: xetData.length },
          },
        ]),
        headers: { "content-type": "application/x-ndjson" },
      }),
    );
    await ok(call(first, "PUT", "/api/datasets/local/data/settings", { json: { xetEnabled: false } }));

    const before = await observe(first);
    const second = createEmulator({ storage: { dir }, multipartThreshold: 1000, multipartChunkSize: 600 });
    expect(await observe(second)).toEqual(before);
    // The private dataset survived too.
    expect(
      (await callJson<{ private: boolean }>(second, "GET", "/api/datasets/local/data")).body.private,
    ).toBe(true);
    // The half-done multipart upload resumes on the restarted emulator with the same URLs.
    const second2 = await ok(
      second.fetch(half.header["00002"]!, { method: "PUT", body: pending.subarray(600) }),
    );
    const parts = [
      { partNumber: 1, etag: firstPart.headers.get("etag")! },
      { partNumber: 2, etag: second2.headers.get("etag")! },
    ];
    await ok(
      second.fetch(half.href, { method: "POST", body: JSON.stringify({ oid: sha256(pending), parts }) }),
    );
  });

  it("persists nothing for a request that fails", async () => {
    const hub = createEmulator({ storage: { dir } });
    await createRepo(hub, "life");
    const head = (await commitFiles(hub, "local/life", { "a.txt": "1" })).body.commitOid;
    await commitFiles(hub, "local/life", { "a.txt": "2" });
    // What is on disk: the document and the journal of changes since (issue 10).
    const persisted = async () =>
      (await readFile(join(dir, "state.json"), "utf8")) +
      (await readFile(join(dir, "state.journal"), "utf8").catch(() => ""));
    const saved = await persisted();
    // A stale parentCommit (412): nothing written.
    expect((await commitFiles(hub, "local/life", { "b.txt": "x" }, { parentCommit: head })).status).toBe(412);
    expect(await persisted()).toBe(saved);
    // A discussion (written), then a merge of it, which is not a PR (400: nothing written).
    await ok(call(hub, "POST", `${api}/discussions`, { json: { title: "q" } }));
    const afterDiscussion = await persisted();
    expect((await call(hub, "POST", `${api}/discussions/1/merge`, { json: { comment: "no" } })).status).toBe(
      400,
    );
    expect(await persisted()).toBe(afterDiscussion);
    expect(afterDiscussion).not.toBe(saved);
    const restarted = createEmulator({ storage: { dir } });
    const commits = (await callJson<Array<{ title: string }>>(restarted, "GET", `${api}/commits/main`)).body;
    expect(commits.map((c) => c.title)).toEqual(["update", "update", "initial commit"]);
    const thread = (await callJson<{ events: unknown[] }>(restarted, "GET", `${api}/discussions/1`)).body;
    expect(thread.events).toHaveLength(1);
  });
});
