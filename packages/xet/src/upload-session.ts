import { createHash } from "node:crypto";
import { HubError, InvalidInputError } from "@hfkit/http";
import type { Emit } from "@hfkit/http/work";
import { phase, TaskGroup } from "@hfkit/http/work";
import PQueue from "p-queue";
import type { CasClient } from "./cas-client.js";
import { ChunkIndex, HashStore } from "./chunk-index.js";
import { ChunkSplitter, KnownBoundaries } from "./chunker.js";
import { MAX_XORB_BYTES } from "./constants.js";
import {
  hashToHex,
  hexToHash,
  isGlobalDedupEligible,
  type KeyedHash,
  keyedBlake3,
  type XetHash,
  type XetHashes,
} from "./hash.js";
import { queryDedup } from "./query-dedup.js";
import {
  CHUNK_FLAG_GLOBAL_DEDUP,
  type Shard,
  type ShardFile,
  ShardFormatError,
  type ShardXorb,
} from "./shard.js";
import { type OpenedSource, readSize } from "./source.js";
import type { XetUploadEvent, XetUploadedFile } from "./types.js";
import { uploadXorb } from "./upload-xorb.js";
import {
  type CompressionChoice,
  type EncodedChunk,
  encodeChunk,
  SLAB,
  SlabPool,
  XorbBuilder,
} from "./xorb.js";
import type { XorbCache } from "./xorb-cache.js";
import { xorbExists } from "./xorb-exists.js";

/** A xorb terms can point at: built in this run (hash known once closed), cached, or found by a dedup query. */
interface XorbRef {
  hash: XetHash | undefined;
  /** For cached xorbs: confirmed present on the CAS in this run (undefined: not asked yet). */
  present?: Promise<boolean>;
  cached?: string;
}

/** A chunk's place in a xorb (chained in a {@link ChunkIndex} by its hash). */
interface Location {
  xorb: XorbRef;
  index: number;
  size: number;
  hash: XetHash;
  next: Location | undefined;
}

interface PendingTerm {
  xorb: XorbRef;
  start: number;
  end: number;
  size: number;
  hashes: XetHash[];
}

/** A global dedup answer, keyed: our chunk hashes must be keyed the same way to match. */
interface DedupTable {
  key: KeyedHash | undefined;
  chunks: ChunkIndex<Location>;
}

/** {@link UploadSession.lookupNow}'s answer for a chunk of a cached xorb: ask `lookup`. */
const CONFIRM = Symbol("confirm");

/** At most one global dedup query per this many bytes of a file (hub-docs deduplication.md). */
const DEDUP_QUERY_SPACING = 4 << 20;

/**
 * Bytes of chunks held while a global dedup query is pending; past them, chunking waits for the
 * answer. One 4 MiB slab was ~10 ms of chunking: a 32 MiB upload then stopped for the rest of
 * the round trip (40-120 ms under load, `pnpm bench` sharing the VM; issue 19), where xet-core
 * never waits (an answer only covers the chunks after it comes).
 */
const HELD_BYTES = 16 << 20;

/**
 * While a xorb is being sent, chunking hands the event loop a turn every this many bytes.
 * Chunking is synchronous between file reads (one a 4 MiB piece, ~70 ms of CPU), and a socket
 * takes more of a xorb only when the loop polls: a 32 MiB upload's first 8 MiB xorb took
 * ~800 ms to go out and be answered, while the CAS sat idle, its slabs never came back to the
 * pool for the next xorbs (fresh memory, page faults), and the CAS verified all three xorbs at
 * the end (issue 19).
 */
const YIELD_SPACING = 256 << 10;

/** After this many chunks in a row stored raw, `auto` tries to compress one chunk in this many. */
export const PROBE_AFTER_RAW = 8;

/**
 * The compression choice for each new chunk of a file. Under `auto`, once
 * {@link PROBE_AFTER_RAW} chunks in a row were stored raw (random or already compressed bytes),
 * only every {@link PROBE_AFTER_RAW}th chunk is tried (BG4 predictor, LZ4 probe) until one
 * compresses; the others are stored raw. A try cost ~9 µs per chunk, ~4 % of the client's CPU on
 * such data (issue 19), where `hf_xet` compresses every chunk with Rust's LZ4; a compressible
 * stretch after a raw one is found within that many chunks. The bytes read back never change.
 */
