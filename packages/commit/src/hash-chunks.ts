import type { HashJob } from "./hash.js";

/** Feeds a source's bytes to `update` as they stream by, reporting progress (both builds). */
export async function hashChunks(job: HashJob, update: (chunk: Uint8Array) => void): Promise<void> {
  let done = 0;
  for await (const chunk of job.source.read()) {
    update(chunk);
    done += chunk.byteLength;
    job.onProgress?.(done);
    job.signal?.throwIfAborted();
  }
}
