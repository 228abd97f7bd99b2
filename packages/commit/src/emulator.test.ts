import { createHash } from "node:crypto";
import { truncate } from "node:fs/promises";
import { join } from "node:path";
import { startEmulatorServer } from "@hfkit/emulator";
import { createHubClient, InvalidInputError, PreconditionFailedError } from "@hfkit/http";
import { createRepo, getPathsInfo, getRepoInfo, listFiles } from "@hfkit/repo";
import { rejection } from "@hfkit/testing";
import { LFS_SMALL_PARTS, requestCalls, useEmulatorServer } from "@hfkit/testing/emulator";
import { beforeEach, describe, expect, it } from "vitest";
import { commit } from "./commit.js";
import { noise, tempTree } from "./test-utils/files.js";
import { uploadFolder } from "./upload-folder.js";

// Whole flows over loopback HTTP against the emulator (an independent implementation of the
// Hub), with faults injected. Uploads take the real undici path here (no msw).
const MiB = 1 << 20;
let repoCount = 0;
let repo = "";

const fixture = useEmulatorServer({
  // Without Xet: these flows test the Git LFS path (basic, multipart) end to end.
  start: () => startEmulatorServer({ port: 0, ...LFS_SMALL_PARTS }),
  client: (url) =>
    createHubClient({
      endpoint: url,
      token: "hf_emulator_test",
      env: {},
      retry: { initialDelayMs: 10, random: () => 0 },
    }),
});
beforeEach(async () => {
  repo = `local/commit-${++repoCount}`;
  await createRepo(fixture.hub, { repo });
  fixture.server.emulator.faults.clear();
  fixture.server.emulator.clearRequestLog();
});

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const log = () => requestCalls(fixture.server);
const calls = (pattern: RegExp) => log().filter((r) => pattern.test(r.call));

const big = noise(5 * MiB + 321, 31); // 3 parts of 2 MiB at most
const bin = noise(200_000, 32);
async function folder() {
  return tempTree({
    "README.md": "# model\n",
    "config.json": '{"a":1}',
    "weights/w.bin": bin,
    "big.bin": big,
  });
}

