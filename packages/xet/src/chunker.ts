import { MAX_CHUNK_SIZE, MIN_CHUNK_SIZE } from "./constants.js";
import {
  CANDIDATE_ENDS,
  CANDIDATES,
  createGearKernel,
  type GearKernel,
  INPUT_CAPACITY,
  INPUT_OFFSET,
  LANE_CAPACITY,
  LANES,
} from "./gear-wasm.js";

/**
 * The gear hash only depends on the last 64 bytes it saw: wherever a boundary may fall (at least
 * `MIN_CHUNK_SIZE` bytes into a chunk), the hash of xet-core's chunker, reset at each boundary,
 * is the hash of the 64 bytes up to that byte (hub-docs chunking.md). So every byte's hash can be
 * computed without knowing where chunks start, four lanes at a time (the kernel's `candidates`),
 * and boundaries picked from the matches: the first match at least `MIN_CHUNK_SIZE` bytes into
 * the chunk, else `MAX_CHUNK_SIZE`.
 */
const HASH_WINDOW = 64;

/**
 * Content-defined chunking, streaming: feed bytes in pieces of any size, get the chunk
 * boundaries. Same input, same boundaries, however it is split (hub-docs chunking.md).
 *
 * Hashing every byte in four interleaved lanes takes less CPU than hashing one byte after the
 * other while skipping the first 8 KiB of each chunk (issue 19): one lane was bound by its chain
 * of dependent operations, not by the work.
 *
 * @example
 * const chunker = new Chunker();
 * const cuts = chunker.push(bytes); // ends of the chunks completed inside `bytes`
 * const tail = chunker.finish();    // bytes of the last, partial chunk (0 if none)
 */
export class Chunker {
  private readonly kernel: GearKernel = createGearKernel();
  /** Bytes of the current chunk seen before this call. */
  private current = 0;
  /** The last 64 bytes pushed (zeros at first): they warm up the lanes of the next bytes. */
  private readonly history = new Uint8Array(HASH_WINDOW);
  private buffers: [Uint8Array, Uint8Array] | undefined;

  /** Length of the chunk in progress (bytes pushed since the last boundary). */
  get pending(): number {
    return this.current;
  }

  /**
   * Two buffers of `size` bytes to read the stream into (alternately): bytes pushed from them
   * are hashed where they lie instead of being copied into the kernel's input window first
   * (0.05 s of CPU per 512 MiB uploaded, issue 19).
   */
  readBuffers(size: number): [Uint8Array, Uint8Array] {
    this.buffers = this.kernel.readBuffers(size);
    return this.buffers;
  }

  /**
   * Feeds the next bytes. Returns the offsets in `data` where chunks end (exclusive), in
   * order; the bytes after the last offset start the next chunk.
   */
  push(data: Uint8Array): number[] {
    const { kernel } = this;
    const cuts: number[] = [];
    // Where the current chunk starts, relative to `data` (before it: negative).
    let start = -this.current;
    const [one, two] = this.buffers ?? [];
    // Bytes read into one of its buffers, from its start (the 64 bytes before it are free).
    if (
      data.buffer === kernel.bytes.buffer &&
      (data.byteOffset === one?.byteOffset || data.byteOffset === two?.byteOffset)
    ) {
      start = this.scan(data.byteOffset, data.byteLength, -data.byteOffset, start, cuts);
    } else {
      for (let base = 0; base < data.byteLength; base += INPUT_CAPACITY) {
        const n = Math.min(INPUT_CAPACITY, data.byteLength - base);
        kernel.input.set(data.subarray(base, base + n));
        start = this.scan(INPUT_OFFSET, n, base - INPUT_OFFSET, start, cuts);
      }
    }
    while (data.byteLength - start >= MAX_CHUNK_SIZE) {
      start += MAX_CHUNK_SIZE;
      cuts.push(start);
    }
    this.current = data.byteLength - start;
    return cuts;
  }

  /** Ends the stream: returns the size of the last chunk (0 when the data ended on a boundary). */
  finish(): number {
    const last = this.current;
    this.current = 0;
    this.history.fill(0);
    return last;
  }

  /**
   * The boundaries among the `n` bytes at `at` in the kernel's memory (`offset` turns a memory
   * offset into one relative to the data pushed); returns where the current chunk now starts.
   */
  private scan(at: number, n: number, offset: number, chunkStart: number, cuts: number[]): number {
    const { kernel, history } = this;
    // The 64 bytes before these sit just before them; then the last 64 become the history.
    kernel.bytes.set(history, at - HASH_WINDOW);
    let start = chunkStart;
    for (let from = at; from < at + n; from += LANES * LANE_CAPACITY) {
      // Four lanes of `count` bytes each, LANE_CAPACITY apart: in the last stretch, lanes may
      // run past the end (what they find there is ignored).
      const length = Math.min(LANES * LANE_CAPACITY, at + n - from);
      const count = Math.min(LANE_CAPACITY, length);
      kernel.candidates(from, count, CANDIDATES);
      const { words } = kernel;
      const end = from + length;
      for (let lane = 0; lane < LANES; lane++) {
        const last = (words[(CANDIDATE_ENDS >> 2) + lane] as number) >> 2;
        for (let i = (CANDIDATES >> 2) + lane * LANE_CAPACITY; i < last; i++) {
          const match = words[i] as number;
          if (match >= end) break;
          start = cutAt(cuts, start, match + offset);
        }
      }
    }
    history.set(kernel.bytes.subarray(at + n - HASH_WINDOW, at + n));
    return start;
  }
}

