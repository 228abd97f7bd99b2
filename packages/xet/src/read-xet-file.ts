import { type HubClient, InvalidInputError, InvalidResponseError, type RepoDesignation } from "@hfkit/http";
import { type CasClient, createCasClient, hubXetTokenSource, type XetTokenSource } from "./cas-client.js";
import {
  ChunkPool,
  fetchXorbRanges,
  receiveXorbRange,
  streamXorbRange,
  type XorbRangeReceiver,
} from "./fetch-xorb-ranges.js";
import { getReconstruction, type ReconstructionTerm, type XorbByteRange } from "./get-reconstruction.js";
import { hashToHex, hexToHash, loadXetHashes } from "./hash.js";
import { decodeXorbChunks } from "./xorb.js";

export interface ReadXetFileOptions {
  /** The Xet file hash (string form), e.g. from `X-Xet-Hash` on `/resolve` or a tree entry's `xetHash`. */
  fileHash: string;
  /** The repo the read token is asked for. Not needed with `cas` or `tokenSource`. */
  repo?: RepoDesignation;
  /** Revision the read token is asked for. Default `main`. */
  revision?: string;
  /** Where CAS tokens come from. Default: the Hub's `xet-read-token` for `repo` and `revision`. */
  tokenSource?: XetTokenSource;
  /** A CAS client to reuse (several files read with one token). */
  cas?: CasClient;
  /** Bytes `[start, end)` only. An end past the file's end stops at the end. */
  range?: { start: number; end: number };
  /** Xorb fetches in flight ahead of the bytes being yielded. Default 4. */
  concurrency?: number;
  /**
   * Receives the bytes of single-range xorb fetches by another path than the client's
   * (@hfkit/repo passes its own socket's); what it leaves goes through the client. Default: the client's.
   */
  receiveRange?: XorbRangeReceiver;
  /**
   * Hash the chunks read and compare the file hash at the end (whole-file reads only; the
   * last read rejects on a mismatch). Default true.
   */
  verify?: boolean;
  /**
   * The bytes yielded are lent: valid until the generator is resumed, then their memory may
   * hold later chunks (copy what you keep). Chunks received through `receiveRange` then reuse
   * buffers rather than touching fresh memory each (@hfkit/repo's file writes copy anyway).
   * Default false: every yielded buffer is the caller's to keep.
   */
  lendChunks?: boolean;
  /** Bytes of the file yielded so far. */
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
}

interface Unit {
  xorb: string;
  url: string;
  ranges: XorbByteRange[];
  /** Terms that still need it; its bytes are dropped after the last. */
  users: number;
  chunks?: ChunkStore;
  /** With `lendChunks`: how many reads of each chunk index the terms will take from this unit. */
  uses?: Map<number, number>;
}

/**
 * Bytes of lent chunks (`lendChunks`) one fetch unit holds, received but not yet read, above
 * which its receiver waits: with them bounded, the chunk buffers read are reused by the chunks
 * received next instead of all of a range's arriving at once into fresh memory (issue 19).
 */
const HELD_LIMIT = 4 << 20;

/**
 * The decoded chunks of one fetch unit, by chunk index, filled as they arrive: a term waits
 * for each of its chunks, not for the whole unit.
 */
class ChunkStore {
  private readonly chunks = new Map<number, Uint8Array>();
  private readonly waiting = new Map<number, (chunk: Uint8Array | undefined) => void>();
  private failure: { error: unknown } | undefined;
  private ended = false;
  /** Cleared: no term reads from it any more, so chunks still arriving go back at once. */
  private closed = false;
  /** With counted uses: bytes added and not yet released, and who waits for them to drop. */
  private held = 0;
  private roomMade: (() => void) | undefined;

  constructor(
    private readonly uses?: Map<number, number>,
    /** With `lendChunks`: where chunks go back, and which are views of a receiver's buffer. */
    private readonly pool?: ChunkPool,
  ) {}

  /**
   * Undefined while the chunks held are under `HELD_LIMIT` bytes, or while the reader waits for
   * one of this store's chunks (it may need one behind those held: never a deadlock); else a
   * promise that settles once they are under it again (backpressure on a receiver).
   */
  room(): Promise<void> | undefined {
    if (this.held < HELD_LIMIT || this.waiting.size > 0 || this.ended) return undefined;
    return new Promise<void>((resolve) => {
      const previous = this.roomMade;
      this.roomMade = () => {
        previous?.();
        resolve();
      };
    });
  }