describe("commits against the emulator", () => {
  it("fails the commit with the file's own error when a regular file shrank before its line went out", async () => {
    const dir = await tempTree({ "a.txt": "first\n", "b.txt": "text\n".repeat(600) });
    const file = join(dir, "b.txt");
    // Shrinks b.txt when the commit request starts: after the preupload, before the body is read.
    const client = createHubClient({
      endpoint: fixture.server.url,
      token: "hf_emulator_test",
      env: {},
      middleware: [
        async (ctx, next) => {
          if (ctx.request.url.pathname.includes("/commit/")) await truncate(file, 1_000);
          return next(ctx);
        },
      ],
    });
    const operations = [
      { type: "add" as const, path: "a.txt", file: join(dir, "a.txt") },
      { type: "add" as const, path: "b.txt", file },
    ];
    const error = await rejection(commit(client, { repo, message: "two files", operations }));
    await client.close();
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^operations\[1\]\.file: the content changed while it was being committed \(expected 3000 bytes, read 1000\)/,
    );
    const files: string[] = [];
    for await (const e of listFiles(fixture.hub, { repo })) files.push(e.path);
    expect(files).toEqual([".gitattributes"]); // no commit was made
  });

  it("completes a multipart upload through node:http: the parts' ETags, LFS headers, no token", async () => {
    const dir = await tempTree({ "big.bin": big });
    await uploadFolder(fixture.hub, { repo, folder: dir });
    const entries = fixture.server.emulator.requestLog;
    const parts = entries.filter((e) => e.url.includes("/part/")).map((e) => e.status);
    expect(parts).toEqual([200, 200, 200]);
    const completions = entries.filter((e) => new URL(e.url).pathname === "/api/complete_multipart");
    expect(completions).toHaveLength(1);
    const { headers, hasAuthorization, bodyBytes, status } = completions[0]!;
    expect([status, hasAuthorization]).toEqual([200, false]);
    expect(headers.accept).toBe("application/vnd.git-lfs+json");
    expect(headers["content-type"]).toBe("application/vnd.git-lfs+json");
    expect(Number(headers["content-length"])).toBe(bodyBytes);
    // fetch always adds sec-fetch-mode: its absence shows the call took node:http, whose
    // keep-alive agent already holds a connection, sparing the platform fetch's first-call cost.
    expect(headers["sec-fetch-mode"]).toBeUndefined();
    const [file] = await getPathsInfo(fixture.hub, { repo, paths: ["big.bin"] });
    expect(file?.type === "file" ? [file.size, file.lfs?.oid] : []).toEqual([big.byteLength, sha256(big)]);
  });

  it("uploads a folder with text, a binary and a multipart file exactly as the Hub expects", async () => {
    const dir = await folder();
    const result = await uploadFolder(fixture.hub, { repo, folder: dir, verify: true });
    expect(result.created).toBe(true);
    const name = repo.replace(/^local\//, "");
    const calls = log().map((r) => r.call);
    expect(calls[0]).toBe(`POST HUB /api/models/local/${name}/preupload/main`);
    expect(calls[1]).toBe(`POST HUB /local/${name}.git/info/lfs/objects/batch`);
    expect(calls.filter((c) => c.startsWith("PUT STORAGE /part/"))).toHaveLength(3);
    expect(calls.filter((c) => c.startsWith("PUT STORAGE /upload/"))).toHaveLength(1);
    expect(calls).toContain("POST HUB /api/complete_multipart");
    expect(calls.filter((c) => c.includes("/commit/"))).toEqual([
      `POST HUB /api/models/local/${name}/commit/main`,
    ]);
    expect(calls.at(-1)).toBe(`POST HUB /api/models/local/${name}/paths-info/${result.commitOid}`);
    // The token goes to the API only: never to storage, nor to the signed completion URL.
    for (const r of log()) {
      const api = r.call.includes(" HUB /api/models/") || r.call.includes(".git/info/lfs");
      expect([r.call, r.auth]).toEqual([r.call, api]);
      expect([r.call, r.status]).toEqual([r.call, 200]);
    }
    const files = await getPathsInfo(fixture.hub, { repo, paths: ["README.md", "weights/w.bin", "big.bin"] });
    expect(files.map((f) => (f.type === "file" ? [f.path, f.size, f.lfs?.oid] : []))).toEqual([
      ["README.md", 8, undefined],
      ["weights/w.bin", bin.byteLength, sha256(bin)],
      ["big.bin", big.byteLength, sha256(big)],
    ]);
  });

  it("survives a part failing twice, a 429 with Retry-After on the batch, a 503 on preupload and a reset", async () => {
    const { faults } = fixture.server.emulator;
    faults.inject({ method: "POST", path: /\/preupload\//, status: 503 });
    faults.inject({ method: "POST", path: /objects\/batch$/, status: 429, headers: { "retry-after": "1" } });
    faults.inject({ method: "PUT", path: /^\/part\/[^/]+\/2$/, status: 500, times: 2 });
    faults.inject({ method: "PUT", path: /^\/upload\//, reset: true });
    const started = Date.now();
    const result = await uploadFolder(fixture.hub, { repo, folder: await folder(), verify: true });
    expect(result.created).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // the Retry-After was honoured
    expect(faults.pending).toBe(0);
    expect(calls(/preupload/).map((r) => r.status)).toEqual([503, 200]);
    expect(calls(/objects\/batch/).map((r) => r.status)).toEqual([429, 200]);
    expect(calls(/PUT STORAGE \/part\/.*\/2$/).map((r) => r.status)).toEqual([500, 500, 200]);
    expect(calls(/PUT STORAGE \/upload\//).map((r) => r.status)).toEqual([0, 200]);
    expect(calls(/\/commit\//)).toHaveLength(1);
  });

  it("fails a stale parentCommit with 412; the retry reuses every uploaded object", async () => {
    const dir = await folder();
    const error = await rejection(
      uploadFolder(fixture.hub, { repo, folder: dir, parentCommit: "0".repeat(40) }),
    );
    expect(PreconditionFailedError.isInstance(error)).toBe(true);
    expect(calls(/\/commit\//).map((r) => r.status)).toEqual([412]);
    expect(calls(/^PUT/)).toHaveLength(4);

    fixture.server.emulator.clearRequestLog();
    const head = (await getRepoInfo(fixture.hub, { repo, revision: "main" })).sha;
    const result = await uploadFolder(fixture.hub, { repo, folder: dir, parentCommit: head });
    expect(result.created).toBe(true);
    expect(calls(/^PUT|complete_multipart/)).toHaveLength(0);
  });

  it("deletes, deletes folders and copies LFS files without uploading them again", async () => {
    await uploadFolder(fixture.hub, { repo, folder: await folder() });
    fixture.server.emulator.clearRequestLog();
    await commit(fixture.hub, {
      repo,
      message: "Reorganise",
      operations: [
        { type: "copy", path: "backup/big.bin", from: "big.bin" },
        { type: "copy", path: "again.bin", oid: sha256(bin), size: bin.byteLength },
        { type: "delete-folder", path: "weights" },
        { type: "delete", path: "config.json" },
      ],
    });
    expect(calls(/^PUT/)).toHaveLength(0);
    const entries = await getPathsInfo(fixture.hub, {
      repo,
      paths: ["backup/big.bin", "again.bin", "weights/w.bin", "config.json", "README.md"],
    });
    expect(entries.map((e) => e.path).sort()).toEqual(["README.md", "again.bin", "backup/big.bin"]);
  });

  it("uploads a local file given with its SHA-256 ({ path, sha256 }) under that digest, not hashed again", async () => {
    const dir = await folder();
    const path = `${dir}/big.bin`;
    await commit(fixture.hub, {
      repo,
      message: "Known digest",
      operations: [{ type: "add", path: "big.bin", file: { path, sha256: sha256(big) } }],
    });
    const [entry] = await getPathsInfo(fixture.hub, { repo, paths: ["big.bin"] });
    expect(entry?.type === "file" && entry.lfs).toMatchObject({ oid: sha256(big), size: big.byteLength });

    // The digest given is the one announced: a wrong one is refused by the Hub (the emulator
    // checks uploads' SHA-256 by default), and nothing is committed.
    const wrong = sha256(bin);
    const error = await rejection(
      commit(fixture.hub, {
        repo,
        message: "Wrong digest",
        operations: [{ type: "add", path: "wrong.bin", file: { path, sha256: wrong } }],
      }),
    );
    expect(String(error)).toMatch(/sha|SHA|hash|oid/);
    const entries = await getPathsInfo(fixture.hub, { repo, paths: ["wrong.bin"] });
    expect(entries).toEqual([]);
  });

  it("refuses a malformed SHA-256 next to a file, naming the field, before any request", async () => {
    const dir = await folder();
    fixture.server.emulator.clearRequestLog();
    const error = await rejection(
      commit(fixture.hub, {
        repo,
        message: "m",
        operations: [{ type: "add", path: "big.bin", file: { path: `${dir}/big.bin`, sha256: "ABC" } }],
      }),
    );
    expect(error).toMatchObject({ field: "operations[0].file.sha256" });
    expect(log()).toEqual([]);
  });
});
