import { InvalidInputError } from "@hfkit/http";
import { createKeyedBlake3Native } from "./blake3-native.js";
import { createKeyedBlake3Simd } from "./blake3-simd.js";
import {
  DATA_KEY,
  FILE_HASH_KEY,
  GLOBAL_DEDUP_MODULUS,
  INTERNAL_NODE_KEY,
  VERIFICATION_KEY,
} from "./constants.js";

/** A 32-byte Xet hash (chunk, xorb, file or verification hash), as raw bytes. */
export type XetHash = Uint8Array;

/** A keyed BLAKE3 of one message, synchronous once created. */
export type KeyedHash = (data: Uint8Array) => Uint8Array;

/** A chunk (or subtree) for the Merkle hashes: its hash and the bytes it covers. */
export interface HashedRange {
  hash: XetHash;
  size: number;
}

const hashers = new Map<string, Promise<KeyedHash>>();

/**
 * Keyed BLAKE3: our WebAssembly SIMD kernel (blake3-simd.ts), else hash-wasm's scalar build
 * (0.75–0.85 GB/s here, see ADR 0009). The WebAssembly instance behind each key is made once
 * and shared; calls are synchronous.
 */
export function keyedBlake3(key: Uint8Array): Promise<KeyedHash> {
  const id = Buffer.from(key).toString("hex");
  let hasher = hashers.get(id);
  if (!hasher) {
    // Loaded on first use: hash-wasm's CommonJS build (every algorithm inlined) was a tenth of
    // the start-up of any command importing @hfkit/repo or @hfkit/commit, Xet or not (profiled).
    // Four BLAKE3 chunks at a time with WebAssembly SIMD (blake3-simd.ts); hash-wasm's scalar
    // build where the engine has no SIMD. Made on the next turn of the event loop, not now:
    // assembling the module is synchronous (tens of ms), and a download asks for the hashes
    // just before sending its reconstruction request, which must not wait for it.
    const key32 = Uint8Array.from(key);
    hasher = new Promise<void>((resolve) => setImmediate(resolve)).then(
      () =>
        createKeyedBlake3Simd(key32) ??
        import("hash-wasm").then(async ({ createBLAKE3 }) => {
          const h = await createBLAKE3(256, key32);
          return (data: Uint8Array) => {
            h.init();
            h.update(data);
            return h.digest("binary");
          };
        }),
    );
    // HMAC keys of global dedup answers come and go; keep the map small.
    if (hashers.size >= 64) hashers.delete(hashers.keys().next().value as string);
    hashers.set(id, hasher);
  }
  return hasher;
}

/**
 * Two hex digits per byte value. An upload formats several hashes per chunk (Merkle nodes,
 * dedup keys): `toString(16).padStart` per byte took 2.5 times as long (8 ms of a 32 MiB upload).
 */
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * The string form of a hash: each 8-byte group read as a little-endian u64 and printed as 16
 * hex digits (hub-docs api.md, "Converting hashes to strings"). Not plain byte-order hex.
 */
export function hashToHex(hash: XetHash): string {
  if (hash.byteLength !== 32) throw new Error(`a Xet hash has 32 bytes, not ${hash.byteLength}`);
  let out = "";
  for (let group = 0; group < 32; group += 8) {
    for (let i = group + 7; i >= group; i--) out += BYTE_HEX[hash[i] as number];
  }
  return out;
}

/** The inverse of {@link hashToHex}. */
export function hexToHash(hex: string, field = "hash"): XetHash {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new InvalidInputError(`${field}: "${hex}" is not a Xet hash (64 hexadecimal digits).`, { field });
  }
  const out = new Uint8Array(32);
  for (let group = 0; group < 32; group += 8) {
    for (let i = 0; i < 8; i++) {
      out[group + 7 - i] = Number.parseInt(hex.slice((group + i) * 2, (group + i) * 2 + 2), 16);
    }
  }
  return out;
}

/** The last 8 bytes as a little-endian u64, modulo a power of two ≤ 2^16. */
function lastWordMod(hash: XetHash, modulus: number): number {
  return ((hash[24] as number) | ((hash[25] as number) << 8)) & (modulus - 1);
}

/**
 * Whether a chunk may be asked about in a global dedup query: the first chunk of a file
 * always, others when their hash's last u64 is ≡ 0 mod 1024 (hub-docs deduplication.md).
 */