/**
 * The boundaries up to a byte whose hash matches (at `match`, relative to the data like
 * `start`, where the current chunk starts): chunks of `MAX_CHUNK_SIZE` while the match lies
 * further, then a boundary after the match when the chunk is long enough. Returns the new start.
 */
function cutAt(cuts: number[], chunkStart: number, match: number): number {
  let start = chunkStart;
  while (match + 1 - start > MAX_CHUNK_SIZE) {
    start += MAX_CHUNK_SIZE;
    cuts.push(start);
  }
  if (match + 1 - start >= MIN_CHUNK_SIZE) {
    start = match + 1;
    cuts.push(start);
  }
  return start;
}

/** Where chunks end in a stream of pieces: {@link Chunker}, or {@link KnownBoundaries}. */
interface ChunkBoundaries {
  /** Offsets in `data` where chunks end (exclusive), in order. */
  push(data: Uint8Array): number[];
  /** Ends the stream: the size of the last, partial chunk (0 when none). */
  finish(): number;
}

/**
 * Boundaries known in advance: the chunk sizes of a file chunked earlier (while it was
 * written, say), so that its bytes are cut at the same places without hashing them again.
 * Bytes past the last size make one more chunk (the caller then knows the file is not the one
 * the sizes came from).
 */
export class KnownBoundaries implements ChunkBoundaries {
  private next = 0;
  private current = 0;

  constructor(private readonly sizes: readonly number[]) {}

  push(data: Uint8Array): number[] {
    const cuts: number[] = [];
    let pos = 0;
    const { sizes } = this;
    while (this.next < sizes.length && this.current + data.byteLength - pos >= sizes[this.next]!) {
      pos += sizes[this.next]! - this.current;
      cuts.push(pos);
      this.current = 0;
      this.next++;
    }
    this.current += data.byteLength - pos;
    return cuts;
  }

  finish(): number {
    return this.current;
  }
}

/**
 * Cuts pieces of a byte stream into chunks, pushed a piece at a time. A chunk is a view of the
 * piece when it lies inside it, else a fresh copy: use (or copy) the chunks of a piece before
 * the source reuses its buffer.
 */
export class ChunkSplitter {
  private carry: Uint8Array[] = [];
  private carried = 0;

  constructor(private readonly boundaries: ChunkBoundaries = new Chunker()) {}

  /**
   * Two buffers of `size` bytes the source may read into, alternately, to be chunked where they
   * lie ({@link Chunker.readBuffers}); undefined when the boundaries are given.
   */
  readBuffers(size: number): [Uint8Array, Uint8Array] | undefined {
    return this.boundaries instanceof Chunker ? this.boundaries.readBuffers(size) : undefined;
  }

  /** The chunks `piece` completes, in order. */
  push(piece: Uint8Array): Uint8Array[] {
    const chunks: Uint8Array[] = [];
    let start = 0;
    for (const cut of this.boundaries.push(piece)) {
      chunks.push(this.joined(piece.subarray(start, cut)));
      start = cut;
    }
    if (start < piece.byteLength) {
      // The bytes are held until their chunk ends, and the source may reuse its buffer: copy
      // them (a Buffer's own slice() would return a view).
      this.carry.push(new Uint8Array(piece.subarray(start)));
      this.carried += piece.byteLength - start;
    }
    return chunks;
  }

  /** Ends the stream: the last, partial chunk, if any. */
  end(): Uint8Array | undefined {
    return this.boundaries.finish() > 0 ? this.joined(new Uint8Array(0)) : undefined;
  }

  private joined(tail: Uint8Array): Uint8Array {
    if (this.carried === 0) return tail;
    const out = new Uint8Array(this.carried + tail.byteLength);
    let offset = 0;
    for (const piece of this.carry) {
      out.set(piece, offset);
      offset += piece.byteLength;
    }
    out.set(tail, offset);
    this.carry = [];
    this.carried = 0;
    return out;
  }
}

/**
 * Splits a byte stream into chunks (content-defined unless `boundaries` says otherwise). Each
 * chunk is a fresh copy when it spans several input pieces, else a view of the input piece
 * (copy it to keep it past the next step).
 */
export async function* chunkStream(
  source: AsyncIterable<Uint8Array>,
  boundaries?: ChunkBoundaries,
): AsyncGenerator<Uint8Array> {
  const splitter = new ChunkSplitter(boundaries);
  for await (const piece of source) yield* splitter.push(piece);
  const last = splitter.end();
  if (last) yield last;
}
