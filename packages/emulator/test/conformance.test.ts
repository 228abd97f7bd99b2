// Conformance: the official @huggingface/hub client (2.17.5), unchanged, against the emulator
// over real loopback HTTP. Every flow it supports must work and bytes must round-trip.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as hub from "@huggingface/hub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorServer, startEmulatorServer } from "../src/index.js";

const accessToken = "hf_conformance_token";
// HFKIT_EMULATOR_URL runs the same flows against an emulator started elsewhere, e.g.
// `hfkit emulator serve --page-size 3 --chunk-size 256KiB --multipart-threshold 1MiB`, and
// HFKIT_EMULATOR_XET=0 says it was started with --no-xet (the client then falls back to LFS).
const external = process.env.HFKIT_EMULATOR_URL;
const xet = process.env.HFKIT_EMULATOR_XET !== "0";
let server: EmulatorServer | undefined;
let hubUrl: string;

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

beforeAll(async () => {
  if (external) {
    hubUrl = external;
    return;
  }
  // Small part size so that a 1.5 MB file is a 6-part multipart upload.
  server = await startEmulatorServer({
    port: 0,
    pageSize: 3,
    multipartThreshold: 1024 * 1024,
    multipartChunkSize: 256 * 1024,
    xet,
  });
  hubUrl = server.url;
});
afterAll(() => server?.close());

