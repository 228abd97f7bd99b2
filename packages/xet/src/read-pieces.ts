import type { FileHandle } from "node:fs/promises";

/**
 * Reads `size` bytes of an open file from its start, `chunk` bytes at a time, into two reused
 * buffers: the next read runs while the caller works on the current piece (4 MiB reads hashed
 * at 1.7 GB/s on the dev VM, against 0.6 GB/s for `createReadStream`'s default 64 KiB). A piece
 * stays valid until the piece after the next one is asked for: consume or copy it before then.
 * Stops early at the end of the file; the caller counts the bytes and checks the size.
 *
 * Self-contained (no imports at run time, no closure): @hfkit/commit's hash worker threads run
 * this same function from its source text, so the loop lives here once for both packages.
 */
export async function* readPieces(
  handle: Pick<FileHandle, "read">,
  size: number,
  chunk: number,
  into?: readonly [Uint8Array, Uint8Array],
): AsyncGenerator<Uint8Array> {
  const length = Math.max(1, Math.min(chunk, size));
  // Buffers the caller gives (at least `length` bytes each) are read into instead.
  const buffers = into ?? [Buffer.allocUnsafe(length), Buffer.allocUnsafe(length)];
  let position = 0;
  let which = 0;
  let pending = size > 0 ? handle.read(buffers[0] as Uint8Array, 0, Math.min(length, size), 0) : undefined;
  try {
    while (pending) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) break;
      position += bytesRead;
      which ^= 1;
      pending =
        position < size
          ? handle.read(buffers[which] as Uint8Array, 0, Math.min(length, size - position), position)
          : undefined;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    // Stopped mid-way (an abort, a failed consumer): let a read still in flight land before
    // the caller closes the handle.
    if (pending) await pending.catch(() => {});
  }
}
