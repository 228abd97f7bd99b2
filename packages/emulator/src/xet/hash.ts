import { createXXHash32, type IHasher } from "hash-wasm";
import { type Blake3Backend, defaultBlake3Backend, type KeyedBlake3, keyedBlake3 } from "./blake3.js";

/**
 * Xet hashes (hub-docs `docs/xet/hashing.md`): every hash is a keyed BLAKE3 of 32 bytes, from
 * the Rust `blake3` crate where its binary loads, else hash-wasm (ADR 0020, `blake3.ts`).
 */

/** Chunk hashes. */
const DATA_KEY = Uint8Array.from([
  102, 151, 245, 119, 91, 149, 80, 222, 49, 53, 203, 172, 165, 151, 24, 28, 157, 228, 33, 16, 155, 235, 43,
  88, 180, 208, 176, 75, 147, 173, 242, 41,
]);
/** Internal nodes of the aggregated hash tree (xorb and file hashes). */
const INTERNAL_NODE_KEY = Uint8Array.from([
  1, 126, 197, 199, 165, 71, 41, 150, 253, 148, 102, 102, 180, 138, 2, 230, 93, 221, 83, 111, 55, 199, 109,
  210, 248, 99, 82, 230, 74, 83, 113, 63,
]);
/** Term verification hashes of shard uploads. */
const VERIFICATION_KEY = Uint8Array.from([
  127, 24, 87, 214, 206, 86, 237, 102, 18, 127, 249, 19, 231, 165, 195, 243, 164, 205, 38, 213, 181, 219, 73,
  230, 65, 36, 152, 127, 40, 251, 148, 195,
]);
const ZERO_KEY = new Uint8Array(32);

export type Hash = Uint8Array;

export interface HashedChunk {
  hash: Hash;
  /** Uncompressed length. */
  size: number;
}

/** Two hex digits per byte value: a lookup instead of `toString(16).padStart` (a sixth of the time). */
const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * The string form of a hash (hub-docs `docs/xet/api.md`, "Converting Hashes to Strings"):
 * each 8-byte group is read as a little-endian u64 and printed as 16 hex digits, so the bytes
 * of every group appear reversed.
 */
export function hashToHex(hash: Hash): string {
  let out = "";
  for (let group = 0; group < 32; group += 8) {
    for (let i = group + 7; i >= group; i--) out += HEX_BYTE[hash[i]!];
  }
  return out;
}

const HEX64 = /^[0-9a-f]{64}$/;

export function isHashHex(text: string): boolean {
  return HEX64.test(text);
}

export function hexToHash(hex: string): Hash {
  if (!HEX64.test(hex)) throw new TypeError(`not a 64-character lowercase hex hash: ${hex}`);
  const out = new Uint8Array(32);
  for (let group = 0; group < 32; group += 8) {
    for (let i = 0; i < 8; i++)
      out[group + 7 - i] = Number.parseInt(hex.slice(2 * (group + i), 2 * (group + i) + 2), 16);
  }
  return out;
}

export function hashEquals(a: Hash, b: Hash): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `hash % n` as xet-core computes it (the last 8 bytes as a little-endian u64), for `n` a power
 * of two up to 2^16: the low bits of the word's first two bytes, no BigInt.
 */
function lastWordMod(hash: Hash, n: number): number {
  return (hash[24]! | (hash[25]! << 8)) & (n - 1);
}

/** Global dedup eligibility by hash (hub-docs `docs/xet/deduplication.md`): `% 1024 == 0`. */
export function isDedupEligible(hash: Hash): boolean {
  return lastWordMod(hash, 1024) === 0;
}

/** Aggregated-tree grouping (xet-core `aggregated_hashes.rs`): mean branching factor 4, groups of 2 to 9. */
const BRANCHING = 4;
const MAX_GROUP = 2 * BRANCHING + 1;

function nextCut(nodes: readonly HashedChunk[], start: number): number {
  const left = nodes.length - start;
  if (left <= 2) return left;
  const end = Math.min(MAX_GROUP, left);
  for (let i = 2; i < end; i++) if (lastWordMod(nodes[start + i]!.hash, BRANCHING) === 0) return i + 1;
  return end;
}

const encoder = new TextEncoder();

