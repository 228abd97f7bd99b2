import { MAX_CHUNK_SIZE, MIN_CHUNK_SIZE } from "./constants.js";
import { createGearKernel, type GearKernel, INPUT_CAPACITY, INPUT_OFFSET } from "./gear-wasm.js";

/**
 * The gear hash only depends on the last 64 bytes it saw, so a chunk's first
 * `MIN_CHUNK_SIZE - 64 - 1` bytes need not be hashed: by the first offset where a boundary is
 * allowed, the hash is the same as if every byte had been (hub-docs chunking.md, "Minimum-size
 * skip-ahead"; xet-core chunking.rs).
 */
const HASH_WINDOW = 64;

/**
 * Content-defined chunking, streaming: feed bytes in pieces of any size, get the chunk
 * boundaries. Same input, same boundaries, however it is split (hub-docs chunking.md).
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

  /** Length of the chunk in progress (bytes pushed since the last boundary). */
  get pending(): number {
    return this.current;
  }

  /**
   * Feeds the next bytes. Returns the offsets in `data` where chunks end (exclusive), in
   * order; the bytes after the last offset start the next chunk.
   */
  push(data: Uint8Array): number[] {
    const cuts: number[] = [];
    for (let base = 0; base < data.byteLength; base += INPUT_CAPACITY) {
      const window = data.subarray(base, Math.min(data.byteLength, base + INPUT_CAPACITY));
      this.kernel.input.set(window);
      for (const cut of this.scan(window.byteLength)) cuts.push(base + cut);
    }
    return cuts;
  }

  /** Ends the stream: returns the size of the last chunk (0 when the data ended on a boundary). */
  finish(): number {
    const last = this.current;
    this.current = 0;
    this.kernel.reset();
    return last;
  }

  /** Boundaries inside the `n` bytes now in the kernel's input window. */
  private scan(n: number): number[] {
    const { kernel } = this;
    const cuts: number[] = [];
    let pos = 0;
    while (pos < n) {
      if (this.current + HASH_WINDOW < MIN_CHUNK_SIZE) {
        const skip = Math.min(MIN_CHUNK_SIZE - this.current - HASH_WINDOW - 1, n - pos);
        pos += skip;
        this.current += skip;
        if (pos >= n) break;
      }
      // Never look past the byte that would make the chunk MAX_CHUNK_SIZE long.
      const end = Math.min(n, pos + MAX_CHUNK_SIZE - this.current);
      const tested = Math.min(end, pos + Math.max(0, MIN_CHUNK_SIZE - 1 - this.current));
      // Bytes before the minimum size only feed the hash; matches there do not count.
      if (tested > pos) {
        kernel.update(INPUT_OFFSET + pos, INPUT_OFFSET + tested);
        this.current += tested - pos;
        pos = tested;
      }
      const match = pos < end ? kernel.nextMatch(INPUT_OFFSET + pos, INPUT_OFFSET + end) : 0;
      const stop = match === 0 ? end : match - INPUT_OFFSET;
      this.current += stop - pos;
      pos = stop;
      if (match !== 0 || this.current >= MAX_CHUNK_SIZE) {
        cuts.push(pos);
        this.current = 0;
        kernel.reset();
      }
    }
    return cuts;
  }
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
