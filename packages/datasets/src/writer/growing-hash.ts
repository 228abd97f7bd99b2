import { createHash } from "node:crypto";
import { type FileHandle, open } from "node:fs/promises";
import { Chunker, hashToHex, loadXetHashes, MAX_CHUNK_SIZE, type XetHashes } from "@hfkit/xet";

/** Bytes read per step: large enough that a read is one syscall per ~2.5 ms of hashing. */
const PIECE = 4 << 20;

/** Left to chunk at the close, a small file's chunks are completed anyway (~20 ms of CPU). */
const SMALL_REST = 8 << 20;

/** Left to chunk at the close, more than this is shared with a second thread, when there is one. */
const SPLIT_REST = 16 << 20;

/** Read size past the point where a second thread took over (its chunks join within a few). */
const JOIN_PIECE = 256 << 10;

/**
 * Reads a file front to back while another thread is still appending to it: the writer
 * reports how many bytes are on disk (`written`), and this reads the new region from the page
 * cache on the calling thread and hands it to `consume`, piece by piece, in order.
 *
 * Only for a file written front to back, each byte once (parquet-wasm's writer: one
 * `fs.write` in flight, at the file position). Any sign of something else (the reported size
 * going back, a short read, a final size other than the writer's) breaks the reader: `settle`
 * then says so, and the caller gives nothing, so a wrong digest cannot come out of here.
 */
abstract class GrowingFileReader {
  private handle: Promise<FileHandle> | undefined;
  /** Bytes handed to `consume`. */
  protected read = 0;
  private target = 0;
  protected broken = false;
  /** Reads stop here for now (the rest may be someone else's). */
  protected limit = Number.POSITIVE_INFINITY;
  /** Bytes per read. */
  protected step = PIECE;
  /** Set by `consume` when nothing more is wanted. */
  protected halted = false;
  /** Whether the reader follows the writer yet (a paused reader only records the size). */
  protected following = true;
  private running: Promise<void> = Promise.resolve();
  private readonly buffer = Buffer.allocUnsafe(PIECE);

  constructor(private readonly path: string) {}

  /** The next bytes of the file, in order; the buffer is reused once this returns. */
  protected abstract consume(piece: Uint8Array): void;

  /** The writer has `bytes` bytes on disk, final. */
  written(bytes: number): void {
    if (this.broken) return;
    if (bytes < this.target) {
      this.broken = true;
      return;
    }
    this.target = bytes;
    if (this.following) this.follow();
  }

  protected follow(): void {
    this.running = this.running.then(() => this.catchUp());
  }

  /** Resolves once the reads asked for so far are done. */
  protected settled(): Promise<void> {
    return this.running;
  }

  private async catchUp(): Promise<void> {
    if (this.broken) return;
    try {
      this.handle ??= open(this.path, "r");
      const handle = await this.handle;
      while (this.read < Math.min(this.target, this.limit) && !this.broken && !this.halted) {
        const want = Math.min(this.step, Math.min(this.target, this.limit) - this.read);
        const { bytesRead } = await handle.read(this.buffer, 0, want, this.read);
        if (bytesRead === 0 || this.broken) {
          this.broken = true;
          return;
        }
        this.consume(this.buffer.subarray(0, bytesRead));
        this.read += bytesRead;
      }
    } catch {
      this.broken = true;
    }
  }

  /**
   * Reads what is left once the writer closed the file at `size` bytes: true when every byte
   * went to `consume` (or `consume` halted) and the file is that size. Lets the file go either way.
   */
  protected async settle(size: number): Promise<boolean> {
    this.written(size);
    await this.running;
    try {
      if (this.broken || (this.read !== size && !this.halted)) return false;
      const handle = await this.handle;
      // A file of 0 bytes was never opened: the writer never reported it.
      return !handle || (await handle.stat()).size === size;
    } finally {
      await this.close();
    }
  }

  /** Stops and lets the file go (the writer aborted, or the result is not wanted). */
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

/**
 * The SHA-256 of a file hashed while another thread is still appending to it, on the calling
 * thread, which is otherwise idle while the writer thread encodes (2 M JSONL rows: the main
 * thread waits about a third of the run). What is left at `finish` is the last row group and
 * the footer, so the push's tail no longer reads the whole shard. A file that did not grow front
 * to back gives no digest: the caller then hashes it as before.
 */
export class GrowingFileHash extends GrowingFileReader {
  private readonly hash = createHash("sha256");

  protected consume(piece: Uint8Array): void {
    this.hash.update(piece);
  }

