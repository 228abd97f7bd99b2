import { HubError } from "@hfkit/http";
import { type FileMetadata, resolvePath } from "../get-file-metadata.js";
import { fetchBytes } from "./fetch-bytes.js";
import type { FileJob } from "./write-verified.js";
import { readXetFile } from "./xet-bytes.js";

/**
 * A file's bytes from `offset` on. A file the Hub announced with `X-Xet-Hash` is read by
 * reconstruction from the Xet CAS (ranged, parallel xorb fetches), as huggingface_hub with
 * hf_xet and the JS client do; any other file, or with `useXet: false` / `HF_HUB_DISABLE_XET`,
 * through `/resolve` and its redirect. The read token comes from the Hub's own
 * `xet-read-token` endpoint for the commit (so the Hub token goes to the Hub only, and the CAS
 * token to the CAS only). If the CAS cannot be used at all (no token, no reconstruction) the
 * plain download takes over; a failure after the first byte is reported. Callers verify the
 * bytes against the SHA-256 either way.
 */
export async function* contentBytes(
  job: FileJob,
  meta: FileMetadata,
  offset: number,
  /** Xet bytes only valid until the next step (`readXetFile`'s `lendChunks`): the caller copies them. */
  lendChunks?: boolean,
): AsyncGenerator<Uint8Array> {
  const useXet = job.useXet ?? !job.client.environment.disableXet;
  if (meta.xetHash !== undefined && useXet && offset < meta.size) {
    const bytes = readXetFile(job.client, {
      repo: job.repo,
      revision: meta.commit,
      fileHash: meta.xetHash,
      ...(offset > 0 ? { range: { start: offset, end: meta.size } } : {}),
      // The SHA-256 check of the caller covers the whole file, resumed or not.
      verify: false,
      lendChunks,
      signal: job.signal,
    });
    let started = false;
    try {
      for await (const chunk of bytes) {
        started = true;
        yield chunk;
      }
      return;
    } catch (error) {
      if (started || job.signal?.aborted || !HubError.isInstance(error)) throw error;
      // Xet unusable for this file (token refused, no reconstruction): the plain path below.
    }
  }
  yield* fetchBytes(job.client, {
    // Pinned to the commit the metadata came from, so a branch moving meanwhile cannot mix versions.
    path: resolvePath({ repo: job.repo, path: job.path, revision: meta.commit }),
    offset,
    size: meta.size,
    maxResumes: job.maxResumes,
    resumeDelayMs: job.resumeDelayMs,
    signal: job.signal,
    operation: "downloadFile",
  });
}