export class CompressionProbe {
  private rawStreak = 0;
  private untried = 0;

  constructor(private readonly choice: CompressionChoice) {}

  /** The choice for the next chunk. */
  next(): CompressionChoice {
    if (this.choice !== "auto") return this.choice;
    this.untried++;
    if (this.rawStreak < PROBE_AFTER_RAW || this.untried >= PROBE_AFTER_RAW) {
      this.untried = 0;
      return "auto";
    }
    return "none";
  }

  /** Records how the chunk was stored (its header's scheme byte: 0 is raw). */
  stored(encoded: EncodedChunk): void {
    this.rawStreak = encoded.header[4] === 0 ? this.rawStreak + 1 : 0;
  }
}

/** The smallest xorb the size policy aims for after the first (the last one may be smaller). */
export const MIN_XORB_TARGET = 8 << 20;

/**
 * The first xorb of an upload of more than 16 MiB (or of unknown size): the CAS starts checking
 * xorbs once this much is chunked. With 8 MiB, a 32 MiB upload's CAS sat idle for its first
 * ~70 ms of chunking and was the limit at the end (issue 19).
 */
const FIRST_XORB_TARGET = 4 << 20;

/**
 * Raw bytes a xorb is closed at: the first xorbs of an upload are small (4, 8, 16, 32 MiB, then
 * 64 MiB; 8 MiB first when all of it is 16 MiB or less), and so are the last ones (half of what
 * is left to chunk, when the sizes are known; the last 16 MiB or less in one). The CAS verifies each xorb while the next one is being chunked; 64 MiB xorbs
 * throughout left it idle until the first 64 MiB were chunked, and left the client idle while it
 * verified the last 64 MiB: a 32 MiB upload was one xorb sent after all its chunking, with
 * nothing overlapped. Any size up to 64 MiB is valid (hub-docs xorb.md).
 *
 * No xorb is larger than a third of `budget` (the bytes of xorbs memory may hold). Memory frees
 * a whole xorb at a time, when the CAS accepts it; chunking then fills the next xorb while the
 * CAS works through what was sent after the accepted one. With xorbs of half the budget that
 * was one xorb: the CAS needed as long to verify it (~5 ms per MiB on the emulator) as the
 * client took to chunk and hash the next (~5.5 ms per MiB), so the CAS went idle whenever the
 * client slowed. A third leaves it two xorbs to verify while one is built (issue 19). With 64
 * MiB xorbs in a 96 MiB budget, chunking had stopped 32 MiB into each xorb until the previous
 * one was answered.
 */
export function xorbTarget(
  closed: number,
  remaining: number | undefined,
  budget = 3 * MAX_XORB_BYTES,
): number {
  const ramp =
    closed === 0 && remaining !== undefined && remaining <= 2 * MIN_XORB_TARGET
      ? MIN_XORB_TARGET
      : FIRST_XORB_TARGET * 2 ** Math.min(closed, 4);
  // Up to 16 MiB left goes in one xorb: halving further would only add a tiny last xorb.
  const taper =
    remaining === undefined
      ? MAX_XORB_BYTES
      : remaining <= 2 * MIN_XORB_TARGET
        ? Math.max(MIN_XORB_TARGET, remaining)
        : Math.ceil(remaining / 2);
  const pipelined = Math.max(MIN_XORB_TARGET, Math.floor(budget / 3));
  return Math.min(MAX_XORB_BYTES, ramp, taper, pipelined);
}

export interface SessionOptions {
  cas: CasClient;
  hashes: XetHashes;
  cache: XorbCache;
  emit: Emit<XetUploadEvent>;
  signal: AbortSignal;
  xorbUploads: number;
  maxBufferedBytes: number;
  compression: CompressionChoice;
  globalDedup: boolean;
  /** Bytes of all the files of the upload, when every size is known (shapes the xorb sizes). */
  totalBytes?: number | undefined;
}

export interface SessionFile extends XetUploadedFile {
  /** The file's entry in the shard, once every xorb is closed (undefined for an empty file). */
  shardEntry(): ShardFile | undefined;
}

