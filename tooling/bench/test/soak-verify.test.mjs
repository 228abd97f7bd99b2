import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commit, uploadFolder } from "@hfkit/commit";
import { pushDataset } from "@hfkit/datasets";
import { startEmulatorServer } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeFolder, makeRows, rng32 } from "../soak.mjs";
import {
  commitBounds,
  commitIds,
  localManifest,
  reuploads,
  verifyDataset,
  verifyRepo,
} from "../soak-verify.mjs";

const TOKEN = "hf_soak_test_token";

describe("the soak's verifier, on the real emulator", () => {
  let server;
  let hub;
  let folder;
  const work = mkdtempSync(join(tmpdir(), "hfkit-soak-verify-"));

  beforeAll(async () => {
    server = await startEmulatorServer({ port: 0, multipartThreshold: 2 ** 20, multipartChunkSize: 2 ** 19 });
    hub = createHubClient({ endpoint: server.url, token: TOKEN, env: { HF_HOME: join(work, "home") } });
    folder = join(work, "folder");
    makeFolder(folder, rng32(1), 30, 1);
  });
  afterAll(async () => {
    await hub?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function uploaded(name) {
    await hub.request({
      method: "POST",
      path: "/api/repos/create",
      body: { json: { name } },
      responseType: "none",
    });
    await uploadFolder(hub, { repo: `local/${name}`, folder });
    return `local/${name}`;
  }

  it("passes a repo that holds the folder byte for byte", async () => {
    const repo = await uploaded("intact");
    const manifest = localManifest(folder);
    expect(manifest.size).toBe(30);
    const check = await verifyRepo(server.url, repo, manifest, { token: TOKEN });
    expect(check.lost).toEqual([]);
    expect(check.extra).toEqual([]);
    expect(check.bytesVerified).toBe([...manifest.values()].reduce((sum, f) => sum + f.size, 0));
  });

  it("catches a file deleted, a file changed by one byte and a file added on the repo", async () => {
    const repo = await uploaded("tampered");
    const manifest = localManifest(folder);
    const [gone, changed] = [...manifest.keys()].filter((p) => p.endsWith(".txt"));
    const original = (await (await fetch(`${server.url}/${repo}/resolve/main/${changed}`)).text()).split("");
    original[0] = original[0] === "x" ? "y" : "x"; // one byte
    await commit(hub, {
      repo,
      message: "tamper",
      operations: [
        { type: "delete", path: gone },
        { type: "add", path: changed, content: original.join("") },
        { type: "add", path: "extra.txt", content: "not in the folder\n" },
      ],
    });
    const check = await verifyRepo(server.url, repo, manifest, { token: TOKEN });
    expect(check.lost).toEqual(
      expect.arrayContaining([
        { path: gone, why: "missing" },
        { path: changed, why: "different bytes" },
      ]),
    );
    expect(check.lost).toHaveLength(2);
    expect(check.extra).toEqual(["extra.txt"]);
  });

  it("lists the commits of a branch, newest first", async () => {
    const repo = await uploaded("history");
    const ids = await commitIds(server.url, repo, { token: TOKEN });
    expect(ids).toHaveLength(2); // the repo's first commit, then the upload
    expect(ids[0]).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe("the soak's dataset check, on the real emulator", () => {
  let server;
  let hub;
  const work = mkdtempSync(join(tmpdir(), "hfkit-soak-dataset-"));
  const rowsFile = join(work, "rows.jsonl");
  let digest;

  beforeAll(async () => {
    server = await startEmulatorServer({ port: 0 });
    hub = createHubClient({ endpoint: server.url, token: TOKEN, env: { HF_HOME: join(work, "home") } });
    digest = makeRows(rowsFile, rng32(3), 500);
  });
  afterAll(async () => {
    await hub?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const check = (repo, want = { rows: 500, digest }) =>
    verifyDataset(server.url, repo, want, { token: TOKEN, home: mkdtempSync(join(work, "read-")) });

  it("writes JSONL rows with nulls, and passes a dataset that holds them in order", async () => {
    const lines = readFileSync(rowsFile, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(500);
    expect(lines.map((row) => row.id)).toEqual([...Array(500).keys()]);
    expect(lines.some((row) => row.text === null)).toBe(true);
    await pushDataset(hub, { repo: "datasets/local/rows", data: rowsFile });
    expect(await check("local/rows")).toEqual({
      rows: 500,
      sameRows: true,
      readError: undefined,
      shards: 1,
      strayFiles: [],
      missingShards: [],
      cardExamples: 500,
    });
  });

  it("catches other rows, a row missing, a file of another split and a shard of another shard count", async () => {
    const other = makeRows(join(work, "other.jsonl"), rng32(4), 500);
    await pushDataset(hub, { repo: "datasets/local/other", data: rowsFile });
    expect((await check("local/other", { rows: 500, digest: other })).sameRows).toBe(false);
    const fewer = readFileSync(rowsFile, "utf8").trim().split("\n").slice(1).join("\n");
    await pushDataset(hub, {
      repo: "datasets/local/fewer",
      data: JSON.parse(`[${fewer.split("\n").join(",")}]`),
    });
    expect(await check("local/fewer")).toMatchObject({ rows: 499, sameRows: false, cardExamples: 499 });
    // a file of another split, beside the train shards the card's data/train-* reads
    await pushDataset(hub, { repo: "datasets/local/stray", data: rowsFile });
    await commit(hub, {
      repo: "datasets/local/stray",
      message: "a file of another split",
      operations: [{ type: "add", path: "data/test-00000-of-00001.parquet", content: "not read" }],
    });
    expect(await check("local/stray")).toMatchObject({
      sameRows: true,
      strayFiles: ["data/test-00000-of-00001.parquet"],
      missingShards: [],
    });
    // a train shard of another shard count (a killed attempt's), which the read fails on
    await commit(hub, {
      repo: "datasets/local/stray",
      message: "a shard of a two-shard push",
      operations: [{ type: "add", path: "data/train-00001-of-00002.parquet", content: "not parquet" }],
    });
    const broken = await check("local/stray");
    expect(broken.sameRows).toBe(false);
    expect(broken.readError).toMatch(/./);
    expect(broken.strayFiles).toEqual([
      "data/test-00000-of-00001.parquet",
      "data/train-00000-of-00001.parquet",
    ]);
    expect(broken.missingShards).toEqual(["data/train-00000-of-00002.parquet"]);
  });
});

describe("reuploads", () => {
  const entry = (method, path, status = 200) => ({ method, url: `http://storage.local${path}`, status });
  it("flags an LFS object or a xorb stored twice, and extra multipart completions; not failed attempts", () => {
    const log = [
      entry("PUT", "/upload/local/r/aaa/10"),
      entry("PUT", "/upload/local/r/bbb/10", 0), // reset: not completed
      entry("PUT", "/upload/local/r/bbb/10"),
      entry("PUT", "/upload/local/r/aaa/10"),
      entry("POST", "/v1/xorbs/default/ccc"),
      entry("POST", "/api/complete_multipart"),
      entry("POST", "/api/complete_multipart"),
    ];
    expect(reuploads(log, { multipartObjects: 2 })).toEqual(["lfs aaa (2 times)"]);
    expect(reuploads([...log, entry("POST", "/v1/xorbs/default/ccc")], { multipartObjects: 1 })).toEqual([
      "lfs aaa (2 times)",
      "xorb ccc (2 times)",
      "2 multipart completions for 1 multipart objects",
    ]);
    expect(reuploads(log.slice(1, 3))).toEqual([]);
  });
});

describe("commitBounds", () => {
  it("allows the documented split, plus one partial commit per interrupted attempt", () => {
    expect(commitBounds(300, 1)).toEqual({ min: 1, max: 1 });
    expect(commitBounds(20000, 4)).toEqual({ min: 20, max: 23 });
    expect(commitBounds(2500, 1, 1000)).toEqual({ min: 3, max: 3 });
  });
});
