import { createReadStream } from "node:fs";
import { type FileHandle, open, readdir, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import type { HubClient, RepoId } from "@hfkit/http";
import type { FileMetadata } from "../get-file-metadata.js";
import { contentBytes } from "./content-bytes.js";
import { fitsOwnSocket, receiveOverOwnSocket } from "./socket-bytes.js";
import { createVerifier } from "./verify.js";

/** How downloads behave on broken connections, shared by every target. */
export interface TransferOptions {
  /** Reconnections with `Range` after the body breaks off. Default 5. */
  maxResumes?: number;
  /** Pause before reconnecting. Default 1000 ms. */
  resumeDelayMs?: number;
  /**
   * Read files stored on Xet (announced with `X-Xet-Hash`) by reconstruction from the CAS, as
   * the peers do. Default true, unless `HF_HUB_DISABLE_XET` is set.
   */
  useXet?: boolean;
  /**
   * Check files read through Xet against their SHA-256 (the ETag, their name in the cache) as
   * well, as every other file is. Default false: a whole file read by Xet reconstruction is
   * checked against its Xet hash (`X-Xet-Hash`) instead, at a fraction of the CPU (ADR 0022).
   */
  verifySha256?: boolean;
}

/** One file to fetch, as every download target describes it. */
export interface FileJob extends TransferOptions {
  client: HubClient;
  repo: RepoId;
  /** Path in the repo. */
  path: string;
  onProgress?: ((bytes: number, total: number) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Streams a file into `temp` (never holding it in memory), resuming from `offset`, and checks
 * size and hash before returning. The caller renames `temp` into place only after this resolves.
 * Resolves with the content hash that names the blob (see `createVerifier`).
 */
export async function writeVerified(
  job: FileJob,
  meta: FileMetadata,
  temp: string,
  offset: number,
): Promise<string | undefined> {
  const verifier = createVerifier(job.path, meta.etag, meta.size, meta.lfs);
  if (offset > 0) {
    // The hash covers the whole file: feed it the bytes a previous attempt left.
    for await (const chunk of createReadStream(temp, { start: 0, end: offset - 1 })) verifier.update(chunk);
  }
  const handle = await open(temp, offset > 0 ? "r+" : "w");
  try {
    if (offset > 0) await handle.truncate(offset); // "w" has already emptied a new temp file
    // Progress counts bytes as they arrive (and are hashed), told once `step` more have come
    // and at the end: each socket read's worth, or each write buffer's of Xet's ~64 KiB chunks
    // (32,768 events for 2 GiB took ~40 ms of a download's CPU, profiled; issue 19).
    let received = offset;
    let told = offset;
    const progress = (step: number) => (chunk: Uint8Array) => {
      verifier.update(chunk);
      received += chunk.byteLength;
      if (received - told < step && received < meta.size) return;
      told = received;
      job.onProgress?.(received, meta.size);
    };
    const seen = progress(0);
    let from = offset;
    let done = false;
    if (!readsFromXet(job, meta) && fitsOwnSocket(job, meta)) {
      // LFS objects over hfkit's own socket into reused buffers, hashed in place; it hands
      // back to the path below when the answer is not one it reads (socket-bytes.ts).
      from = await receiveOverOwnSocket(job, meta, offset, (bytes, at) => {
        seen(bytes);
        return writeAll(handle, [bytes], at);
      });
      done = from >= meta.size;
    }
    if (!done && readsFromXet(job, meta)) {
      // Chunks lent by the reconstruction, copied into two reused buffers (see writeCopied).
      await writeCopied(
        handle,
        contentBytes(job, meta, from, true, verifier),
        from,
        progress(XET_WRITE_BUFFER),
      );
    } else if (!done) {
      await writePipelined(handle, contentBytes(job, meta, from, false, verifier), from, seen);
    }
  } finally {
    await handle.close();
  }
  return verifier.finish();
}

/**
 * Whether `contentBytes` reads this file from the Xet CAS (its own test, repeated here rather
 * than exported from there: content-bytes.ts is in the browser page, whose size budget is tight).
 */
function readsFromXet(job: FileJob, meta: FileMetadata): boolean {
  return meta.xetHash !== undefined && (job.useXet ?? !job.client.environment.disableXet);
}

/**
 * Bytes received but not yet written above which reading waits for the write in flight, for
 * bytes read through `/resolve` (LFS storage, over `undici.request`): about one socket read.
 * undici's body stream already joins the reads that pile up while a write runs, so each
 * `writev` carries more than this anyway. A 1 GiB download from the emulator, client pinned
 * to one CPU, load 8-11, three interleaved rounds: a 16 MiB bound took 20.1-21.2 s, 64 KiB
 * 7.1-7.8 s (curl 6.8-7.4 s in the same rounds), and 4.9-6.0 s of CPU against 7.5-8.3 s.
 * Most of the difference is system time: held chunks are cold by the time they are copied to
 * the page cache, and new buffers cannot reuse their memory. A 1 MiB bound did not help here:
 * `pnpm bench` 1 GiB LFS-stored, load 8-12, hfkit 0.40× and 0.52× the official client's speed
 * in two runs against 0.59× with 64 KiB. The socket's own buffer absorbs the network's bursts.
 */
export const MAX_QUEUED = 64 << 10;

/**
 * Write buffers for bytes reconstructed from Xet, which arrive as separate decoded chunks of
 * about 64 KiB, never joined: written one chunk at a time, the reader stopped after every chunk
 * until its write came back from the thread pool, a pair of context switches each time on a
 * client pinned to one CPU (1.2 s of a 4.0 s 1 GiB download). 1 GiB Xet-stored, three
 * interleaved rounds, load 10-14 (`/usr/bin/time`): 20,000 voluntary and 16,000 involuntary
 * switches with 64 KiB writes against 3,200 and 3,000 with 1 MiB, 2.0-2.2 s of CPU against
 * 1.7-1.8 s. 2 MiB and 8 MiB raised system time again (cold buffers).
 */
const XET_WRITE_BUFFER = 1 << 20;

/**
 * Writes lent chunks (valid only until the source is resumed: `readXetFile`'s `lendChunks`) to
 * `handle` from `position`: each is hashed (`seen`) and copied into one of two reused 1 MiB
 * buffers; a full buffer is written while the other fills, and reading waits when both are in
 * use. Holding the chunks themselves until written (as `writePipelined` does) kept every
 * chunk's memory fresh: a page fault per 4 KiB, a third of a 32 MiB Xet download's CPU (issue
 * 19); lent, the reconstruction reuses it. Returns the position after the last byte; on a
 * failed source, what arrived is written before the error is rethrown (a resume starts after it).
 */
export async function writeCopied(
  handle: FileHandle,
  source: AsyncIterable<Uint8Array>,
  position: number,
  seen: (chunk: Uint8Array) => void,
): Promise<number> {
  const buffers = [Buffer.allocUnsafe(XET_WRITE_BUFFER), Buffer.allocUnsafe(XET_WRITE_BUFFER)];
  let current = 0;
  let fill = 0;
  let inFlight: Promise<void> | undefined;
  const flush = async () => {
    if (inFlight) await inFlight; // the other buffer's write: at most one at a time, in order
    inFlight = undefined;
    if (fill === 0) return;
    const bytes = (buffers[current] as Buffer).subarray(0, fill);
    const at = position;
    position += fill;
    current = 1 - current;
    fill = 0;
    inFlight = writeAll(handle, [bytes], at);
    inFlight.catch(() => {}); // awaited before the next write or at the end, not left unhandled
  };
  try {
    for await (const chunk of source) {
      seen(chunk);
      for (let at = 0; at < chunk.byteLength; ) {
        const n = Math.min(XET_WRITE_BUFFER - fill, chunk.byteLength - at);
        (buffers[current] as Buffer).set(chunk.subarray(at, at + n), fill);
        fill += n;
        at += n;
        if (fill === XET_WRITE_BUFFER) await flush();
      }
    }
  } finally {
    // Also on a failed source: what arrived is kept for a resume (the caller decides).
    await flush();
    if (inFlight) await inFlight;
  }
  return position;
}

/**
 * Writes `source` to `handle` from `position` while the next chunks are received and hashed
 * (`seen` hears every chunk as it arrives). One write is in flight at a time; chunks arriving
 * meanwhile are queued and go out together in the next `writev`, and once `maxQueued` bytes
 * wait, reading pauses until the write in flight ends. Returns the position after the last
 * byte. If the source fails, what was received is still written before the error is rethrown,
 * so a resumed attempt starts after it. Chunks are held until written: the source must not
 * reuse their memory.
 */
export async function writePipelined(
  handle: FileHandle,
  source: AsyncIterable<Uint8Array>,
  position: number,
  seen: (chunk: Uint8Array) => void,
  maxQueued = MAX_QUEUED,
): Promise<number> {
  let queue: Uint8Array[] = [];
  let queued = 0;
  let inFlight: Promise<void> | undefined;
  let failure: { error: unknown } | undefined;
  const pump = () => {
    if (inFlight || queue.length === 0 || failure) return;
    const buffers = queue;
    const at = position;
    position += queued;
    queue = [];
    queued = 0;
    inFlight = writeAll(handle, buffers, at).then(
      () => {
        inFlight = undefined;
        pump();
      },
      (error: unknown) => {
        inFlight = undefined;
        failure = { error };
      },
    );
  };
  const drain = async (below: number) => {
    while (inFlight && queued >= below) await inFlight;
    if (failure) throw failure.error;
  };
  try {
    for await (const chunk of source) {
      if (chunk.byteLength === 0) continue;
      seen(chunk);
      queue.push(chunk);
      queued += chunk.byteLength;
      pump();
      await drain(maxQueued);
    }
  } finally {
    // Also on a failed source: what arrived is kept for a resume (the caller decides).
    pump();
    while (inFlight) await inFlight;
  }
  if (failure) throw failure.error;
  return position;
}

/** One `writev` of every buffer at `position`, continuing after a short write. */
async function writeAll(handle: FileHandle, buffers: Uint8Array[], position: number): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest, position);
    if (bytesWritten === 0) throw new Error("internal: a file write made no progress");
    position += bytesWritten;
    let skip = bytesWritten;
    let i = 0;
    while (i < rest.length && skip >= (rest[i] as Uint8Array).byteLength) {
      skip -= (rest[i] as Uint8Array).byteLength;
      i++;
    }
    rest = rest.slice(i);
    if (skip > 0) rest[0] = (rest[0] as Uint8Array).subarray(skip);
  }
}