/**
 * One upload: files are chunked and hashed in turn, new chunks packed into xorbs (chunks of
 * several files share xorbs) that upload in parallel while reading goes on, known chunks
 * referenced instead of sent. State lives for one call.
 */
export class UploadSession {
  readonly group: TaskGroup;
  private readonly queue: PQueue;
  private readonly slabs: SlabPool;
  private readonly builder: XorbBuilder;
  private building: XorbRef = { hash: undefined };
  /** Indices, in the xorb being built, of chunks that start a file (flagged for global dedup). */
  private fileStarts: number[] = [];
  private readonly known = new ChunkIndex<Location>();
  /** The chunk hashes this upload computed (terms, xorbs and the index keep them to the end). */
  private readonly hashStore = new HashStore();
  private readonly dedupTables: DedupTable[] = [];
  private readonly queried = new Set<string>();
  /** One ref per xorb found by dedup queries, so that consecutive chunks make one term. */
  private readonly dedupRefs = new Map<string, XorbRef>();
  /**
   * The xorbs the shard must list (built now, or cached but never registered), as made: their
   * CAS info, an object per chunk, is written out only for the shard ({@link newXorbs}), not
   * kept through the upload (issue 19).
   */
  private readonly listed: Parameters<typeof casInfo>[] = [];
  private readonly listedCached = new Set<string>();
  private buffered = 0;
  /** Bytes chunked so far, all files; xorbs closed so far; the raw size the current xorb closes at. */
  private chunked = 0;
  private closed = 0;
  private target = 0;
  private released: (() => void) | undefined;
  /** The compression choice per new chunk (one per file). */
  private probe: CompressionProbe;
  stats = { xorbsUploaded: 0, bytesUploaded: 0, chunksDeduplicated: 0, bytesDeduplicated: 0 };

  constructor(private readonly options: SessionOptions) {
    this.group = new TaskGroup(options.signal);
    this.slabs = new SlabPool(Math.ceil(options.maxBufferedBytes / SLAB) + 1);
    this.builder = new XorbBuilder(this.slabs);
    this.queue = new PQueue({ concurrency: options.xorbUploads });
    this.probe = new CompressionProbe(options.compression);
    for (const xorb of options.cache.xorbs.values()) {
      const ref: XorbRef = { hash: xorb.hash, cached: xorb.hex };
      xorb.chunks.forEach((chunk, index) => {
        if (!this.known.get(chunk.hash)) {
          this.known.set({ xorb: ref, index, size: chunk.size, hash: chunk.hash, next: undefined });
        }
      });
    }
  }

  get signal(): AbortSignal {
    return this.group.signal;
  }

