import { FILE_CHUNK } from "./body.js";

/** Files (or file ranges) up to this size are read {@link SMALL_FILE_READ} bytes at a time. */
export const SMALL_FILE_BYTES = 64 << 20;
const SMALL_FILE_READ = 1 << 20;

/**
 * How many bytes to read at a time from a file of `bytes` bytes, the one rule for file PUT
 * bodies here and for hashing in @hfkit/commit: up to 64 MiB, 1 MiB; above, 4 MiB
 * (`FILE_CHUNK`). The pages of a new read buffer fault in on first write: a 32 MiB LFS upload
 * (two 16 MiB parts with three reads in flight each, and hashing into two buffers) touched
 * 32 MiB of fresh memory with 4 MiB reads, and a CPU profile showed those faults as most of its
 * system time (issue 19). A larger file keeps 4 MiB reads: there the faults are paid once per
 * buffer, and fewer reads cost less CPU (a 1 GiB PUT used ~100 ms more user CPU with 1 MiB reads).
 */
export function fileReadSize(bytes: number): number {
  return bytes <= SMALL_FILE_BYTES ? SMALL_FILE_READ : FILE_CHUNK;
}