/**
 * Takes over the largest partial download of `etag` left in `dir` by a process that died
 * (`<etag>.<hex>.incomplete`, or `<etag>.incomplete` from older clients) by renaming it to
 * `temp`. Only call this while holding the etag's lock. Returns the bytes it holds (0 if none).
 * `names`: the folder's entries when already listed (a snapshot lists `blobs/` once).
 */
export async function adoptPartial(
  dir: string,
  etag: string,
  temp: string,
  size: number,
  names?: readonly string[],
): Promise<number> {
  if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(etag)) return 0; // never a pattern built from other text
  const pattern = new RegExp(`^${etag}(\\.[0-9a-f]+)?\\.incomplete$`);
  const candidates: { name: string; bytes: number }[] = [];
  for (const name of names ?? (await readdir(dir).catch(() => [] as string[]))) {
    if (!pattern.test(name) || join(dir, name) === temp) continue;
    const bytes = await stat(join(dir, name)).then(
      (s) => s.size,
      () => -1,
    );
    if (bytes > 0 && bytes <= size) candidates.push({ name, bytes });
  }
  candidates.sort((a, b) => b.bytes - a.bytes);
  for (const { name, bytes } of candidates) {
    try {
      // A rename is atomic: if two processes race for the same leftover, one gets it, the other ENOENT.
      await rename(join(dir, name), temp);
      return bytes;
    } catch {
      // taken by someone else: try the next one
    }
  }
  return 0;
}