  async addFile(source: OpenedSource, index: number): Promise<SessionFile> {
    const { hashes, emit } = this.options;
    // A SHA-256 the caller already computed is not computed again (a fifth of the CPU per byte).
    const sha = source.sha256 === undefined ? createHash("sha256") : undefined;
    /** Chunks of the file so far (each one's hash is kept by its term, not in a list). */
    let chunkCount = 0;
    // The file hash is built as the chunks come: after the last one only the tree's edge is left.
    const fileTree = hashes.fileHasher();
    const terms: PendingTerm[] = [];
    let read = 0;
    let sinceQuery = Number.POSITIVE_INFINITY;
    let sinceYield = 0;
    const progressKey = `file:${index}`;
    this.probe = new CompressionProbe(this.options.compression);
    const signal = this.signal;
    const tap = async function* (pieces: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      for await (const piece of pieces) {
        signal.throwIfAborted();
        sha?.update(piece);
        read += piece.byteLength;
        // Every chunk a plain Uint8Array (file reads give Buffers, joined chunks are not): the
        // per-chunk code (hashing, BG4, LZ4, xorb slabs) then sees one kind of array, and V8 no
        // longer threw away its optimised code each time the other kind came (issue 19).
        yield piece.constructor === Uint8Array
          ? piece
          : new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength);
        emit(
          { type: "xet-file-progress", file: source.name, bytesRead: read, totalBytes: source.size },
          progressKey,
        );
      }
    };
    emit(
      { type: "xet-file-progress", file: source.name, bytesRead: 0, totalBytes: source.size },
      progressKey,
    );
    // A global dedup query is not waited for chunk by chunk: chunking and hashing go on while it
    // is in flight, the chunks after it held (copied into pooled slabs) until the answer comes
    // or HELD_BYTES are held, then placed in order, so the answer still covers them. Waiting cost a
    // round trip per query, more while the CAS was busy verifying a xorb (profiled: 30-110 ms
    // each, two queries in a 32 MiB upload).
    let query: Promise<void> | undefined;
    let answered = false;
    const held: { hash: XetHash; size: number; slab: Uint8Array; at: number; first: boolean }[] = [];
    let heldBytes = 0;
    /** The slabs the held chunks are in, the last one filled up to `slabUsed`. */
    const heldSlabs: Uint8Array[] = [];
    let slabUsed = 0;
    const giveHeldSlabs = () => {
      this.slabs.give(heldSlabs);
      heldSlabs.length = 0;
    };
    const placed = (location: Location, hash: XetHash, size: number) => {
      appendTerm(terms, location, hash);
      this.chunked += size;
    };
    const place = async (data: Uint8Array, hash: XetHash, first: boolean, known?: Location) => {
      const size = data.byteLength;
      let location = known ?? (await this.lookup(hash, size));
      if (location) {
        this.stats.chunksDeduplicated++;
        this.stats.bytesDeduplicated += size;
      } else {
        location = await this.store(data, hash, first);
      }
      placed(location, hash, size);
    };
    const release = async () => {
      if (query) await query;
      query = undefined;
      for (const chunk of held) {
        // A slab whose chunks are all placed goes back to the pool at once, for the xorb's next
        // slab: the held bytes then cost one slab of memory more than the chunks, not two times.
        if (chunk.slab !== heldSlabs[0]) this.slabs.give(heldSlabs.splice(0, 1));
        await place(chunk.slab.subarray(chunk.at, chunk.at + chunk.size), chunk.hash, chunk.first);
      }
      held.length = 0;
      heldBytes = 0;
      giveHeldSlabs();
    };
    /** Keeps a copy of the chunk (its bytes are in a reused read buffer) until the answer comes. */
    const hold = (data: Uint8Array, hash: XetHash, first: boolean) => {
      const size = data.byteLength;
      let slab = heldSlabs[heldSlabs.length - 1];
      if (!slab || slabUsed + size > slab.byteLength) {
        slab = this.slabs.take(SLAB);
        heldSlabs.push(slab);
        slabUsed = 0;
      }
      slab.set(data, slabUsed);
      held.push({ hash, size, slab, at: slabUsed, first });
      slabUsed += size;
      heldBytes += size;
    };
    /** Whether a new chunk is asked about in a global dedup query. */
    const asks = (hash: XetHash, first: boolean) =>
      this.options.globalDedup &&
      (first || (isGlobalDedupEligible(hash) && sinceQuery >= DEDUP_QUERY_SPACING)) &&
      !this.queried.has(hashToHex(hash));
    /** The rest of {@link handle} when the chunk cannot be placed without waiting. */
    const handleLater = async (data: Uint8Array, hash: XetHash, first: boolean) => {
      const size = data.byteLength;
      if (query && (answered || heldBytes + size > HELD_BYTES)) await release();
      if (query) {
        hold(data, hash, first);
        return;
      }
      const location = await this.lookup(hash, size);
      if (!location && asks(hash, first)) {
        sinceQuery = 0;
        answered = false;
        const asked = this.askGlobalDedup(hash).finally(() => {
          answered = true;
        });
        // Settled in release(); a failure meanwhile must not go unhandled.
        asked.catch(() => {});
        query = asked;
        hold(data, hash, first);
        return;
      }
      await place(data, hash, first, location);
    };
    // Chunks the caller computed (while writing the file) are cut at their sizes, not hashed.
    const given = source.chunks;
    /**
     * One chunk: hashed, then referenced or stored. Synchronous (undefined) unless it has to wait
     * (a dedup query, a cached xorb to confirm, the memory budget): a
     * promise and an async generator step per chunk, ~8,000 of each per 512 MiB, and the large
     * async loop that held them, which V8 optimised again after each deoptimisation, cost more
     * CPU than the copies of the bytes (issue 19).
     */
    const handle = (data: Uint8Array): Promise<void> | undefined => {
      const hash = given ? given[chunkCount]?.hash : this.hashStore.keep(hashes.chunk(data));
      if (!hash) throw chunksUnlike(source);
      const size = data.byteLength;
      chunkCount++;
      fileTree.push({ hash, size });
      sinceQuery += size;
      sinceYield += size;
      const first = chunkCount === 1;
      if (query) return handleLater(data, hash, first);
      const location = this.lookupNow(hash, size);
      if (location === CONFIRM || (!location && asks(hash, first))) {
        return handleLater(data, hash, first);
      }
      if (location) {
        this.stats.chunksDeduplicated++;
        this.stats.bytesDeduplicated += size;
        placed(location, hash, size);
        return undefined;
      }
      const stored = this.store(data, hash, first);
      if (stored instanceof Promise) return stored.then((at) => placed(at, hash, size));
      placed(stored, hash, size);
      return undefined;
    };
    try {
      const splitter = new ChunkSplitter(given ? new KnownBoundaries(given.map((c) => c.size)) : undefined);
      // A file is read straight into the chunker's memory, where its bytes are hashed.
      const into =
        source.readsInto && source.size !== undefined
          ? splitter.readBuffers(readSize(source.size))
          : undefined;
      for await (const piece of tap(source.read(signal, into))) {
        for (const data of splitter.push(piece)) {
          const waiting = handle(data);
          if (waiting) await waiting;
          // A turn for the sockets between chunks, not inside the chunk's own path: for xorbs
          // being sent, and for a pending dedup query, whose host lookup, connection, request
          // and answer each need one (a turn per 4 MiB read made its answer ~30 ms late).
          if (sinceYield >= YIELD_SPACING) {
            sinceYield = 0;
            if (this.queue.pending > 0 || query) await new Promise<void>((resolve) => setImmediate(resolve));
          }
        }
      }
      const last = splitter.end();
      if (last) await handle(last);
      await release();
      if (source.chunks && chunkCount !== source.chunks.length) throw chunksUnlike(source);
    } finally {
      giveHeldSlabs();
    }
    if (source.size !== undefined && read !== source.size) {
      throw new InvalidInputError(
        `${source.field}: ${source.name} gave ${read} bytes, not the ${source.size} announced. ` +
          "Do not modify files during an upload, and give a stream's exact size.",
        { field: source.field },
      );
    }
    const fileHash = fileTree.digest();
    const sha256 = sha ? sha.digest("hex") : (source.sha256 as string);
    const result: SessionFile = {
      name: source.name,
      xetHash: hashToHex(fileHash),
      sha256,
      size: read,
      // An empty file has no chunks, nothing to reconstruct: it needs no entry in the shard.
      shardEntry: () =>
        terms.length === 0
          ? undefined
          : {
              fileHash,
              // The field holds the digest as xet-core's MerkleHash does (DataHash::from_be_bytes):
              // its hash string is the hex digest, so its bytes are reversed per 8-byte group.
              sha256: hexToHash(result.sha256),
              terms: terms.map((t) => {
                if (!t.xorb.hash) throw new Error("internal: a term names a xorb that was never closed");
                return {
                  xorbHash: t.xorb.hash,
                  size: t.size,
                  chunkStart: t.start,
                  chunkEnd: t.end,
                  verification: hashes.verification(t.hashes),
                };
              }),
            },
    };
    emit({
      type: "xet-file-hashed",
      file: result.name,
      xetHash: result.xetHash,
      sha256: result.sha256,
      size: read,
    });
    return result;
  }

  /**
   * CAS info of the xorbs the shard must list: built now, or cached but never registered. Built
   * on each call (an object per chunk): read it once, for the shard.
   */
  newXorbs(): ShardXorb[] {
    return this.listed.map((args) => casInfo(...args));
  }

  /** Closes the last xorb and waits for every upload (rejects with the first failure). */
  async finish(): Promise<void> {
    this.closeXorb();
    await this.group.wait();
  }

  /** The chunk's place in a xorb already uploaded (or being built), when known. */
  private async lookup(hash: XetHash, size: number): Promise<Location | undefined> {
    const location = this.find(hash, size);
    if (!location) return undefined;
    const { xorb } = location;
    if (xorb.cached !== undefined) {
      // Recorded in an earlier run: make sure the CAS still has it before relying on it.
      // Dedup is an optimisation: when the CAS cannot say, the chunk is simply sent again.
      xorb.present ??= xorbExists(this.options.cas, { hash: xorb.cached, signal: this.signal }).catch(
        () => false,
      );
      if (!(await xorb.present)) {
        this.options.cache.forget(xorb.cached);
        this.known.delete(hash);
        return undefined;
      }
      this.listCachedXorb(xorb.cached);
    }
    return location;
  }

  /**
   * {@link lookup} without waiting: the location, undefined when the chunk is new, or
   * {@link CONFIRM} when it lies in a cached xorb, which only `lookup` may confirm.
   */
  private lookupNow(hash: XetHash, size: number): Location | undefined | typeof CONFIRM {
    const location = this.find(hash, size);
    return location?.xorb.cached !== undefined ? CONFIRM : location;
  }

  /** The chunk's recorded place, if any (of the same size), not yet confirmed. */
  private find(hash: XetHash, size: number): Location | undefined {
    let location = this.known.get(hash);
    if (!location) {
      for (const table of this.dedupTables) {
        location = table.chunks.get(table.key ? table.key(hash) : hash);
        if (location) break;
      }
    }
    return location && location.size === size ? location : undefined;
  }

  /** A cached xorb no shard registered yet goes into this run's shard (its CAS info). */
  private listCachedXorb(hex: string): void {
    if (this.listedCached.has(hex)) return;
    this.listedCached.add(hex);
    const cached = this.options.cache.xorbs.get(hex);
    if (!cached || cached.registered) return;
    this.listed.push([cached.hash, cached.chunks, cached.serializedBytes, []]);
  }

  private async askGlobalDedup(hash: XetHash): Promise<void> {
    const hex = hashToHex(hash);
    if (this.queried.has(hex)) return;
    this.queried.add(hex);
    let shard: Shard | undefined;
    try {
      shard = await queryDedup(this.options.cas, { chunkHash: hex, signal: this.signal });
    } catch (error) {
      // A failed query (after the seam's retries) or an unreadable answer costs only dedup.
      this.signal.throwIfAborted();
      if (!(HubError.isInstance(error) || error instanceof ShardFormatError)) throw error;
      return;
    }
    if (!shard || shard.xorbs.length === 0) return;
    const footer = shard.footer;
    if (footer && footer.keyExpiry > 0 && footer.keyExpiry < Date.now() / 1000) return;
    const hmac = footer?.hmacKey.some((b) => b !== 0) ? await keyedBlake3(footer.hmacKey) : undefined;
    const table: DedupTable = { key: hmac, chunks: new ChunkIndex() };
    for (const xorb of shard.xorbs) {
      const hex = hashToHex(xorb.hash);
      let ref = this.dedupRefs.get(hex);
      if (!ref) {
        ref = { hash: xorb.hash };
        this.dedupRefs.set(hex, ref);
      }
      xorb.chunks.forEach((chunk, index) => {
        table.chunks.set({ xorb: ref, index, size: chunk.size, hash: chunk.hash, next: undefined });
      });
    }
    this.dedupTables.push(table);
  }

  /** Puts a new chunk in the xorb being built, closing it first if the chunk would not fit. */
  private store(data: Uint8Array, hash: XetHash, fileStart: boolean): Location | Promise<Location> {
    const encoded = encodeChunk(data, this.probe.next());
    if (
      !this.builder.fits(encoded.byteLength, data.byteLength) ||
      (this.builder.count > 0 && this.builder.rawLength + data.byteLength > this.target)
    ) {
      this.closeXorb();
    }
    if (this.builder.count === 0) {
      const { totalBytes } = this.options;
      // What is left to chunk when this xorb starts, this chunk included.
      const remaining = totalBytes === undefined ? undefined : Math.max(0, totalBytes - this.chunked);
      this.target = xorbTarget(this.closed, remaining, this.options.maxBufferedBytes);
    }
    return this.overBudget(encoded.byteLength)
      ? this.storeLater(encoded, data.byteLength, hash, fileStart)
      : this.add(encoded, data.byteLength, hash, fileStart);
  }

  /** Bounded memory: whether the xorbs held (built, queued, sending) would pass the budget. */
  private overBudget(bytes: number): boolean {
    // Both sides read every time: read only once memory first filled, `pending` had no type
    // feedback and the optimised `store` was thrown away then (issue 19).
    const over = this.buffered + bytes > this.options.maxBufferedBytes;
    const sending = this.queue.pending > 0;
    return over && sending;
  }

  /** Waits until the chunk fits in the budget, then adds it. */
  private async storeLater(
    encoded: EncodedChunk,
    size: number,
    hash: XetHash,
    fileStart: boolean,
  ): Promise<Location> {
    while (this.overBudget(encoded.byteLength)) {
      await new Promise<void>((resolve) => {
        this.released = resolve;
      });
      this.signal.throwIfAborted();
    }
    return this.add(encoded, size, hash, fileStart);
  }

  private add(encoded: EncodedChunk, size: number, hash: XetHash, fileStart: boolean): Location {
    this.probe.stored(encoded);
    this.buffered += encoded.byteLength;
    const index = this.builder.add(hash, size, encoded);
    if (fileStart) this.fileStarts.push(index);
    const location: Location = { xorb: this.building, index, size, hash, next: undefined };
    this.known.set(location);
    return location;
  }

  private closeXorb(): void {
    if (this.builder.count === 0) return;
    const built = this.builder.take();
    this.closed++;
    const ref = this.building;
    const hash = this.options.hashes.xorb(built.chunks);
    ref.hash = hash;
    this.listed.push([hash, built.chunks, built.byteLength, this.fileStarts]);
    this.building = { hash: undefined };
    this.fileStarts = [];
    const hex = hashToHex(hash);
    const { emit, cas, cache } = this.options;
    this.group.spawn((signal) =>
      this.queue.add(async () => {
        try {
          const key = `xorb:${hex}`;
          const { inserted } = await phase("xet.xorb-upload", { xorb: hex, bytes: built.byteLength }, () =>
            uploadXorb(cas, {
              hash: hex,
              body: built.pieces,
              signal,
              onProgress: (bytesSent) =>
                emit(
                  { type: "xet-xorb-upload-progress", xorb: hex, bytesSent, totalBytes: built.byteLength },
                  key,
                ),
            }),
          );
          this.stats.xorbsUploaded++;
          this.stats.bytesUploaded += built.byteLength;
          await cache.recordXorb({
            hash,
            chunks: built.chunks,
            serializedBytes: built.byteLength,
          });
          emit({
            type: "xet-xorb-uploaded",
            xorb: hex,
            bytes: built.byteLength,
            chunks: built.chunks.length,
            inserted,
          });
        } finally {
          this.slabs.give(built.slabs);
          this.buffered -= built.byteLength;
          const wake = this.released;
          this.released = undefined;
          wake?.();
        }
      }),
    );
  }
}