export function isGlobalDedupEligible(chunkHash: XetHash): boolean {
  return lastWordMod(chunkHash, GLOBAL_DEDUP_MODULUS) === 0;
}

/** The Xet hashes, with their keys loaded: create with {@link loadXetHashes}. */
export interface XetHashes {
  /** Keyed BLAKE3 of chunk bytes (DATA_KEY). */
  chunk: KeyedHash;
  /**
   * What hashes chunk bytes: `native`, the Rust `blake3` crate through the optional dependency
   * `@napi-rs/blake-hash` where its prebuilt binary loads (x86-64 Linux, macOS, Windows…);
   * `wasm` otherwise (hfkit's WebAssembly SIMD kernel, else hash-wasm). Same hashes either way.
   */
  readonly chunkBackend: "native" | "wasm";
  /** Root of the Merkle tree over chunks: a xorb's hash (the zero hash for no chunks). */
  xorb(chunks: readonly HashedRange[]): XetHash;
  /** A file's hash: the Merkle root re-hashed with an all-zero key (the zero hash for an empty file). */
  file(chunks: readonly HashedRange[]): XetHash;
  /** A shard term's verification hash: keyed BLAKE3 of the raw chunk hashes of the term, concatenated. */
  verification(chunkHashes: readonly XetHash[]): XetHash;
  /**
   * {@link file}, fed a chunk at a time: the tree's nodes are hashed as soon as their children
   * are settled, so `digest()` after the last chunk has only the tree's right edge left to hash.
   */
  fileHasher(): FileHasher;
}

/** A file's hash computed while its chunks come ({@link XetHashes.fileHasher}). */
export interface FileHasher {
  push(chunk: HashedRange): void;
  /** The same hash as {@link XetHashes.file} over the chunks pushed. */
  digest(): XetHash;
}

let loaded: Promise<XetHashes> | undefined;

/** Loads the BLAKE3 instances behind the Xet hashes (once per process). */
export function loadXetHashes(): Promise<XetHashes> {
  loaded ??= (async () => {
    const [chunk, node, fileKey, verify] = await Promise.all([
      chunkHasher(),
      keyedBlake3(INTERNAL_NODE_KEY),
      keyedBlake3(FILE_HASH_KEY),
      keyedBlake3(VERIFICATION_KEY),
    ]);
    const xorb = (chunks: readonly HashedRange[]) => merkleRoot(chunks, node);
    return {
      ...chunk,
      xorb,
      file: (chunks) => (chunks.length === 0 ? new Uint8Array(32) : fileKey(xorb(chunks))),
      verification(chunkHashes) {
        const buffer = new Uint8Array(chunkHashes.length * 32);
        for (const [i, h] of chunkHashes.entries()) buffer.set(h, i * 32);
        return verify(buffer);
      },
      fileHasher() {
        const tree = new MerkleBuilder(node);
        return {
          push: (chunk) => tree.push(chunk, 0),
          digest: () => (tree.empty ? new Uint8Array(32) : fileKey(tree.root())),
        };
      },
    };
  })();
  return loaded;
}

/**
 * Chunk bytes (8–128 KiB, most of what an upload hashes) go to the Rust crate where it loads:
 * ~3.3 times the CPU throughput of the WebAssembly kernel (ADR 0009 addendum). Its module is
 * loaded on a later turn of the event loop, as the WebAssembly is (see keyedBlake3).
 */
async function chunkHasher(): Promise<Pick<XetHashes, "chunk" | "chunkBackend">> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  const native = createKeyedBlake3Native(DATA_KEY);
  return native
    ? { chunk: native, chunkBackend: "native" }
    : { chunk: await keyedBlake3(DATA_KEY), chunkBackend: "wasm" };
}

/** Groups have 2 to 9 children; a child whose hash's last u64 is ≡ 0 mod 4 ends its group. */
const MEAN_BRANCHING = 4;
const MAX_GROUP = 2 * MEAN_BRANCHING + 1;

function groupEnd(level: readonly HashedRange[], start: number): number {
  const remaining = level.length - start;
  if (remaining <= 2) return level.length;
  const limit = Math.min(MAX_GROUP, remaining);
  for (let i = 2; i < limit; i++) {
    if (lastWordMod((level[start + i] as HashedRange).hash, MEAN_BRANCHING) === 0) return start + i + 1;
  }
  return start + limit;
}