  private makeRoom(): void {
    const wake = this.roomMade;
    this.roomMade = undefined;
    wake?.();
  }

  add(index: number, chunk: Uint8Array): void {
    if (this.closed || (this.pool && !this.uses?.has(index))) {
      // No term reads it from here (uses are counted with a pool), or none ever will again.
      this.pool?.give(chunk);
      return;
    }
    // A view of a receiver's buffer holds that buffer until read. While the reader waits for a
    // later chunk of this store, one it will read after that is copied out instead (the
    // receiver could otherwise stop for room before the chunk waited for: a deadlock).
    if (this.waiting.size > 0 && !this.waiting.has(index)) chunk = this.copyOut(chunk);
    if (this.uses?.has(index)) this.held += chunk.byteLength;
    const wake = this.waiting.get(index);
    if (wake) {
      this.waiting.delete(index);
      // Still kept: another term may use the same chunk.
      this.chunks.set(index, chunk);
      wake(chunk);
    } else this.chunks.set(index, chunk);
  }

  end(error?: unknown): void {
    this.ended = true;
    this.makeRoom();
    if (error !== undefined) this.failure = { error };
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const wake of waiting) wake(undefined);
  }

  /** The chunk, once here; undefined if the unit ended without it. Rejects with the unit's failure. */
  get(index: number): Uint8Array | Promise<Uint8Array | undefined> | undefined {
    const chunk = this.chunks.get(index);
    if (chunk) return chunk;
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.ended) return undefined;
    const waited = new Promise<Uint8Array | undefined>((resolve) => this.waiting.set(index, resolve));
    // The reader needs a chunk that has not come: the receiver must go on, so no chunk held
    // here may keep its buffer (see `add`).
    for (const [i, held] of this.chunks) {
      const copy = this.copyOut(held);
      if (copy !== held) this.chunks.set(i, copy);
    }
    this.makeRoom();
    return waited.then((got) => {
      if (got === undefined && this.failure) throw this.failure.error;
      return got;
    });
  }

  /**
   * One counted read of chunk `index` is over: after the last, the chunk is dropped and
   * returned (its memory may be reused); undefined while it is still needed, or not counted.
   */
  release(index: number): Uint8Array | undefined {
    const left = (this.uses?.get(index) ?? 0) - 1;
    if (left < 0) return undefined;
    if (left > 0) {
      this.uses?.set(index, left);
      return undefined;
    }
    this.uses?.delete(index);
    const chunk = this.chunks.get(index);
    this.chunks.delete(index);
    if (chunk) this.held -= chunk.byteLength;
    if (this.held < HELD_LIMIT) this.makeRoom();
    return chunk;
  }

  /** `chunk`, or a copy of it in pool memory if it is a view of a receiver's buffer (handed back). */
  private copyOut(chunk: Uint8Array): Uint8Array {
    if (!this.pool?.isLent(chunk)) return chunk;
    const copy = this.pool.take(chunk.byteLength);
    copy.set(chunk);
    this.pool.give(chunk);
    return copy;
  }

  /** Drops the bytes (the last term that needs them is done, or the read stopped). */
  clear(): void {
    // Views of a receiver's buffers go back, so that it is not left waiting for them.
    if (this.pool)
      for (const chunk of this.chunks.values()) if (this.pool.isLent(chunk)) this.pool.give(chunk);
    this.closed = true;
    this.chunks.clear();
    this.held = 0;
    this.makeRoom();
  }
}

/**
 * Reads a file from Xet storage, in order, as a stream of bytes: asks the CAS for the file's
 * reconstruction, fetches the xorb ranges it names (several at once, each with one ranged
 * request), decodes the chunks and yields each term's bytes as soon as it is complete.
 * Memory holds the ranges in flight and those still needed by a later term.
 *
 * @example
 * const out = createWriteStream("model.safetensors");
 * for await (const bytes of readXetFile(hub, { repo: "me/model", fileHash })) out.write(bytes);
 */