describe("official @huggingface/hub client", () => {
  const repo = { type: "model" as const, name: "local/conformance" };

  it("whoAmI returns the token's user", async () => {
    const me = await hub.whoAmI({ accessToken, hubUrl });
    expect(me.name).toBe("local");
    expect(me.type).toBe("user");
  });

  it("createRepo, repoExists, and a duplicate create fails with 409", async () => {
    const created = await hub.createRepo({ repo, accessToken, hubUrl });
    expect(created.repoUrl).toBe(`${hubUrl}/local/conformance`);
    expect(await hub.repoExists({ repo, accessToken, hubUrl })).toBe(true);
    expect(await hub.repoExists({ repo: { type: "model", name: "local/nope" }, accessToken, hubUrl })).toBe(
      false,
    );
    await expect(hub.createRepo({ repo, accessToken, hubUrl })).rejects.toMatchObject({ statusCode: 409 });
  });

  const text = new TextEncoder().encode("# Conformance\n\nhello from the official client\n");
  const binary = new Uint8Array(randomBytes(200_000));
  const large = new Uint8Array(randomBytes(1_500_000));

  it("uploadFiles through the LFS protocol (useXet: false): a text file, a binary (basic) and a multipart file", async () => {
    server?.emulator.clearRequestLog();
    const result = await hub.uploadFiles({
      repo,
      accessToken,
      hubUrl,
      useXet: false,
      files: [
        { path: "README.md", content: new Blob([text]) },
        { path: "weights/model.bin", content: new Blob([binary]) },
        { path: "weights/large.safetensors", content: new Blob([large]) },
      ],
    });
    expect(result?.commit.oid).toMatch(/^[0-9a-f]{40}$/);
    if (!server) return; // wire-level checks need the in-process request log
    const { storageUrl } = server;
    const log = server.emulator.requestLog;
    const parts = log.filter((e) => e.url.startsWith(`${storageUrl}/part/`));
    expect(parts).toHaveLength(6);
    expect(log.filter((e) => e.url.startsWith(`${storageUrl}/upload/`))).toHaveLength(1);
    // The token never reaches storage or the presigned completion URL.
    for (const e of log.filter((x) => x.url.startsWith(storageUrl) || x.url.includes("complete_multipart"))) {
      expect(e.hasAuthorization).toBe(false);
    }
    expect(log.every((e) => e.status < 400)).toBe(true);
  });

  it("downloadFile returns identical bytes, whole and ranged, for regular and LFS files", async () => {
    const readme = await hub.downloadFile({ repo, path: "README.md", accessToken, hubUrl });
    expect(new Uint8Array(await readme!.arrayBuffer())).toEqual(text);
    const bin = await hub.downloadFile({ repo, path: "weights/model.bin", accessToken, hubUrl });
    expect(sha256(new Uint8Array(await bin!.arrayBuffer()))).toBe(sha256(binary));
    const big = await hub.downloadFile({ repo, path: "weights/large.safetensors", accessToken, hubUrl });
    expect(big!.size).toBe(large.byteLength);
    expect(sha256(new Uint8Array(await big!.arrayBuffer()))).toBe(sha256(large));
    const slice = new Uint8Array(await big!.slice(1000, 300_000).arrayBuffer());
    expect(Buffer.from(slice).equals(large.subarray(1000, 300_000))).toBe(true);
    expect(await hub.downloadFile({ repo, path: "missing.txt", accessToken, hubUrl })).toBeNull();
  });

  it("listFiles follows Link pagination (page size 3) and reports LFS metadata", async () => {
    const files = [];
    for await (const f of hub.listFiles({ repo, recursive: true, accessToken, hubUrl })) files.push(f);
    expect(files.map((f) => f.path)).toEqual([
      ".gitattributes",
      "README.md",
      "weights",
      "weights/large.safetensors",
      "weights/model.bin",
    ]);
    const bin = files.find((f) => f.path === "weights/model.bin")!;
    expect(bin.lfs).toMatchObject({ oid: sha256(binary), size: binary.byteLength });
    const readme = files.find((f) => f.path === "README.md")!;
    const gitOid = createHash("sha1").update(`blob ${text.byteLength}\0`).update(text).digest("hex");
    expect(readme.oid).toBe(gitOid);
    if (server)
      expect(server.emulator.requestLog.filter((e) => e.url.includes("/tree/main")).length).toBeGreaterThan(
        1,
      );
  });

  it("pathsInfo and fileExists", async () => {
    const info = await hub.pathsInfo({
      repo,
      paths: ["README.md", "weights/model.bin", "nope"],
      expand: true,
      accessToken,
      hubUrl,
    });
    expect(info.map((i) => i.path)).toEqual(["README.md", "weights/model.bin"]);
    expect(info[1]!.lfs?.oid).toBe(sha256(binary));
    expect(info[0]!.lastCommit?.id).toMatch(/^[0-9a-f]{40}$/);
    expect(await hub.fileExists({ repo, path: "weights/model.bin", accessToken, hubUrl })).toBe(true);
    expect(await hub.fileExists({ repo, path: "nope.txt", accessToken, hubUrl })).toBe(false);
  });

  it("createBranch / deleteBranch, and uploads to a branch stay off main", async () => {
    await hub.createBranch({ repo, branch: "feature/x", accessToken, hubUrl });
    await hub.uploadFile({
      repo,
      branch: "feature/x",
      file: { path: "branch.txt", content: new Blob(["on a branch"]) },
      accessToken,
      hubUrl,
    });
    expect(
      await hub.fileExists({ repo, path: "branch.txt", revision: "feature/x", accessToken, hubUrl }),
    ).toBe(true);
    expect(await hub.fileExists({ repo, path: "branch.txt", accessToken, hubUrl })).toBe(false);
    const onBranch = [];
    for await (const f of hub.listFiles({ repo, revision: "feature/x", accessToken, hubUrl }))
      onBranch.push(f.path);
    expect(onBranch).toContain("branch.txt");
    await hub.deleteBranch({ repo, branch: "feature/x", accessToken, hubUrl });
    await expect(hub.deleteBranch({ repo, branch: "feature/x", accessToken, hubUrl })).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it("a commit with a stale parentCommit fails with 412 and commits nothing", async () => {
    const commits = [];
    for await (const c of hub.listCommits({ repo, accessToken, hubUrl })) commits.push(c);
    const stale = commits[1]!.oid;
    const before = await hub.countCommits({ repo, accessToken, hubUrl });
    await expect(
      hub.commit({
        repo,
        accessToken,
        hubUrl,
        title: "stale",
        parentCommit: stale,
        operations: [{ operation: "addOrUpdate", path: "stale.txt", content: new Blob(["x"]) }],
      }),
    ).rejects.toMatchObject({ statusCode: 412 });
    expect(await hub.countCommits({ repo, accessToken, hubUrl })).toBe(before);
    expect(await hub.fileExists({ repo, path: "stale.txt", accessToken, hubUrl })).toBe(false);
  });

  it(`uploads with the default useXet go ${xet ? "through Xet" : "through LFS (the emulator serves no Xet)"}`, async () => {
    const bytes = new Uint8Array(randomBytes(30_000));
    server?.emulator.clearRequestLog();
    await hub.uploadFile({
      repo,
      accessToken,
      hubUrl,
      file: { path: "xet/default.bin", content: new Blob([bytes]) },
    });
    if (server) {
      const paths = server.emulator.requestLog.map((e) => new URL(e.url).pathname);
      expect(paths.some((p) => p.startsWith("/v1/xorbs/default/"))).toBe(xet);
      expect(paths.some((p) => p.startsWith("/upload/"))).toBe(!xet);
    }
    const got = await hub.downloadFile({ repo, path: "xet/default.bin", accessToken, hubUrl });
    expect(sha256(new Uint8Array(await got!.arrayBuffer()))).toBe(sha256(bytes));
    await hub.deleteFile({ repo, path: "xet/default.bin", accessToken, hubUrl });
  });

  it("snapshotDownload writes the repo into a Python-compatible cache", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "hfkit-conformance-cache-"));
    try {
      const snapshot = await hub.snapshotDownload({ repo, accessToken, hubUrl, cacheDir });
      expect(await readFile(join(snapshot, "README.md"))).toEqual(Buffer.from(text));
      expect(sha256(await readFile(join(snapshot, "weights/large.safetensors")))).toBe(sha256(large));
      const head = (
        await readFile(join(cacheDir, "models--local--conformance", "refs", "main"), "utf8")
      ).trim();
      expect(snapshot.endsWith(head)).toBe(true);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it("deleteFile, then listCommits / countCommits agree", async () => {
    await hub.deleteFile({ repo, path: "weights/model.bin", accessToken, hubUrl });
    expect(await hub.fileExists({ repo, path: "weights/model.bin", accessToken, hubUrl })).toBe(false);
    await expect(hub.deleteFile({ repo, path: "never.txt", accessToken, hubUrl })).rejects.toMatchObject({
      statusCode: 404,
    });
    const commits = [];
    for await (const c of hub.listCommits({ repo, accessToken, hubUrl, batchSize: 2 })) commits.push(c);
    expect(commits[0]!.title).toBe("Delete weights/model.bin");
    expect(commits.at(-1)!.title).toBe("initial commit");
    expect(await hub.countCommits({ repo, accessToken, hubUrl })).toBe(commits.length);
    // initial, the three-file upload, the default-xet upload and its deletion, this deletion.
    expect(commits.length).toBe(5);
  });

  it("dataset repos: create, upload, list, download, delete", async () => {
    const ds = { type: "dataset" as const, name: "local/conformance-data" };
    await hub.createRepo({ repo: ds, accessToken, hubUrl });
    const rows = new TextEncoder().encode('{"a":1}\n{"a":2}\n');
    const shard = new Uint8Array(randomBytes(70_000));
    await hub.uploadFiles({
      repo: ds,
      accessToken,
      hubUrl,
      files: [
        { path: "data/train.jsonl", content: new Blob([rows]) },
        { path: "data/train-00000-of-00001.parquet", content: new Blob([shard]) },
      ],
    });
    const paths = [];
    for await (const f of hub.listFiles({ repo: ds, recursive: true, accessToken, hubUrl }))
      paths.push(f.path);
    expect(paths).toContain("data/train-00000-of-00001.parquet");
    const got = await hub.downloadFile({
      repo: ds,
      path: "data/train-00000-of-00001.parquet",
      accessToken,
      hubUrl,
    });
    expect(sha256(new Uint8Array(await got!.arrayBuffer()))).toBe(sha256(shard));
    expect(await hub.fileExists({ repo: ds, path: "data/train.jsonl", accessToken, hubUrl })).toBe(true);
    await hub.deleteRepo({ repo: ds, accessToken, hubUrl });
    expect(await hub.repoExists({ repo: ds, accessToken, hubUrl })).toBe(false);
  });

  it("deleteRepo", async () => {
    await hub.deleteRepo({ repo, accessToken, hubUrl });
    expect(await hub.repoExists({ repo, accessToken, hubUrl })).toBe(false);
    await expect(hub.deleteRepo({ repo, accessToken, hubUrl })).rejects.toMatchObject({ statusCode: 404 });
  });
});
