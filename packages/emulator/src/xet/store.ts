import type { BlobStorage, StagedBlob } from "../storage/types.js";
import type { XetHasher } from "./hash.js";
import { decodeXorbIndex, encodeXorbIndex, type XorbIndex } from "./xorb.js";

/** Decoded xorb indexes kept in memory (40 bytes per chunk: ~2.5 MiB at most). */
const CACHE_SIZE = 64;

/**
 * Xorbs on the emulator's blob storage, content-addressed like LFS objects: the serialized
 * xorb under `xorb/<hash>` and its chunk index under `xmeta/<hash>`. Both are immutable, so
 * they need no state record and survive a restart of a disk emulator as they are.
 */
export class XetStore {
  private readonly cache = new Map<string, XorbIndex>();

  constructor(
    readonly storage: BlobStorage,
    readonly hasher: XetHasher,
  ) {}

  hasXorb(hash: string): Promise<boolean> {
    return this.storage.has(`xorb/${hash}`);
  }

  /** Stores a verified xorb: the index first, so a stored xorb always has one. */
  async putXorb(hash: string, staged: StagedBlob, index: XorbIndex): Promise<void> {
    await this.storage.put(`xmeta/${hash}`, encodeXorbIndex(index));
    await staged.commit(`xorb/${hash}`);
    this.remember(hash, index);
  }

  async indexOf(hash: string): Promise<XorbIndex> {
    const cached = this.cache.get(hash);
    if (cached) {
      this.remember(hash, cached);
      return cached;
    }
    const index = decodeXorbIndex(await this.storage.readBytes(`xmeta/${hash}`));
    this.remember(hash, index);
    return index;
  }

  private remember(hash: string, index: XorbIndex): void {
    this.cache.delete(hash);
    this.cache.set(hash, index);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
  }
}
