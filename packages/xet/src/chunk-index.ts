import type { XetHash } from "./hash.js";

/** Bytes of a {@link HashStore} slab: 4,096 hashes, the chunks of ~256 MiB. */
const HASH_SLAB_BYTES = 128 << 10;
/** Bytes of the first slab: 16 hashes, so that the next one is made while V8 records types. */
const FIRST_HASH_SLAB_BYTES = 512;

/**
 * Keeps chunk hashes for the rest of an upload, copied into shared slabs: each one a view of a
 * slab, not a Buffer of its own. The native BLAKE3 answers each chunk with a fresh Buffer (its
 * own backing store, tracked by the garbage collector); kept per chunk (terms, xorbs, the dedup
 * index), they grew old space from 10 to 49 MB over a 1 GiB upload, six full collections
 * (issue 19). The Buffer now dies young.
 */
export class HashStore {
  private slab = new Uint8Array(0);
  private used = 0;

  /** A copy of the 32-byte hash that lives as long as the store's callers keep it. */
  keep(hash: XetHash): XetHash {
    if (this.used === this.slab.byteLength) {
      // Made first after 16 hashes, not only once per 4,096: the optimised caller then has type
      // feedback for it; it had none and was thrown away at the second slab (issue 19).
      this.slab = new Uint8Array(this.slab.byteLength === 0 ? FIRST_HASH_SLAB_BYTES : HASH_SLAB_BYTES);
      this.used = 0;
    }
    const at = this.used;
    this.slab.set(hash, at);
    this.used = at + 32;
    return this.slab.subarray(at, at + 32);
  }
}

/** A value kept in a {@link ChunkIndex}: it carries its hash and the link to the next in its slot. */
export interface Indexed<T> {
  hash: XetHash;
  /** Set by the index only. */
  next: T | undefined;
}

/** The hash's first 30 bits: a small integer, the cheapest key a Map takes (hashes are uniform). */
const slot = (hash: XetHash): number =>
  (hash[0] as number) |
  ((hash[1] as number) << 8) |
  ((hash[2] as number) << 16) |
  (((hash[3] as number) & 0x3f) << 24);

function sameHash(a: XetHash, b: XetHash): boolean {
  if (a === b) return true;
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Values by 32-byte hash. A Map keyed by each hash's base64 string cost a string and a Map entry
 * per chunk besides the value, all kept to the end of the upload (issue 19); this keys by the
 * hash's first 30 bits, chains the values of a slot through themselves, and compares whole
 * hashes within a slot.
 */
export class ChunkIndex<T extends Indexed<T>> {
  private readonly slots = new Map<number, T>();

  get(hash: XetHash): T | undefined {
    let entry = this.slots.get(slot(hash));
    while (entry !== undefined && !sameHash(entry.hash, hash)) entry = entry.next;
    return entry;
  }

  /** Records the value under its hash, in place of the one recorded before. */
  set(value: T): void {
    const key = slot(value.hash);
    this.remove(key, value.hash);
    value.next = this.slots.get(key);
    this.slots.set(key, value);
  }

  delete(hash: XetHash): void {
    this.remove(slot(hash), hash);
  }

  private remove(key: number, hash: XetHash): void {
    let previous: T | undefined;
    for (let entry = this.slots.get(key); entry !== undefined; entry = entry.next) {
      if (sameHash(entry.hash, hash)) {
        if (previous) previous.next = entry.next;
        else if (entry.next) this.slots.set(key, entry.next);
        else this.slots.delete(key);
        entry.next = undefined;
        return;
      }
      previous = entry;
    }
  }
}
