import { type FileMetadata, resolvePath } from "../get-file-metadata.js";
import { fetchBytes } from "./fetch-bytes.js";
import type { Verifier } from "./verify.js";
import type { FileJob } from "./write-verified.js";
import { xetBytes } from "./xet-bytes.js";

/**
 * A file's bytes from `offset` on. A file the Hub announced with `X-Xet-Hash` is read by
 * reconstruction from the Xet CAS (ranged, parallel xorb fetches), as huggingface_hub with
 * hf_xet and the JS client do; any other file, or with `useXet: false` / `HF_HUB_DISABLE_XET`,
 * through `/resolve` and its redirect. The read token comes from the Hub's own
 * `xet-read-token` endpoint for the commit (so the Hub token goes to the Hub only, and the CAS
 * token to the CAS only). If the CAS cannot be used at all (no token, no reconstruction) the
 * plain download takes over; a failure after the first byte is reported. Callers check the
 * bytes with `verifier`: against the SHA-256, or only their count when the Xet read checks
 * them against the Xet hash (`xetBytes`, ADR 0022).
 */
export function contentBytes(
  job: FileJob,
  meta: FileMetadata,
  offset: number,
  /** Xet bytes only valid until the next step (`readXetFile`'s `lendChunks`): the caller copies them. */
  lendChunks: boolean | undefined,
  /** What the caller checks the bytes with; a Xet read may take the check over (`xetBytes`). */
  verifier: Verifier,
): AsyncGenerator<Uint8Array> {
  // The source's own generator, not one that yields each of its chunks again: every chunk
  // paid a hop per generator on its way (a Xet file's ~64 KiB chunks), and TurboFan compiled
  // each in a fresh process's download (issue 19).
  const plain = () =>
    fetchBytes(job.client, {
      // Pinned to the commit the metadata came from, so a branch moving meanwhile cannot mix versions.
      path: resolvePath({ repo: job.repo, path: job.path, revision: meta.commit }),
      offset,
      size: meta.size,
      maxResumes: job.maxResumes,
      resumeDelayMs: job.resumeDelayMs,
      signal: job.signal,
      operation: "downloadFile",
    });
  return meta.xetHash !== undefined &&
    (job.useXet ?? !job.client.environment.disableXet) &&
    offset < meta.size
    ? xetBytes(job, meta, offset, lendChunks, verifier, plain)
    : plain();
}