export async function* readXetFile(
  client: HubClient,
  options: ReadXetFileOptions,
): AsyncGenerator<Uint8Array> {
  const fileHash = hexToHash(options.fileHash, "fileHash");
  const concurrency = options.concurrency ?? 4;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new InvalidInputError(`concurrency: a positive integer, not ${concurrency}.`, {
      field: "concurrency",
    });
  }
  if (!options.cas && !options.tokenSource && options.repo === undefined) {
    throw new InvalidInputError(
      "repo: needed to ask the Hub for a read token (or pass cas or tokenSource).",
      {
        field: "repo",
      },
    );
  }
  // The empty file: no chunks, nothing stored, nothing to ask.
  if (fileHash.every((b) => b === 0)) return;
  const cas =
    options.cas ??
    createCasClient(
      client,
      options.tokenSource ??
        hubXetTokenSource(client, {
          repo: options.repo as RepoDesignation,
          scope: "read",
          revision: options.revision,
        }),
    );
  const { signal } = options;
  const verify = (options.verify ?? true) && !options.range;
  // The BLAKE3 instances (hash-wasm, imported and instantiated on first use: ~0.07 s of a
  // 32 MiB download, profiled) load while the token and the reconstruction are awaited.
  const hashesLoading = verify ? loadXetHashes() : undefined;
  hashesLoading?.catch(() => {}); // a failed reconstruction is the error to report
  const reconstruction = await getReconstruction(cas, {
    fileHash: options.fileHash,
    range: options.range,
    signal,
  });
  const { terms } = reconstruction;
  const pool = options.lendChunks ? new ChunkPool() : undefined;

  // Which fetch units each term needs (a term may span ranges; several terms may share one).
  const units: Unit[] = [];
  const unitIndex = new Map<string, Unit>();
  const needs: Unit[][] = terms.map((term) => {
    const fetches = reconstruction.fetches.get(term.xorbHash) ?? [];
    const found: Unit[] = [];
    for (const fetch of fetches) {
      if (!fetch.ranges.some((r) => r.chunkStart < term.chunkEnd && r.chunkEnd > term.chunkStart)) continue;
      const key = `${term.xorbHash} ${fetch.url}`;
      let unit = unitIndex.get(key);
      if (!unit) {
        unit = { xorb: term.xorbHash, url: fetch.url, ranges: fetch.ranges, users: 0 };
        unitIndex.set(key, unit);
        units.push(unit);
      }
      unit.users++;
      found.push(unit);
    }
    if (pool) {
      // The unit `chunkOf` will take each chunk from: the first whose ranges cover it.
      for (let c = term.chunkStart; c < term.chunkEnd; c++) {
        const unit = found.find((u) => u.ranges.some((r) => r.chunkStart <= c && c < r.chunkEnd));
        if (!unit) continue;
        unit.uses ??= new Map();
        unit.uses.set(c, (unit.uses.get(c) ?? 0) + 1);
      }
    }
    return found;
  });

  // Fetches still running when the reader stops (a failure, `break`) are stopped with it.
  const stop = new AbortController();
  const fetchSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  let started = 0;
  const load = (unit: Unit): ChunkStore => {
    if (unit.chunks) return unit.chunks;
    const store = new ChunkStore(unit.uses, pool);
    unit.chunks = store;
    const [only] = unit.ranges;
    if (unit.ranges.length === 1 && only) {
      // One range: decoded chunk by chunk while the rest is still arriving.
      let index = only.chunkStart;
      const receive = options.receiveRange;
      void (async () => {
        if (receive) {
          await receiveXorbRange(client, {
            url: unit.url,
            range: only,
            signal: fetchSignal,
            receive,
            pool,
            room: pool ? () => store.room() : undefined,
            onChunk: (chunk) => store.add(index++, chunk),
          });
          return;
        }
        for await (const chunk of streamXorbRange(client, {
          url: unit.url,
          range: only,
          signal: fetchSignal,
        })) {
          store.add(index++, chunk);
        }
      })().then(
        () => store.end(),
        (error: unknown) => store.end(error),
      );
    } else {
      fetchXorbRanges(client, { url: unit.url, ranges: unit.ranges, signal: fetchSignal })
        .then(
          (parts) => {
            parts.forEach((bytes, i) => {
              const range = unit.ranges[i] as XorbByteRange;
              const count = range.chunkEnd - range.chunkStart;
              const { data, offsets } = decodeXorbChunks(bytes, count);
              for (let c = 0; c < count; c++) {
                store.add(range.chunkStart + c, data.subarray(offsets[c], offsets[c + 1]));
              }
            });
            store.end();
          },
          // A failure is reported when a term that needs it is reached.
          (error: unknown) => store.end(error),
        )
        .catch((error: unknown) => store.end(error));
    }
    return store;
  };

  const hashes = await hashesLoading;
  // Built as the chunks come (the upload session's way), so the end has only the tree's right
  // edge left to hash, not the whole tree (~60 ms for a 2 GiB file's ~30,000 chunks).
  const tree = hashes?.fileHasher();
  let skip = reconstruction.offsetIntoFirstRange;
  let remaining = options.range ? options.range.end - options.range.start : Number.POSITIVE_INFINITY;
  let yielded = 0;

  try {
    for (const [t, term] of terms.entries()) {
      const needed = needs[t] as Unit[];
      const last = Math.max(0, ...needed.map((u) => units.indexOf(u)));
      // Keep `concurrency` fetches going ahead of the term being assembled.
      while (started < units.length && started <= last + concurrency - 1) load(units[started++] as Unit);
      // Built by push, not `map`: the arrays `map` returned did not all have one shape, and each
      // other shape deoptimised this function (~60 ms to compile it again, a 2 GiB read twice).
      const stores: ChunkStore[] = [];
      for (const unit of needed) stores.push(load(unit));
      let total = 0;
      for (let c = term.chunkStart; c < term.chunkEnd; c++) {
        const [chunk, from] = await chunkOf(term, c, needed, stores);
        let piece = chunk;
        total += piece.byteLength;
        // The whole decoded chunk, in file order: a file's hash covers all its chunks.
        if (hashes && tree) tree.push({ hash: hashes.chunk(piece), size: piece.byteLength });
        if (skip >= piece.byteLength) {
          skip -= piece.byteLength;
          piece = piece.subarray(0, 0);
        } else if (skip > 0) {
          piece = piece.subarray(skip);
          skip = 0;
        }
        if (piece.byteLength > remaining) piece = piece.subarray(0, remaining);
        if (piece.byteLength > 0) {
          remaining -= piece.byteLength;
          yielded += piece.byteLength;
          signal?.throwIfAborted();
          yield piece;
          options.onProgress?.(yielded);
        }
        // Lent and read: the chunk's memory holds a later chunk once no other term needs it.
        if (pool) {
          const done = (stores[from] as ChunkStore).release(c);
          if (done) pool.give(done);
        }
      }
      if (total !== term.size) {
        throw new InvalidResponseError(
          `Xet reconstruction of ${options.fileHash}: term ${t} decodes to ${total} bytes, the CAS announced ${term.size}.`,
        );
      }
      for (const unit of needed) if (--unit.users === 0) unit.chunks?.clear();
    }
  } finally {
    stop.abort();
    for (const unit of units) unit.chunks?.clear();
  }
  if (tree) {
    const got = hashToHex(tree.digest());
    if (got !== options.fileHash.toLowerCase()) {
      throw new InvalidResponseError(
        `Xet download of ${options.fileHash} does not verify: its chunks hash to ${got}. Try again; report it if it persists.`,
      );
    }
  }
}

/** Chunk `c` of a term, from the first of its units whose ranges cover it, and that unit's index. */
async function chunkOf(
  term: ReconstructionTerm,
  c: number,
  units: readonly Unit[],
  stores: readonly ChunkStore[],
): Promise<[Uint8Array, number]> {
  for (const [i, unit] of units.entries()) {
    if (!unit.ranges.some((r) => r.chunkStart <= c && c < r.chunkEnd)) continue;
    const chunk = await (stores[i] as ChunkStore).get(c);
    if (chunk) return [chunk, i];
  }
  throw new InvalidResponseError(
    `Xet reconstruction names chunk ${c} of xorb ${term.xorbHash}, which no fetch covers.`,
  );
}
