import { InvalidResponseError, isCommitId } from "@hfkit/http";
import { checkRepoPath } from "../cache/names.js";
import { type FileMetadata, getFileMetadata } from "../get-file-metadata.js";
import { findCached, readCachedBytes, streamCachedFile } from "./cached-source.js";
import { contentBytes } from "./content-bytes.js";
import type { CacheDownload } from "./to-cache.js";
import { createVerifier, type Verifier } from "./verify.js";

export type ReadJob = Omit<CacheDownload, "lock" | "known" | "prepared">;

// The largest Uint8Array Node allocates (buffer.constants.MAX_LENGTH on 64-bit Node 20+).
const MAX_IN_MEMORY = 2 ** 32;

/** Where the bytes come from: a cached copy, or the Hub (after its metadata). */
export type Source =
  | { kind: "cache"; file: string; commit: string; size: number }
  | { kind: "hub"; meta: FileMetadata };

/**
 * Picks the source for a read that does not write into the cache: a cached copy when the
 * revision is a commit already in the cache or when offline, else the Hub.
 */
export async function chooseSource(job: ReadJob): Promise<Source> {
  checkRepoPath(job.path);
  if (!job.force && (job.network !== "online" || isCommitId(job.revision))) {
    const cached = await findCached(job);
    if (cached) return cached;
  }
  const meta = await getFileMetadata(job.client, {
    repo: job.repo,
    path: job.path,
    revision: job.revision,
    signal: job.signal,
  });
  return { kind: "hub", meta };
}

function hubBytes(job: ReadJob, meta: FileMetadata, verifier: Verifier): AsyncGenerator<Uint8Array> {
  return contentBytes(job, meta, 0, false, verifier);
}

/** The whole file in memory, checked against its size and hash. */
export async function readToMemory(job: ReadJob, source: Source): Promise<Uint8Array> {
  if (source.kind === "cache") return readCachedBytes(source.file);
  const { size } = source.meta;
  if (size > MAX_IN_MEMORY) {
    throw new InvalidResponseError(
      `${job.path} is ${size} bytes, more than fits in memory; download it to a file or read it as a stream.`,
    );
  }
  const verifier = createVerifier(job.path, source.meta.etag, size, source.meta.lfs);
  // Grown as bytes arrive rather than sized by the announcement, so a server that announces
  // gigabytes and sends a few bytes costs a few bytes.
  let out = new Uint8Array(Math.min(size, 1 << 20));
  let position = 0;
  for await (const chunk of hubBytes(job, source.meta, verifier)) {
    verifier.update(chunk);
    const end = position + chunk.byteLength;
    if (end <= size) {
      if (end > out.byteLength) {
        const grown = new Uint8Array(Math.min(size, Math.max(end, out.byteLength * 2)));
        grown.set(out.subarray(0, position));
        out = grown;
      }
      out.set(chunk, position);
    }
    position = end;
    job.onProgress?.(position, size);
  }
  verifier.finish();
  return out;
}

/** A stream of the file; it errors at its end if the bytes do not match the announced hash. */
export function readToStream(job: ReadJob, source: Source): ReadableStream<Uint8Array> {
  if (source.kind === "cache") return streamCachedFile(source.file);
  const { meta } = source;
  const verifier = createVerifier(job.path, meta.etag, meta.size, meta.lfs);
  const chunks = hubBytes(job, meta, verifier);
  let position = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await chunks.next();
        if (done) {
          verifier.finish();
          controller.close();
          return;
        }
        verifier.update(value);
        position += value.byteLength;
        job.onProgress?.(position, meta.size);
        controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
