import { createHash } from "node:crypto";
import { type FileHandle, open } from "node:fs/promises";

/** Bytes read per step: large enough that a read is one syscall per ~2.5 ms of hashing. */
const PIECE = 4 << 20;

/**
 * The SHA-256 of a file hashed while another thread is still appending to it: the writer
 * reports how many bytes are on disk (`written`), and this reads and hashes the new region from
 * the page cache on the calling thread, which is otherwise idle while the writer thread encodes
 * (2 M JSONL rows: the main thread waits about a third of the run). What is left at `finish` is
 * the last row group and the footer, so the push's tail no longer reads the whole shard.
 *
 * Only for a file written front to back, each byte once (parquet-wasm's writer: one
 * `fs.write` in flight, at the file position). Any sign of something else (the reported size
 * going back, a short read, a final size other than the writer's) gives no digest: the caller
 * then hashes the file as before, so a wrong digest cannot come out of here.
 */
export class GrowingFileHash {
  private readonly hash = createHash("sha256");
  private handle: Promise<FileHandle> | undefined;
  private hashed = 0;
  private target = 0;
  private broken = false;
  private running: Promise<void> = Promise.resolve();
  private readonly buffer = Buffer.allocUnsafe(PIECE);

  constructor(private readonly path: string) {}

  /** The writer has `bytes` bytes on disk, final. */
  written(bytes: number): void {
    if (this.broken) return;
    if (bytes < this.target) {
      this.broken = true;
      return;
    }
    this.target = bytes;
    this.running = this.running.then(() => this.catchUp());
  }

  private async catchUp(): Promise<void> {
    if (this.broken) return;
    try {
      this.handle ??= open(this.path, "r");
      const handle = await this.handle;
      while (this.hashed < this.target && !this.broken) {
        const want = Math.min(PIECE, this.target - this.hashed);
        const { bytesRead } = await handle.read(this.buffer, 0, want, this.hashed);
        if (bytesRead === 0) {
          this.broken = true;
          return;
        }
        this.hash.update(this.buffer.subarray(0, bytesRead));
        this.hashed += bytesRead;
      }
    } catch {
      this.broken = true;
    }
  }

  /**
   * Hashes what is left once the writer closed the file at `size` bytes, and returns the
   * SHA-256 (hex), or undefined when the file did not grow as this expects.
   */
  async finish(size: number): Promise<string | undefined> {
    this.written(size);
    await this.running;
    try {
      if (this.broken || this.hashed !== size) return undefined;
      const handle = await this.handle;
      // A file of 0 bytes was never opened: the writer never reported it.
      if (handle && (await handle.stat()).size !== size) return undefined;
      return this.hash.digest("hex");
    } finally {
      await this.close();
    }
  }

  /** Stops and lets the file go (the writer aborted, or the digest is not wanted). */
  async close(): Promise<void> {
    this.broken = true;
    await this.running;
    const handle = this.handle;
    this.handle = undefined;
    await handle?.then(
      (h) => h.close(),
      () => undefined,
    );
  }
}
