import { join } from "node:path";
import { InvalidInputError } from "@hfkit/http";
import { downloadFile, getPathsInfo, getRepoInfo } from "@hfkit/repo";
import { useMswServer } from "@hfkit/testing";
import { describe, expect, it } from "vitest";
import { commit, commitIter } from "./commit.js";
import { preuploadFiles } from "./preupload-files.js";
import { noise, sha256, tempTree } from "./test-utils/files.js";
import { callOf, observer, run, testClient, useCommitHub } from "./test-utils/hub.js";

// An add with `sha256` given (a writer that hashed its output, as @hfkit/datasets' shard
// writer does): the upload starts on the given digest, the content is hashed beside it, and a
// digest that does not match fails before anything is committed. The emulators here do not
// check the SHA-256 of what they store (as a bucket behind a presigned URL need not), so the
// check that catches a wrong digest is the client's own.
const { server, seen, flush } = useMswServer();
const MiB = 1 << 20;

async function headOf(emulator: { fetch: typeof fetch }) {
  return (await getRepoInfo(observer(emulator), { repo: "acme/m", expand: ["sha"] })).sha;
}

async function readBack(emulator: { fetch: typeof fetch }, path: string) {
  const { bytes } = await downloadFile(observer(emulator), { repo: "acme/m", path, to: "memory" });
  return bytes;
}

describe.each([
  ["Git LFS", { multipartThreshold: 4 * MiB, multipartChunkSize: 2 * MiB, verifyLfsSha256: false }],
  ["Xet", { xet: true, verifyLfsSha256: false }],
] as const)("an add with a known sha256, through %s", (_, options) => {
  const emulatorHub = useCommitHub(server, options);

  it("commits the file's bytes under the given digest, and checks it against the content", async () => {
    const big = noise(5 * MiB + 3, 61);
    const dir = await tempTree({ "big.bin": big });
    const { events, result } = await run(
      commitIter(testClient(), {
        repo: "acme/m",
        message: "Add",
        operations: [{ type: "add", path: "big.bin", file: join(dir, "big.bin"), sha256: sha256(big) }],
      }),
    );
    expect(result.created).toBe(true);
    // the content was still hashed, to check the digest
    expect(events).toContainEqual({
      type: "file-hash-progress",
      path: "big.bin",
      bytesHashed: big.byteLength,
      totalBytes: big.byteLength,
    });
    const [info] = await getPathsInfo(observer(emulatorHub.emulator), { repo: "acme/m", paths: ["big.bin"] });
    expect(info).toMatchObject({ size: big.byteLength, lfs: { oid: sha256(big) } });
    expect(sha256(await readBack(emulatorHub.emulator, "big.bin"))).toBe(sha256(big));
  });

  it("refuses a digest that does not match the content, and commits nothing", async () => {
    const big = noise(5 * MiB + 3, 62);
    const dir = await tempTree({ "big.bin": big });
    const before = await headOf(emulatorHub.emulator);
    const wrong = sha256(noise(100, 63));
    const attempt = commit(testClient(), {
      repo: "acme/m",
      message: "Add",
      operations: [{ type: "add", path: "big.bin", file: join(dir, "big.bin"), sha256: wrong }],
    });
    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toThrow(
      `operations[0].sha256: the content of big.bin has SHA-256 ${sha256(big)}, not the ${wrong} given`,
    );
    await flush();
    expect(seen.map(callOf).filter((c) => c.endsWith("/commit/main"))).toEqual([]);
    expect(await headOf(emulatorHub.emulator)).toBe(before);
  });

  it("does not take a digest equal to what the revision holds as proof the file is unchanged", async () => {
    const first = noise(3 * MiB, 64);
    const second = noise(3 * MiB, 65);
    const dir = await tempTree({ "a.bin": first, "b.bin": second });
    const made = await commit(testClient(), {
      repo: "acme/m",
      message: "First",
      operations: [{ type: "add", path: "w.bin", file: join(dir, "a.bin") }],
    });
    // the file changed, its stale digest did not
    const stale = commit(testClient(), {
      repo: "acme/m",
      message: "Again",
      operations: [{ type: "add", path: "w.bin", file: join(dir, "b.bin"), sha256: sha256(first) }],
    });
    await expect(stale).rejects.toThrow(/operations\[0\]\.sha256: the content of w\.bin has SHA-256/);
    expect(await headOf(emulatorHub.emulator)).toBe(made.commitOid);
    // the right digest of the same content: unchanged, no commit
    const { events, result } = await run(
      commitIter(testClient(), {
        repo: "acme/m",
        message: "Again",
        operations: [{ type: "add", path: "w.bin", file: join(dir, "a.bin"), sha256: sha256(first) }],
      }),
    );
    expect(result).toMatchObject({ created: false, commitOid: made.commitOid });
    expect(events).toContainEqual({ type: "file-skipped", path: "w.bin", reason: "unchanged" });
  });

  it("returns uploaded operations only once the digest is checked", async () => {
    const bytes = noise(2 * MiB + 1, 66);
    const wrong = sha256(bytes).replace(/^./, (c) => (c === "0" ? "1" : "0"));
    await expect(
      preuploadFiles(testClient(), {
        repo: "acme/m",
        operations: [{ type: "add", path: "c.bin", content: bytes, sha256: wrong }],
      }),
    ).rejects.toThrow(/operations\[0\]\.sha256: the content of c\.bin has SHA-256/);
    const { operations } = await preuploadFiles(testClient(), {
      repo: "acme/m",
      operations: [{ type: "add", path: "c.bin", content: bytes, sha256: sha256(bytes) }],
    });
    expect(operations[0]).toMatchObject({ uploaded: { oid: sha256(bytes), size: bytes.byteLength } });
  });
});

describe("a malformed known sha256", () => {
  useCommitHub(server);

  it("is refused before any request, naming the field", async () => {
    await flush();
    const before = seen.length;
    for (const [op, message] of [
      [
        { type: "add", path: "a.bin", content: "x", sha256: "ABC" },
        /operations\[0\]\.sha256: give the content's SHA-256 as 64 lowercase hex characters/,
      ],
      [
        {
          type: "add",
          path: "a.bin",
          uploaded: { oid: "a".repeat(64), size: 1, sample: "" },
          sha256: "a".repeat(64),
        },
        /operations\[0\]\.sha256: an uploaded object carries its SHA-256 as uploaded\.oid/,
      ],
    ] as const) {
      await expect(
        // biome-ignore lint/suspicious/noExplicitAny: malformed on purpose
        commit(testClient(), { repo: "acme/m", message: "x", operations: [op as any] }),
      ).rejects.toThrow(message);
    }
    await flush();
    expect(seen.length).toBe(before);
  });
});
