import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getPathsInfo } from "@hfkit/repo";
import { type SeenRequest, STORAGE, useMswServer } from "@hfkit/testing";
import { hashToHex, loadXetHashes, readXetFile, type XetHash } from "@hfkit/xet";
import { describe, expect, it, onTestFinished } from "vitest";
import { commit, commitIter } from "./commit.js";
import { decode, noise, sha256, tempTree } from "./test-utils/files.js";
import { callOf, observer, run, sentCommits, TOKEN, testClient, useCommitHub } from "./test-utils/hub.js";

// Commits against the in-process emulator with Xet on, as the Hub stores repos today
// (hub-protocol.md 10): what goes on the wire, and what the repo then holds.
const { server, seen, flush } = useMswServer();
const MiB = 1 << 20;
const emulatorHub = useCommitHub(server, { xet: true });

/** A client whose local Xet record lives in a fresh HF_HOME, removed after the test. */
async function clientWithHome(home?: string) {
  const dir = home ?? (await mkdtemp(join(tmpdir(), "hfkit-commit-xet-")));
  if (!home) onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return { client: testClient({ env: { HF_HOME: dir } }), home: dir };
}

const onStorage = (r: SeenRequest) => r.url.origin === STORAGE;
const xorbPosts = () =>
  seen.filter((r) => r.method === "POST" && /^\/v1\/xorbs\/default\//.test(r.url.pathname));
const xorbBytes = () => xorbPosts().reduce((sum, r) => sum + r.body.byteLength, 0);

/** The repo's file, read back by reconstruction from the emulator's CAS. */
async function stored(path: string) {
  const hub = observer(emulatorHub.emulator);
  const [info] = await getPathsInfo(hub, { repo: "acme/m", paths: [path] });
  const xetHash = (info as { xetHash?: string } | undefined)?.xetHash;
  expect(xetHash, `${path} is stored on Xet`).toMatch(/^[0-9a-f]{64}$/);
  const parts: Uint8Array[] = [];
  for await (const bytes of readXetFile(hub, { repo: "acme/m", fileHash: xetHash! }))
    parts.push(Uint8Array.from(bytes));
  return { info, bytes: Buffer.concat(parts) };
}

describe("commit through Xet", () => {
  it("sends xorbs and a shard to the CAS, no LFS PUT, then commits LFS pointers", async () => {
    const big = noise(3 * MiB + 77, 41);
    const bin = noise(200_000, 42);
    const dir = await tempTree({ "big.bin": big });
    const { client } = await clientWithHome();
    const { events, result } = await run(
      commitIter(client, {
        repo: "acme/m",
        message: "Upload through Xet",
        operations: [
          { type: "add", path: "README.md", content: "# xet\n" },
          { type: "add", path: "big.bin", file: join(dir, "big.bin") },
          { type: "add", path: "w.bin", content: bin },
        ],
      }),
    );
    await flush();
    expect(result.created).toBe(true);

    const calls = seen.map(callOf);
    expect(calls.slice(0, 2)).toEqual([
      "POST /api/models/acme/m/preupload/main",
      "POST /acme/m.git/info/lfs/objects/batch",
    ]);
    expect(JSON.parse(decode(seen[1]!.body)).transfers).toEqual(["basic", "multipart", "xet"]);
    expect(calls.filter((c) => c.startsWith("PUT"))).toEqual([]);
    // The batch's CAS token is used as is: no token exchange was needed.
    expect(calls.filter((c) => c.includes("xet-write-token"))).toEqual([]);
    const cas = calls.filter((c) => c.includes("STORAGE/v1/"));
    expect(cas.filter((c) => c.startsWith("POST STORAGE/v1/xorbs/default/")).length).toBeGreaterThanOrEqual(
      1,
    );
    expect(cas.at(-1)).toBe("POST STORAGE/v1/shards");
    expect(calls.at(-1)).toBe("POST /api/models/acme/m/commit/main");
    // Random bytes do not compress: the xorbs carry the files once, plus chunk headers.
    const total = big.byteLength + bin.byteLength;
    expect(xorbBytes()).toBeGreaterThanOrEqual(total);
    expect(xorbBytes()).toBeLessThan(total + 64 * 1024);

    // The Hub token stays on the Hub; the CAS gets the CAS token only.
    for (const r of seen) {
      const auth = r.headers.get("authorization");
      if (onStorage(r) && r.url.pathname.startsWith("/v1/")) {
        expect(auth).toMatch(/^Bearer /);
        expect(auth).not.toBe(`Bearer ${TOKEN}`);
      } else if (onStorage(r)) expect(auth).toBeNull();
      else expect(auth).toBe(`Bearer ${TOKEN}`);
    }

    const [sent] = sentCommits(seen);
    expect(sent!.lines.slice(1).map((l) => [l.key, l.value.path])).toEqual([
      ["file", "README.md"],
      ["lfsFile", "big.bin"],
      ["lfsFile", "w.bin"],
    ]);
    expect(sent!.lines[2]!.value).toEqual({
      path: "big.bin",
      algo: "sha256",
      oid: sha256(big),
      size: big.byteLength,
    });

    const uploaded = events.filter((e) => e.type === "lfs-object-uploaded");
    expect(uploaded.map((e) => [e.path, e.transfer]).sort()).toEqual([
      ["big.bin", "xet"],
      ["w.bin", "xet"],
    ]);
    const done = events.find((e) => e.type === "xet-upload-done");
    expect(done).toMatchObject({ files: 2, bytesUploaded: xorbBytes() });
    const progress = events.filter((e) => e.type === "lfs-upload-progress" && e.path === "big.bin");
    expect(progress.at(-1)).toMatchObject({ bytesUploaded: big.byteLength, totalBytes: big.byteLength });

    const back = await stored("big.bin");
    expect(back.info).toMatchObject({ size: big.byteLength, lfs: { oid: sha256(big) } });
    expect(sha256(back.bytes)).toBe(sha256(big));
  });

  it("re-pushes a file with bytes appended sending only the new chunks", async () => {
    const original = noise(6 * MiB, 43);
    const grown = Buffer.concat([original, noise(1 * MiB, 44)]);
    const first = await clientWithHome();
    await commit(first.client, {
      repo: "acme/m",
      message: "v1",
      operations: [{ type: "add", path: "data.bin", content: original }],
    });
    await flush();
    expect(xorbBytes()).toBeGreaterThan(6 * MiB);

    // A fresh machine (no local record): the CAS's global dedup query finds the old chunks.
    seen.length = 0;
    const fresh = await clientWithHome();
    const { events } = await run(
      commitIter(fresh.client, {
        repo: "acme/m",
        message: "v2",
        operations: [{ type: "add", path: "data.bin", content: grown }],
      }),
    );
    await flush();
    expect(seen.some((r) => r.url.pathname.startsWith("/v1/chunks/"))).toBe(true);
    // The appended MiB, plus the old file's last chunk (its boundary moved): at most 128 KiB more.
    expect(xorbBytes()).toBeGreaterThanOrEqual(1 * MiB);
    expect(xorbBytes()).toBeLessThan(1 * MiB + 192 * 1024);
    const done = events.find((e) => e.type === "xet-upload-done");
    expect(done).toMatchObject({ bytesUploaded: xorbBytes() });
    expect((done as { bytesDeduplicated: number }).bytesDeduplicated).toBeGreaterThan(6 * MiB - 192 * 1024);
    expect(sha256((await stored("data.bin")).bytes)).toBe(sha256(grown));

    // The same machine again, with more appended: its local record alone is enough.
    seen.length = 0;
    const third = Buffer.concat([grown, noise(512 * 1024, 45)]);
    await commit(fresh.client, {
      repo: "acme/m",
      message: "v3",
      operations: [{ type: "add", path: "data.bin", content: third }],
    });
    await flush();
    expect(xorbBytes()).toBeLessThan(512 * 1024 + 192 * 1024);
    expect(sha256((await stored("data.bin")).bytes)).toBe(sha256(third));
  });

  it("cuts a file given with its chunks ({ path, sha256, chunks }) there, without chunking it", async () => {
    const data = noise(2 * MiB + 9, 46);
    const dir = await tempTree({ "given.bin": data });
    const path = join(dir, "given.bin");
    // Fixed 50 000-byte chunks, not where content-defined chunking cuts: the stored file hash
    // says which chunks the upload used.
    const hashes = await loadXetHashes();
    const chunks: { hash: XetHash; size: number }[] = [];
    for (let at = 0; at < data.byteLength; at += 50_000) {
      const chunk = data.subarray(at, at + 50_000);
      chunks.push({ hash: hashes.chunk(chunk), size: chunk.byteLength });
    }
    const given = chunks.map((c) => ({ hash: hashToHex(c.hash), size: c.size }));
    const { client } = await clientWithHome();
    await commit(client, {
      repo: "acme/m",
      message: "pre-chunked",
      operations: [{ type: "add", path: "given.bin", file: { path, sha256: sha256(data), chunks: given } }],
    });
    await flush();
    const { info, bytes } = await stored("given.bin");
    expect((info as { xetHash?: string }).xetHash).toBe(hashToHex(hashes.file(chunks)));
    expect(bytes.equals(Buffer.from(data))).toBe(true);

    // Chunks of another file are refused before any request, naming the operation.
    seen.length = 0;
    await expect(
      commit(client, {
        repo: "acme/m",
        message: "wrong chunks",
        operations: [
          { type: "add", path: "given.bin", file: { path, sha256: sha256(data), chunks: given.slice(1) } },
        ],
      }),
    ).rejects.toMatchObject({ field: "operations[0].file.chunks" });
    expect(seen).toEqual([]);
  });

  it("opens a pull request through Xet: the batch has no ref, the commit create_pr=1", async () => {
    const data = noise(400_000, 49);
    const { client } = await clientWithHome();
    const result = await commit(client, {
      repo: "acme/m",
      message: "Propose weights",
      createPr: true,
      operations: [{ type: "add", path: "pr.bin", content: data }],
    });
    await flush();
    expect(result.pullRequestUrl).toMatch(/\/discussions\/\d+$/);
    expect(JSON.parse(decode(seen[1]!.body)).ref).toBeUndefined();
    expect(xorbPosts()).toHaveLength(1);
    expect(seen.map(callOf).filter((c) => c.startsWith("PUT"))).toEqual([]);
    expect(sentCommits(seen)[0]!.url.searchParams.get("create_pr")).toBe("1");
  });

  it("uses Git LFS with useXet: false or HF_HUB_DISABLE_XET, and Xet again when asked explicitly", async () => {
    const a = noise(300_000, 46);
    await commit(testClient(), {
      repo: "acme/m",
      message: "lfs",
      useXet: false,
      operations: [{ type: "add", path: "a.bin", content: a }],
    });
    await flush();
    expect(JSON.parse(decode(seen[1]!.body)).transfers).toEqual(["basic", "multipart"]);
    expect(seen.map(callOf)).toContain(`PUT STORAGE/upload/${sha256(a)}`);
    expect(xorbPosts()).toEqual([]);

    seen.length = 0;
    const b = noise(300_000, 47);
    const disabled = testClient({ env: { HF_HUB_DISABLE_XET: "1" } });
    await commit(disabled, {
      repo: "acme/m",
      message: "lfs",
      operations: [{ type: "add", path: "b.bin", content: b }],
    });
    await flush();
    expect(seen.map(callOf)).toContain(`PUT STORAGE/upload/${sha256(b)}`);
    expect(xorbPosts()).toEqual([]);

    seen.length = 0;
    const home = await clientWithHome();
    const c = noise(300_000, 48);
    await commit(testClient({ env: { HF_HUB_DISABLE_XET: "1", HF_HOME: home.home } }), {
      repo: "acme/m",
      message: "xet",
      useXet: true,
      operations: [{ type: "add", path: "c.bin", content: c }],
    });
    await flush();
    expect(seen.map(callOf).filter((x) => x.startsWith("PUT"))).toEqual([]);
    expect(xorbPosts()).toHaveLength(1);
  });

  it("refuses useXet that is not a boolean, before any request", async () => {
    await expect(
      commit(testClient(), {
        repo: "acme/m",
        message: "x",
        useXet: "yes" as unknown as boolean,
        operations: [{ type: "add", path: "a.txt", content: "a" }],
      }),
    ).rejects.toMatchObject({ field: "useXet" });
    expect(seen).toEqual([]);
  });
});