/**
 * The Merkle root xet-core calls the aggregated hash: levels are cut into groups by the rule
 * above, each group becomes one node hashed (INTERNAL_NODE_KEY) over its lines
 * `"{hash hex} : {size}\n"`, until one node is left (xet-core aggregated_hashes.rs).
 */
function merkleRoot(chunks: readonly HashedRange[], node: KeyedHash): XetHash {
  if (chunks.length === 0) return new Uint8Array(32);
  let level: readonly HashedRange[] = chunks;
  while (level.length > 1) {
    const next: HashedRange[] = [];
    for (let start = 0; start < level.length; ) {
      const end = groupEnd(level, start);
      next.push(groupNode(level, start, end, node));
      start = end;
    }
    level = next;
  }
  return (level[0] as HashedRange).hash;
}

/** ASCII codes of the two hex digits of each byte value (high digit in the upper 8 bits). */
const BYTE_HEX_CODES = Uint16Array.from(BYTE_HEX, (pair) => (pair.charCodeAt(0) << 8) | pair.charCodeAt(1));
/** A group's lines: at most MAX_GROUP of 64 hex digits, " : ", a size (≤ 16 digits) and "\n". */
const nodeText = new Uint8Array(MAX_GROUP * (64 + 3 + 16 + 1));

/**
 * The node over `level[start..end)`: keyed BLAKE3 of its lines `"{hash hex} : {size}\n"`,
 * written as ASCII bytes into one reused buffer (a string per line, then its UTF-8 encoding,
 * was ~40 % of a 2 GiB file's tree: ~20 of ~50 ms over 32,768 chunks).
 */
function groupNode(level: readonly HashedRange[], start: number, end: number, node: KeyedHash): HashedRange {
  const out = nodeText;
  let at = 0;
  let size = 0;
  for (let i = start; i < end; i++) {
    const child = level[i] as HashedRange;
    const { hash } = child;
    // hashToHex's order: each 8-byte group as a little-endian u64, most significant byte first.
    for (let group = 0; group < 32; group += 8) {
      for (let b = group + 7; b >= group; b--) {
        const code = BYTE_HEX_CODES[hash[b] as number] as number;
        out[at++] = code >> 8;
        out[at++] = code & 0xff;
      }
    }
    out[at++] = 0x20; // " : "
    out[at++] = 0x3a;
    out[at++] = 0x20;
    const digits = String(child.size);
    for (let d = 0; d < digits.length; d++) out[at++] = digits.charCodeAt(d);
    out[at++] = 0x0a;
    size += child.size;
  }
  return { hash: node(out.subarray(0, at)), size };
}

/**
 * {@link merkleRoot} built as the leaves come. A group's end depends only on the MAX_GROUP
 * nodes from its start (fewer only at a level's end), so once that many wait at a level, its
 * first group is cut exactly as the whole level would cut it and hashed at once. A 2 GiB file's
 * hash (~30,000 chunks) took ~60 ms after its last chunk, while its last xorb waited (issue 19).
 */
class MerkleBuilder {
  /** Per level: the nodes not yet in a group, and whether a group was cut there (then it is not the root). */
  private readonly levels: { waiting: HashedRange[]; cut: boolean }[] = [];

  constructor(private readonly node: KeyedHash) {}

  get empty(): boolean {
    return this.levels.length === 0;
  }

  push(item: HashedRange, depth: number): void {
    let level = this.levels[depth];
    if (!level) {
      level = { waiting: [], cut: false };
      this.levels[depth] = level;
    }
    level.waiting.push(item);
    if (level.waiting.length < MAX_GROUP) return;
    const end = groupEnd(level.waiting, 0);
    const parent = groupNode(level.waiting, 0, end, this.node);
    level.waiting.splice(0, end);
    level.cut = true;
    this.push(parent, depth + 1);
  }

  /** The root over everything pushed (the tree's right edge is hashed now). */
  root(): XetHash {
    for (let depth = 0; ; depth++) {
      const level = this.levels[depth] as (typeof this.levels)[number];
      const top = depth === this.levels.length - 1;
      if (top && !level.cut && level.waiting.length === 1) return (level.waiting[0] as HashedRange).hash;
      const { waiting } = level;
      level.waiting = [];
      for (let start = 0; start < waiting.length; ) {
        const end = groupEnd(waiting, start);
        this.push(groupNode(waiting, start, end, this.node), depth + 1);
        start = end;
      }
      level.cut = true;
    }
  }
}
