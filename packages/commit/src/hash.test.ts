import { createHash } from "node:crypto";
import { truncate } from "node:fs/promises";
import { join } from "node:path";
import { InvalidInputError } from "@hfkit/http";
import { describe, expect, it } from "vitest";
import { fileSource } from "./file-source.js";
import { gitBlobOid, hashSource } from "./hash.js";
import { HashWorkerPool } from "./hash-pool.js";
import { bytesSource } from "./source.js";
import { noise, tempTree } from "./test-utils/files.js";

/** The read size of files over 64 MiB. */
const HASH_CHUNK = 4 << 20;
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("hashing", () => {
  // Sizes around the chunk boundaries of the double-buffered reader: files up to 64 MiB are
  // read 512 KiB at a time, larger ones 4 MiB at a time (@hfkit/http's fileReadSize).
  const sizes = [0, 1, HASH_CHUNK - 1, HASH_CHUNK, HASH_CHUNK + 1, 2 * HASH_CHUNK + 5, (64 << 20) + 5];
  const readSize = (size: number) => (size > 64 << 20 ? HASH_CHUNK : 512 << 10);

  it("computes the SHA-256 of files of every size, reporting progress up to the size", async () => {
    for (const size of sizes) {
      const bytes = noise(size, size + 1);
      const dir = await tempTree({ f: bytes });
      const progress: number[] = [];
      const digest = await hashSource({
        source: fileSource(join(dir, "f"), size, "f"),
        algorithm: "sha256",
        field: "f",
        onProgress: (n) => progress.push(n),
      });
      expect(digest).toBe(sha(bytes));
      if (size > 0) expect(progress.at(-1)).toBe(size);
      // One progress report per read.
      expect(progress.length).toBe(Math.ceil(size / readSize(size)));
    }
  });

  it("computes git blob ids as git does", async () => {
    // `printf 'hello\n' | git hash-object --stdin`
    expect(gitBlobOid(new TextEncoder().encode("hello\n"))).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
    expect(
      await hashSource({ source: bytesSource(new Uint8Array()), algorithm: "git-blob", field: "x" }),
    ).toBe(
      "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", // the empty blob
    );
  });

  it("fails when the file is shorter than announced (it changed since it was checked)", async () => {
    const dir = await tempTree({ f: noise(1000) });
    await truncate(join(dir, "f"), 10);
    const error = await hashSource({
      source: fileSource(join(dir, "f"), 1000, "operations[2].file"),
      algorithm: "sha256",
      field: "operations[2].file",
    }).catch((e) => e);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(error.message).toContain("operations[2].file: the file changed while it was being hashed");
  });
});

describe("the worker pool", () => {
  it("hashes on worker threads with the same results, two at a time", async () => {
    const files = sizes().map((size, i) => noise(size, i + 3));
    const dir = await tempTree(Object.fromEntries(files.map((b, i) => [`f${i}`, b])));
    const pool = new HashWorkerPool(2);
    try {
      const progress = new Map<number, number>();
      const digests = await Promise.all(
        files.map((bytes, i) =>
          pool.hash({
            path: join(dir, `f${i}`),
            size: bytes.byteLength,
            algorithm: i % 2 ? "git-blob" : "sha256",
            field: `f${i}`,
            onProgress: (n) => progress.set(i, n),
          }),
        ),
      );
      expect(digests).toEqual(files.map((b, i) => (i % 2 ? gitBlobOid(b) : sha(b))));
      expect(progress.get(2)).toBe(files[2]!.byteLength);
    } finally {
      await pool.close();
    }
  });

  it("reports a changed file, and stops a job when its signal aborts", async () => {
    const dir = await tempTree({ a: noise(5000), b: noise(3 * HASH_CHUNK) });
    const pool = new HashWorkerPool(1);
    try {
      const changed = await pool
        .hash({ path: join(dir, "a"), size: 9999, algorithm: "sha256", field: "operations[0].file" })
        .catch((e) => e);
      expect(changed.message).toContain("operations[0].file: the file changed");
      const controller = new AbortController();
      const aborted = pool.hash({
        path: join(dir, "b"),
        size: 3 * HASH_CHUNK,
        algorithm: "sha256",
        field: "b",
        signal: controller.signal,
        onProgress: () => controller.abort(new Error("stop")), // mid-file
      });
      await expect(aborted).rejects.toThrow("stop");
      // The pool replaces the stopped worker.
      expect(await pool.hash({ path: join(dir, "a"), size: 5000, algorithm: "sha256", field: "a" })).toBe(
        sha(noise(5000)),
      );
    } finally {
      await pool.close();
    }
  });
});

function sizes(): number[] {
  return [0, 17, HASH_CHUNK + 3, 2 * HASH_CHUNK];
}
