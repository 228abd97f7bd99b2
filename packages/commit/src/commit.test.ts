import { join } from "node:path";
import { getPathsInfo } from "@hfkit/repo";
import { HUB, useMswServer } from "@hfkit/testing";
import { describe, expect, it } from "vitest";
import { commit, commitIter } from "./commit.js";
import { decode, ndjson, noise, sha256, tempTree } from "./test-utils/files.js";
import { callOf, observer, run, TOKEN, testClient, useCommitHub } from "./test-utils/hub.js";

const { server, seen, flush } = useMswServer();
const MiB = 1 << 20;
const emulatorHub = useCommitHub(server, { multipartThreshold: 4 * MiB, multipartChunkSize: 2 * MiB });
const hub = () => testClient();

const json = (i: number) => JSON.parse(decode(seen[i]!.body));

describe("commit: the requests the Hub expects", () => {
  it("sends preupload, one LFS batch, a basic PUT, multipart parts + completion, then one NDJSON commit", async () => {
    const big = noise(5 * MiB + 123, 7); // multipart: 2 MiB + 2 MiB + 1 MiB+123
    const bin = noise(300_000, 3); // NUL in the sample: lfs, basic
    const dir = await tempTree({ "big.bin": big, "w.bin": bin });

    const { events, result } = await run(
      commitIter(hub(), {
        repo: "acme/m",
        message: "Upload",
        description: "three files",
        operations: [
          { type: "add", path: "README.md", content: "# hello\n" },
          { type: "add", path: "weights/w.bin", file: join(dir, "w.bin") },
          { type: "add", path: "big.bin", file: join(dir, "big.bin") },
        ],
      }),
    );
    await flush();

    const calls = seen.map(callOf);
    expect(calls[0]).toBe("POST /api/models/acme/m/preupload/main");
    expect(calls[1]).toBe("POST /acme/m.git/info/lfs/objects/batch");
    expect(calls.slice(2, -2).sort()).toEqual([
      "PUT STORAGE/part/ID/1",
      "PUT STORAGE/part/ID/2",
      "PUT STORAGE/part/ID/3",
      `PUT STORAGE/upload/${sha256(bin)}`,
    ]);
    expect(calls.at(-2)).toBe("POST /api/complete_multipart");
    expect(calls.at(-1)).toBe("POST /api/models/acme/m/commit/main");

    expect(json(0)).toEqual({
      files: [
        { path: "README.md", size: 8, sample: Buffer.from("# hello\n").toString("base64") },
        {
          path: "weights/w.bin",
          size: bin.byteLength,
          sample: Buffer.from(bin.subarray(0, 512)).toString("base64"),
        },
        {
          path: "big.bin",
          size: big.byteLength,
          sample: Buffer.from(big.subarray(0, 512)).toString("base64"),
        },
      ],
    });
    const batch = json(1);
    expect(batch).toEqual({
      operation: "upload",
      // Xet is offered; this Hub does not store the repo on Xet and answers basic/multipart.
      transfers: ["basic", "multipart", "xet"],
      hash_algo: "sha256",
      objects: expect.any(Array),
      ref: { name: "main" },
    });
    expect(batch.objects).toHaveLength(2);
    expect(batch.objects).toEqual(
      expect.arrayContaining([
        { oid: sha256(bin), size: bin.byteLength },
        { oid: sha256(big), size: big.byteLength },
      ]),
    );
    expect(seen[1]!.headers.get("accept")).toBe("application/vnd.git-lfs+json");
    expect(seen[1]!.headers.get("content-type")).toBe("application/vnd.git-lfs+json");

    // Parts carry exactly their byte range, with a Content-Length, and no token.
    const parts = seen.filter((r) => r.url.pathname.startsWith("/part/"));
    for (const part of parts) {
      const n = Number(part.url.pathname.split("/").at(-1));
      const expected = big.subarray((n - 1) * 2 * MiB, Math.min(big.byteLength, n * 2 * MiB));
      expect(sha256(part.body)).toBe(sha256(expected)); // (deep-equal on MiBs is slow)
      expect(part.headers.get("content-length")).toBe(String(expected.byteLength));
    }
    const completion = seen.at(-2)!;
    expect(completion.headers.get("content-type")).toBe("application/vnd.git-lfs+json");
    expect(JSON.parse(decode(completion.body))).toEqual({
      oid: sha256(big),
      parts: [1, 2, 3].map((partNumber) => ({ partNumber, etag: expect.stringMatching(/^"[0-9a-f]{32}"$/) })),
    });
    for (const r of seen.slice(2, -1)) expect(r.headers.has("authorization")).toBe(false);
    for (const r of [seen[0]!, seen[1]!, seen.at(-1)!])
      expect(r.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);

    const commitRequest = seen.at(-1)!;
    expect(commitRequest.headers.get("content-type")).toBe("application/x-ndjson");
    expect(decode(commitRequest.body).endsWith("\n")).toBe(true);
    expect(ndjson(commitRequest.body)).toEqual([
      { key: "header", value: { summary: "Upload", description: "three files" } },
      {
        key: "file",
        value: {
          content: Buffer.from("# hello\n").toString("base64"),
          path: "README.md",
          encoding: "base64",
        },
      },
      {
        key: "lfsFile",
        value: { path: "weights/w.bin", algo: "sha256", oid: sha256(bin), size: bin.byteLength },
      },
      { key: "lfsFile", value: { path: "big.bin", algo: "sha256", oid: sha256(big), size: big.byteLength } },
    ]);
    // The emulator checked every part's ETag and the object's SHA-256 before storing it.
    const stored = await getPathsInfo(observer(emulatorHub.emulator), {
      repo: "acme/m",
      paths: ["weights/w.bin", "big.bin"],
    });
    expect(stored.map((e) => e.type === "file" && e.lfs?.oid)).toEqual([sha256(bin), sha256(big)]);
    expect(result).toMatchObject({ commitOid: expect.stringMatching(/^[0-9a-f]{40}$/), created: true });

    expect(events[0]).toEqual({
      type: "preupload-done",
      files: 3,
      lfsFiles: 2,
      regularFiles: 1,
      ignoredFiles: 0,
    });
    const uploaded = events.filter((e) => e.type === "lfs-object-uploaded");
    expect(uploaded).toEqual(
      expect.arrayContaining([
        {
          type: "lfs-object-uploaded",
          path: "big.bin",
          oid: sha256(big),
          size: big.byteLength,
          transfer: "multipart",
        },
        {
          type: "lfs-object-uploaded",
          path: "weights/w.bin",
          oid: sha256(bin),
          size: bin.byteLength,
          transfer: "basic",
        },
      ]),
    );
    const lastBigProgress = events
      .filter((e) => e.type === "lfs-upload-progress" && e.path === "big.bin")
      .at(-1);
    expect(lastBigProgress).toMatchObject({ bytesUploaded: big.byteLength, totalBytes: big.byteLength });
    const lastHash = events.filter((e) => e.type === "file-hash-progress" && e.path === "big.bin").at(-1);
    expect(lastHash).toMatchObject({ bytesHashed: big.byteLength, totalBytes: big.byteLength });
    expect(events.at(-1)).toEqual({
      type: "commit-created",
      commitOid: result.commitOid,
      commitUrl: result.commitUrl,
    });
  });

  it("does not upload objects the batch answers without actions, and reports them", async () => {
    const bin = noise(70_000, 5);
    // The Hub stores the object already (under another path): the batch answers without actions.
    await emulatorHub.seed("acme/m", { "elsewhere.bin": bin }, { token: TOKEN });
    const { events } = await run(
      commitIter(hub(), {
        repo: "acme/m",
        message: "m",
        operations: [{ type: "add", path: "a.bin", content: bin }],
      }),
    );
    expect(seen.map((r) => r.method)).toEqual(["POST", "POST", "POST"]);
    expect(events).toContainEqual({
      type: "lfs-object-skipped",
      path: "a.bin",
      oid: sha256(bin),
      size: bin.byteLength,
    });
    await flush();
    expect(ndjson(seen[2]!.body)[1]).toEqual({
      key: "lfsFile",
      value: { path: "a.bin", algo: "sha256", oid: sha256(bin), size: bin.byteLength },
    });
  });

  it("uploads one object for two files with the same content", async () => {
    const bin = noise(70_000, 9);
    await commit(hub(), {
      repo: "acme/m",
      message: "m",
      operations: [
        { type: "add", path: "a.bin", content: bin },
        { type: "add", path: "b.bin", content: new Blob([bin]) },
      ],
    });
    await flush();
    expect(json(1).objects).toEqual([{ oid: sha256(bin), size: bin.byteLength }]);
    expect(seen.filter((r) => r.method === "PUT")).toHaveLength(1);
    expect(ndjson(seen.at(-1)!.body).slice(1)).toEqual([
      { key: "lfsFile", value: { path: "a.bin", algo: "sha256", oid: sha256(bin), size: bin.byteLength } },
      { key: "lfsFile", value: { path: "b.bin", algo: "sha256", oid: sha256(bin), size: bin.byteLength } },
    ]);
  });

  it("skips files whose content the revision already has, and commits nothing when all are unchanged", async () => {
    const text = "same\n";
    const bin = noise(40_000, 2);
    const head = await emulatorHub.seed("acme/m", { "a.txt": text, "b.bin": bin }, { token: TOKEN });
    const { events, result } = await run(
      commitIter(hub(), {
        repo: "acme/m",
        message: "m",
        operations: [
          { type: "add", path: "a.txt", content: text },
          { type: "add", path: "b.bin", content: bin },
        ],
      }),
    );
    expect(seen.map((r) => r.url.pathname)).toEqual(["/api/models/acme/m/preupload/main"]);
    // Files hash concurrently: the order of these events is not fixed.
    const skipped = events.filter((e) => e.type === "file-skipped");
    expect(skipped.sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { type: "file-skipped", path: "a.txt", reason: "unchanged" },
      { type: "file-skipped", path: "b.bin", reason: "unchanged" },
    ]);
    expect(result).toEqual({ commitOid: head, commitUrl: `${HUB}/acme/m/commit/${head}`, created: false });
    expect(events.at(-1)).toEqual({ type: "commit-skipped", commitOid: head });
  });

  it("hashes files that are LFS anyway (over 10 MiB) while the preupload is in flight", async () => {
    const big = noise(11 * MiB, 5);
    await emulatorHub.seed("acme/m", { "big.bin": big }, { token: TOKEN });
    // A slow preupload: hashing starts meanwhile.
    emulatorHub.emulator.faults.inject({ method: "POST", path: /\/preupload\//, latencyMs: 300 });
    const { events, result } = await run(
      commitIter(hub(), {
        repo: "acme/m",
        message: "m",
        operations: [{ type: "add", path: "big.bin", content: big }],
      }),
    );
    const order = events.map((e) => e.type);
    expect(order.indexOf("file-hash-progress")).toBeLessThan(order.indexOf("preupload-done"));
    expect(events).toContainEqual({ type: "file-skipped", path: "big.bin", reason: "unchanged" });
    expect(seen.map((r) => r.url.pathname)).toEqual(["/api/models/acme/m/preupload/main"]);
    expect(result.created).toBe(false);
  });

  it("commits a changed file next to an unchanged one", async () => {
    await emulatorHub.seed("acme/m", { "a.txt": "old\n", "b.txt": "b\n" }, { token: TOKEN });
    await commit(hub(), {
      repo: "acme/m",
      message: "m",
      operations: [
        { type: "add", path: "a.txt", content: "new\n" },
        { type: "add", path: "b.txt", content: "b\n" },
      ],
    });
    await flush();
    expect(ndjson(seen.at(-1)!.body).slice(1)).toEqual([
      {
        key: "file",
        value: { content: Buffer.from("new\n").toString("base64"), path: "a.txt", encoding: "base64" },
      },
    ]);
  });

  it("writes deletions and copies as the Hub's NDJSON lines, without a preupload", async () => {
    const stored = noise(12, 8);
    const parent = await emulatorHub.seed(
      "acme/m",
      { "old.txt": "old\n", "ckpt/a.txt": "a", "stored.bin": stored },
      { token: TOKEN },
    );
    await commit(hub(), {
      repo: "acme/m",
      message: "Tidy",
      parentCommit: parent,
      operations: [
        { type: "delete", path: "old.txt" },
        { type: "delete-folder", path: "ckpt" },
        { type: "copy", path: "copy.bin", oid: sha256(stored), size: 12 },
      ],
    });
    await flush();
    expect(seen.map((r) => r.url.pathname)).toEqual(["/api/models/acme/m/commit/main"]);
    expect(ndjson(seen[0]!.body)).toEqual([
      { key: "header", value: { summary: "Tidy", parentCommit: parent } },
      { key: "deletedFile", value: { path: "old.txt" } },
      { key: "deletedFolder", value: { path: "ckpt/" } },
      { key: "lfsFile", value: { path: "copy.bin", algo: "sha256", oid: sha256(stored), size: 12 } },
    ]);
  });

  it("opens a pull request: create_pr=1 on preupload and commit, no ref in the LFS batch", async () => {
    await emulatorHub.api("POST", "/api/repos/create", {
      token: TOKEN,
      json: { name: "d", organization: "acme", type: "dataset" },
    });
    await emulatorHub.api("POST", "/api/datasets/acme/d/branch/feature%2Fx", { token: TOKEN, json: {} });
    const result = await commit(hub(), {
      repo: "datasets/acme/d",
      message: "Propose",
      createPr: true,
      revision: "feature/x",
      operations: [{ type: "add", path: "x.bin", content: noise(1000, 4) }],
    });
    await flush();
    expect(
      seen.map((r) => `${callOf(r)}${r.url.searchParams.get("create_pr") ? "?create_pr=1" : ""}`),
    ).toEqual([
      "POST /api/datasets/acme/d/preupload/feature%2Fx?create_pr=1",
      "POST /datasets/acme/d.git/info/lfs/objects/batch",
      `PUT STORAGE/upload/${sha256(noise(1000, 4))}`,
      "POST /api/datasets/acme/d/commit/feature%2Fx?create_pr=1",
    ]);
    expect(json(1)).not.toHaveProperty("ref");
    expect(result.pullRequestUrl).toBe(`${HUB}/datasets/acme/d/discussions/1`);
  });

  it("keeps the branch raw in the batch ref and percent-encoded in paths", async () => {
    await emulatorHub.api("POST", "/api/models/acme/m/branch/feature%2Fx", { token: TOKEN, json: {} });
    await commit(hub(), {
      repo: "acme/m",
      message: "m",
      revision: "feature/x",
      operations: [{ type: "add", path: "x.bin", content: noise(1000, 4) }],
    });
    await flush();
    expect(seen[0]!.url.pathname).toBe("/api/models/acme/m/preupload/feature%2Fx");
    expect(json(1).ref).toEqual({ name: "feature/x" });
  });
});
