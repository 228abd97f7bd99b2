import { FILE_CHUNK } from "./body.js";

/**
 * How many bytes to read at a time from a file of `bytes` bytes, the one rule for file PUT
 * bodies here and for hashing in @hfkit/commit: up to 64 MiB, 512 KiB; above, 4 MiB
 * (`FILE_CHUNK`). Every read buffer is new memory whose pages fault in on first write, about
 * 10 µs a page on the dev VM: a 32 MiB LFS upload with 4 MiB reads touched 32 MiB of it, and
 * those faults were most of its system time; with 1 MiB reads 8 MiB and ~2,900 faults (Python
 * huggingface_hub: ~1,450), with 512 KiB reads (and two in flight per PUT) ~3 MiB and ~1,650
 * (issue 19). Hashing 32 MiB with 512 KiB reads took ~4 ms less CPU than with 1 MiB. A larger
 * file keeps 4 MiB reads: there the faults are paid once per buffer, and fewer reads cost less
 * CPU (a 1 GiB PUT used ~100 ms more user CPU with 1 MiB reads).
 */
export function fileReadSize(bytes: number): number {
  // Constants inline, not module-level: a top-level constant survives tree-shaking in the
  // browser bundle, which has no use for this rule.
  return bytes <= 64 << 20 ? 512 << 10 : FILE_CHUNK;
}
