import { createHash, type Hash } from "node:crypto";
import { open } from "node:fs/promises";
import { fileReadSize, InvalidInputError } from "@hfkit/http";
import { readPieces } from "@hfkit/xet";
import { hashChunks } from "./hash-chunks.js";
import type { ContentSource } from "./source.js";

export type HashAlgorithm = "sha256" | "git-blob";

export interface HashJob {
  source: ContentSource;
  algorithm: HashAlgorithm;
  /** Called with the bytes hashed so far. */
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal | undefined;
  /** Names the input in the error thrown if the file changes size while it is read. */
  field: string;
}

/**
 * A new hash for `algorithm`; `create` is `node:crypto`'s `createHash`. Self-contained, like
 * {@link hashLoop}: the worker threads run it from its source text.
 */
export function newHash(create: typeof createHash, algorithm: HashAlgorithm, size: number): Hash {
  // A git blob id is the SHA-1 of "blob <size>\0" followed by the content.
  return algorithm === "sha256" ? create("sha256") : create("sha1").update(`blob ${size}\0`);
}

export function fileChanged(field: string, expected: number, found: number): InvalidInputError {
  return new InvalidInputError(
    `${field}: the file changed while it was being hashed (expected ${expected} bytes, found ${found}). ` +
      "Do not modify files during an upload, then run it again.",
    { field },
  );
}

/**
 * The hashing loop over {@link readPieces} (`chunk`-sized reads into two reused buffers, shared
 * with @hfkit/xet): `progress` hears the bytes hashed after each piece (and may throw to stop).
 * Returns how far it read. Self-contained (no imports, no closure) because the worker threads of
 * hash-pool.ts run this same function from its source text, next to `readPieces`'s.
 */
export async function hashLoop(
  pieces: AsyncIterable<Uint8Array>,
  update: (bytes: Uint8Array) => void,
  progress: (position: number) => void,
): Promise<number> {
  let position = 0;
  for await (const piece of pieces) {
    position += piece.byteLength;
    update(piece);
    progress(position);
  }
  return position;
}

/**
 * Hashing reads into two reused buffers, the next read running while the current piece is
 * hashed, `fileReadSize` bytes at a time (@hfkit/http's rule for file bodies too): 512 KiB up to
 * 64 MiB, whose fresh buffers' page faults were a visible share of a 32 MiB upload's CPU, else
 * 4 MiB (1.7 GB/s on the dev VM, against 1.5 GB/s for `createReadStream` with 1 MiB chunks and
 * 0.6 GB/s with its default 64 KiB; measured for this package).
 */
async function hashFile(path: string, hash: Hash, job: HashJob): Promise<void> {
  const { size } = job.source;
  const handle = await open(path, "r");
  try {
    const position = await hashLoop(
      readPieces(handle, size, fileReadSize(size)),
      (bytes) => hash.update(bytes),
      (bytes) => {
        job.onProgress?.(bytes);
        job.signal?.throwIfAborted();
      },
    );
    const now = (await handle.stat()).size;
    if (position !== size || now !== size) throw fileChanged(job.field, size, now);
  } finally {
    await handle.close();
  }
}

/** Hashes a source on this thread, streaming: never more than 8 MiB of a file in memory. */
export async function hashSource(job: HashJob): Promise<string> {
  // A local file given with its SHA-256 (`{ path, sha256 }`): the caller hashed it already.
  if (job.algorithm === "sha256" && job.source.sha256 !== undefined) {
    job.onProgress?.(job.source.size);
    return job.source.sha256;
  }
  const hash = newHash(createHash, job.algorithm, job.source.size);
  if (job.source.filePath !== undefined) {
    await hashFile(job.source.filePath, hash, job);
  } else {
    await hashChunks(job, (chunk) => hash.update(chunk));
  }
  return hash.digest("hex");
}

/** The git blob id of bytes already in memory. */
export function gitBlobOid(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}
