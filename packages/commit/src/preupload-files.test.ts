import { rm } from "node:fs/promises";
import { join } from "node:path";
import { InvalidInputError } from "@hfkit/http";
import { downloadFile, getPathsInfo } from "@hfkit/repo";
import { useMswServer } from "@hfkit/testing";
import { describe, expect, it } from "vitest";
import { commit, commitIter } from "./commit.js";
import { preuploadFiles, preuploadFilesIter } from "./preupload-files.js";
import { noise, sha256, tempTree } from "./test-utils/files.js";
import { callOf, observer, run, sentCommits, testClient, useCommitHub } from "./test-utils/hub.js";

// Upload now, commit later (huggingface_hub's preupload_lfs_files): what goes on the wire in
// each half, and what the repo holds after the commit.
const { server, seen, flush } = useMswServer();
const MiB = 1 << 20;

async function readBack(emulator: { fetch: typeof fetch }, path: string) {
  const { bytes } = await downloadFile(observer(emulator), { repo: "acme/m", path, to: "memory" });
  return bytes;
}

describe("preuploadFiles through Git LFS", () => {
  const emulatorHub = useCommitHub(server, { multipartThreshold: 4 * MiB, multipartChunkSize: 2 * MiB });

  it("uploads LFS objects without a commit; the later commit sends no bytes, after the local files are gone", async () => {
    const big = noise(5 * MiB + 11, 51);
    const bin = noise(100_000, 52);
    const dir = await tempTree({ "big.bin": big, "w.bin": bin });
    const { events, result } = await run(
      preuploadFilesIter(testClient(), {
        repo: "acme/m",
        operations: [
          { type: "add", path: "big.bin", file: join(dir, "big.bin") },
          { type: "add", path: "w.bin", file: join(dir, "w.bin") },
          { type: "add", path: "notes.txt", content: "hello\n" },
        ],
      }),
    );
    await flush();
    const firstHalf = seen.map(callOf);
    expect(firstHalf.filter((c) => c.endsWith("/commit/main"))).toEqual([]);
    expect(firstHalf).toContain(`PUT STORAGE/upload/${sha256(bin)}`);
    expect(firstHalf).toContain("POST /api/complete_multipart");
    expect(events.filter((e) => e.type === "lfs-object-uploaded").map((e) => e.path)).toEqual(
      expect.arrayContaining(["big.bin", "w.bin"]),
    );
    expect(result.operations).toEqual([
      {
        type: "add",
        path: "big.bin",
        uploaded: {
          oid: sha256(big),
          size: big.byteLength,
          sample: Buffer.from(big.subarray(0, 512)).toString("base64"),
        },
      },
      {
        type: "add",
        path: "w.bin",
        uploaded: {
          oid: sha256(bin),
          size: bin.byteLength,
          sample: Buffer.from(bin.subarray(0, 512)).toString("base64"),
        },
      },
      // Regular files travel inside the commit: their bytes are kept in memory.
      { type: "add", path: "notes.txt", content: new TextEncoder().encode("hello\n") },
    ]);

    await rm(dir, { recursive: true });
    // Plain data: what a worker thread would post back to the one that commits.
    const operations = structuredClone(result.operations);
    const before = seen.length;
    // A path may change between the halves (an LFS object does not know its name).
    operations[1] = { ...operations[1]!, path: "weights/w.bin" };
    const done = await commit(testClient(), { repo: "acme/m", message: "Add files", operations });
    await flush();
    expect(done.created).toBe(true);
    const secondHalf = seen.slice(before);
    expect(secondHalf.map(callOf)).toEqual([
      "POST /api/models/acme/m/preupload/main",
      "POST /api/models/acme/m/commit/main",
    ]);
    const [sent] = sentCommits(secondHalf);
    expect(sent!.lines.slice(1)).toEqual([
      { key: "lfsFile", value: { path: "big.bin", algo: "sha256", oid: sha256(big), size: big.byteLength } },
      {
        key: "lfsFile",
        value: { path: "weights/w.bin", algo: "sha256", oid: sha256(bin), size: bin.byteLength },
      },
      {
        key: "file",
        value: { path: "notes.txt", encoding: "base64", content: Buffer.from("hello\n").toString("base64") },
      },
    ]);
    // The commit body is the NDJSON lines only: no LFS content rides along.
    expect(secondHalf.at(-1)!.body.byteLength).toBeLessThan(1024);
    expect(sha256(await readBack(emulatorHub.emulator, "big.bin"))).toBe(sha256(big));
    expect(sha256(await readBack(emulatorHub.emulator, "weights/w.bin"))).toBe(sha256(bin));
  });

  it("makes no commit when the uploaded objects are already at their paths", async () => {
    const bin = noise(200_000, 53);
    const dir = await tempTree({ "w.bin": bin });
    const first = await commit(testClient(), {
      repo: "acme/m",
      message: "First",
      operations: [{ type: "add", path: "w.bin", file: join(dir, "w.bin") }],
    });
    const { operations } = await preuploadFiles(testClient(), {
      repo: "acme/m",
      operations: [{ type: "add", path: "w.bin", file: join(dir, "w.bin") }],
    });
    const { events, result } = await run(
      commitIter(testClient(), { repo: "acme/m", message: "Again", operations }),
    );
    expect(result).toMatchObject({ created: false, commitOid: first.commitOid });
    expect(events).toContainEqual({ type: "file-skipped", path: "w.bin", reason: "unchanged" });
  });

  it("refuses a malformed uploaded object before any request", async () => {
    await flush();
    const before = seen.length;
    const bad = commit(testClient(), {
      repo: "acme/m",
      message: "Bad",
      operations: [{ type: "add", path: "w.bin", uploaded: { oid: "abc", size: 3, sample: "" } }],
    });
    await expect(bad).rejects.toThrow(InvalidInputError);
    await expect(bad).rejects.toThrow(/operations\[0\]\.uploaded\.oid: give the object's SHA-256/);
    await flush();
    expect(seen.length).toBe(before);
  });

  it("refuses to commit an uploaded object to a path the Hub stores as a regular file", async () => {
    const text = "plain text, no NUL\n".repeat(20);
    const { operations } = await preuploadFiles(testClient(), {
      repo: "acme/m",
      operations: [{ type: "add", path: "a.bin", content: new Uint8Array(noise(2000, 54)) }],
    });
    const forged = {
      type: "add" as const,
      path: "notes.txt",
      uploaded: {
        ...(operations[0] as { uploaded: { oid: string; size: number } }).uploaded,
        sample: Buffer.from(text).toString("base64"),
      },
    };
    await expect(
      commit(testClient(), { repo: "acme/m", message: "x", operations: [forged] }),
    ).rejects.toThrow(/operations\[0\]: the Hub now stores notes\.txt as a regular file/);
  });
});

describe("preuploadFiles through Xet", () => {
  const emulatorHub = useCommitHub(server, { xet: true });

  it("sends the chunks to the CAS in the first half; the commit touches no storage", async () => {
    const big = noise(3 * MiB + 5, 55);
    const dir = await tempTree({ "big.bin": big });
    const { result, events } = await run(
      preuploadFilesIter(testClient(), {
        repo: "acme/m",
        operations: [{ type: "add", path: "data/big.bin", file: join(dir, "big.bin") }],
      }),
    );
    await flush();
    expect(events.find((e) => e.type === "lfs-object-uploaded")).toMatchObject({ transfer: "xet" });
    expect(seen.map(callOf).filter((c) => c.startsWith("POST STORAGE/v1/xorbs/")).length).toBeGreaterThan(0);
    await rm(dir, { recursive: true });

    const before = seen.length;
    await commit(testClient(), { repo: "acme/m", message: "Add", operations: result.operations });
    await flush();
    expect(seen.slice(before).map(callOf)).toEqual([
      "POST /api/models/acme/m/preupload/main",
      "POST /api/models/acme/m/commit/main",
    ]);
    const [info] = await getPathsInfo(observer(emulatorHub.emulator), {
      repo: "acme/m",
      paths: ["data/big.bin"],
    });
    expect(info).toMatchObject({ size: big.byteLength, lfs: { oid: sha256(big) } });
    expect(sha256(await readBack(emulatorHub.emulator, "data/big.bin"))).toBe(sha256(big));
  });
});