function chunksUnlike(source: OpenedSource): InvalidInputError {
  return new InvalidInputError(
    `${source.field}.chunks: ${source.name} does not split into the chunks given (it changed since they were computed?). Do not modify files during an upload.`,
    { field: `${source.field}.chunks` },
  );
}

function casInfo(
  hash: XetHash,
  chunks: readonly { hash: XetHash; size: number }[],
  serializedBytes: number,
  fileStarts: readonly number[],
): ShardXorb {
  let offset = 0;
  const starts = new Set(fileStarts);
  const entries = chunks.map((chunk, index) => {
    const entry = {
      hash: chunk.hash,
      offset,
      size: chunk.size,
      flags: starts.has(index) ? CHUNK_FLAG_GLOBAL_DEDUP : 0,
    };
    offset += chunk.size;
    return entry;
  });
  return { hash, chunks: entries, rawBytes: offset, serializedBytes };
}

/** Extends the last term when the chunk follows it in the same xorb, else starts a term. */
function appendTerm(terms: PendingTerm[], location: Location, hash: XetHash): void {
  const last = terms[terms.length - 1];
  if (last && last.xorb === location.xorb && last.end === location.index) {
    last.end++;
    last.size += location.size;
    last.hashes.push(hash);
    return;
  }
  terms.push({
    xorb: location.xorb,
    start: location.index,
    end: location.index + 1,
    size: location.size,
    hashes: [hash],
  });
}