  /**
   * Hashes what is left once the writer closed the file at `size` bytes, and returns the
   * SHA-256 (hex), or undefined when the file did not grow as this expects.
   */
  async finish(size: number): Promise<string | undefined> {
    return (await this.settle(size)) ? this.hash.digest("hex") : undefined;
  }
}

/** One Xet chunk of a file: its hash (string form) and size, as `@hfkit/xet` takes them. */
export interface ShardXetChunk {
  hash: string;
  size: number;
}

/**
 * The chunks of bytes `[from, to)` of the closed file, cut by a chunker started at `from` (on
 * another thread): the end offset of each chunk in the file, and its hash. The first one starts
 * at `from`, which is no boundary; the others start where the one before ends.
 */
export interface ChunksFrom {
  ends: number[];
  hashes: string[];
}

/** Chunks bytes `[from, to)` of the closed file elsewhere; undefined if it could not. */
export type ChunkElsewhere = (from: number, to: number) => Promise<ChunksFrom | undefined>;

/**
 * A shard's Xet chunks (gear-hash boundaries, BLAKE3 of each chunk: `@hfkit/xet`'s `Chunker`
 * and `loadXetHashes`, so the same chunks as the upload's own), computed on the calling thread
 * from the moment every row of the shard has been handed to the writer, while the writer thread
 * finishes the file, and then on two threads once it is closed. Chunking from the first row
 * group on took that CPU from the conversion, where both cores are busy (README, "Xet chunks
 * while writing"); once the rows are in, the main thread and, after the close, the writer thread
 * have nothing else to do, and the upload given the chunks (`{ path, sha256, chunks }`) only
 * cuts the bytes at their sizes.
 *
 * Two threads: the rest is halved at the close, and `elsewhere` chunks the second half with a
 * chunker of its own. Content-defined chunking resynchronises: once both chunkers cut at the same
 * offset, every later cut is the same (a chunker's state after a cut depends on the bytes after
 * it alone), so this thread goes on past the halfway point until one of its cuts is one of the
 * other's, and the other's chunks from there on are taken as they are.
 *
 * Without a second thread, `finish` completes the chunks only when at least half of the file
 * (or all but 8 MiB) was chunked by the close: an upload that chunks the file itself overlaps
 * the chunking with the sending, whereas one given chunks cannot start before they are all known.
 */
export class GrowingXetChunks extends GrowingFileReader {
  private readonly chunker = new Chunker();
  /** The bytes of the chunk in progress (always under `MAX_CHUNK_SIZE`: the chunker cuts there). */
  private readonly carry = new Uint8Array(MAX_CHUNK_SIZE);
  private carried = 0;
  private hashes: XetHashes | undefined;
  private readonly chunks: ShardXetChunk[] = [];
  private readonly started: Promise<void>;
  /** The other thread's chunks, by the offset where each (but its first) starts. */
  private other: { chunks: ChunksFrom; startAt: Map<number, number> } | undefined;

  /** Starts chunking the file from its first byte; `bytes` are on disk already, final. */
  constructor(path: string, bytes: number) {
    super(path);
    this.following = false;
    this.written(bytes);
    this.started = loadXetHashes().then(
      (hashes) => {
        this.hashes = hashes;
        this.following = true;
        this.follow();
      },
      () => {
        this.broken = true;
      },
    );
  }

  /** Bytes chunked so far. */
  get chunked(): number {
    return this.read;
  }

  protected consume(piece: Uint8Array): void {
    let start = 0;
    for (const cut of this.chunker.push(piece)) {
      this.add(piece.subarray(start, cut));
      start = cut;
      const joined = this.other?.startAt.get(this.read + cut);
      if (joined !== undefined) {
        const { ends, hashes } = (this.other as { chunks: ChunksFrom }).chunks;
        for (let i = joined; i < ends.length; i++)
          this.chunks.push({ hash: hashes[i]!, size: ends[i]! - ends[i - 1]! });
        this.halted = true;
        return;
      }
    }
    this.carry.set(piece.subarray(start), this.carried);
    this.carried += piece.byteLength - start;
  }

  /** The chunk that ends with `tail` (the bytes carried from earlier pieces before it). */
  private add(tail: Uint8Array): void {
    let bytes = tail;
    if (this.carried > 0) {
      this.carry.set(tail, this.carried);
      bytes = this.carry.subarray(0, this.carried + tail.byteLength);
      this.carried = 0;
    }
    this.chunks.push({ hash: hashToHex((this.hashes as XetHashes).chunk(bytes)), size: bytes.byteLength });
  }

  /**
   * The file's chunks once the writer closed it at `size` bytes, or undefined: a file that did
   * not grow as this expects, or, with no `elsewhere`, less than half of it (and more than 8 MiB
   * left) chunked by now.
   */
  async finish(size: number, elsewhere?: ChunkElsewhere): Promise<ShardXetChunk[] | undefined> {
    await this.started;
    const rest = size - this.read;
    if (!elsewhere && rest > Math.max(size / 2, SMALL_REST)) {
      await this.close();
      return undefined;
    }
    if (elsewhere && rest > SPLIT_REST && !this.broken) {
      const from = size - Math.floor(rest / 2);
      const theirs = elsewhere(from, size);
      this.limit = from;
      this.written(size);
      const chunks = await theirs;
      await this.settled();
      if (chunks && chunks.ends.length > 1 && chunks.ends.at(-1) === size) {
        const startAt = new Map<number, number>();
        for (let i = 0; i < chunks.ends.length - 1; i++) startAt.set(chunks.ends[i]!, i + 1);
        this.other = { chunks, startAt };
        this.step = JOIN_PIECE;
      }
      this.limit = Number.POSITIVE_INFINITY;
    }
    if (!(await this.settle(size))) return undefined;
    if (!this.halted && this.chunker.finish() > 0) this.add(new Uint8Array(0));
    return this.chunks;
  }
}