/**
 * Every Xet hash, synchronous once created (the hashers are made asynchronously). Each hash is
 * a synchronous reset/update/digest on one keyed instance, so requests can share it.
 */
export class XetHasher {
  /** Keyed hashers for salts and HMAC keys, by the key's hex. */
  private readonly keyed = new Map<string, KeyedBlake3>();

  private constructor(
    /** Where BLAKE3 comes from: the Rust crate (`native`) or hash-wasm (`wasm`). */
    readonly backend: Blake3Backend,
    private readonly data: KeyedBlake3,
    private readonly internal: KeyedBlake3,
    private readonly verification: KeyedBlake3,
    private readonly xxhash32: IHasher,
  ) {}

  /** `backend` defaults to `native` when `@napi-rs/blake-hash` loads on this platform. */
  static async create(backend: Blake3Backend = defaultBlake3Backend()): Promise<XetHasher> {
    const [data, internal, verification, xxhash32] = await Promise.all([
      keyedBlake3(DATA_KEY, backend),
      keyedBlake3(INTERNAL_NODE_KEY, backend),
      keyedBlake3(VERIFICATION_KEY, backend),
      createXXHash32(0),
    ]);
    const hasher = new XetHasher(backend, data, internal, verification, xxhash32);
    await hasher.loadKey(ZERO_KEY);
    return hasher;
  }

  /** Makes `fileHash(chunks, key)` and `hmac(hash, key)` usable with this key. */
  async loadKey(key: Hash): Promise<void> {
    const id = hashToHex(key);
    if (!this.keyed.has(id)) this.keyed.set(id, await keyedBlake3(key, this.backend));
  }

  private withKey(key: Hash): KeyedBlake3 {
    const hasher = this.keyed.get(hashToHex(key));
    if (!hasher) throw new Error("XetHasher: loadKey(key) first");
    return hasher;
  }

  /** A chunk's hash; its raw bytes in one piece or several. */
  chunkHash(data: Uint8Array | readonly Uint8Array[]): Hash {
    return this.data(data);
  }

  /** The aggregated (Merkle) hash of a xorb's chunks; all zeros for none. */
  xorbHash(chunks: readonly HashedChunk[]): Hash {
    if (chunks.length === 0) return new Uint8Array(32);
    let level = chunks;
    while (level.length > 1) {
      const next: HashedChunk[] = [];
      for (let i = 0; i < level.length; ) {
        const cut = i + nextCut(level, i);
        next.push(this.merge(level, i, cut));
        i = cut;
      }
      level = next;
    }
    return level[0]!.hash;
  }

  /** A file's hash: the aggregated hash of its chunks, keyed-hashed with `salt` (default zeros). */
  fileHash(chunks: readonly HashedChunk[], salt: Hash = ZERO_KEY): Hash {
    if (chunks.length === 0) return new Uint8Array(32);
    return this.hmac(this.xorbHash(chunks), salt);
  }

  /** The verification hash of a term: the raw chunk hashes of its range, concatenated. */
  verificationHash(chunkHashes: readonly Hash[]): Hash {
    return this.verification(Buffer.concat(chunkHashes));
  }

  /** `HMAC(hash, key)` as Xet defines it: a BLAKE3 of the hash bytes keyed with `key`. */
  hmac(hash: Hash, key: Hash): Hash {
    return this.withKey(key)(hash);
  }

  /** xxHash32 with seed 0, for the checksums of LZ4 frames. */
  xxh32(data: Uint8Array): number {
    const digest = this.xxhash32.init().update(data).digest("binary");
    return ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
  }

  /** One internal node: `"{hash} : {size}\n"` per child, hashed with INTERNAL_NODE_KEY. */
  private merge(level: readonly HashedChunk[], from: number, to: number): HashedChunk {
    let text = "";
    let size = 0;
    for (let i = from; i < to; i++) {
      const node = level[i]!;
      text += `${hashToHex(node.hash)} : ${node.size}\n`;
      size += node.size;
    }
    return { hash: this.internal(encoder.encode(text)), size };
  }
}

let shared: Promise<XetHasher> | undefined;

/** The process-wide hasher. */
export function xetHasher(): Promise<XetHasher> {
  shared ??= XetHasher.create();
  return shared;
}
