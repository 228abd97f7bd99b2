import type { XetHash } from "./hash.js";

// The MDB shard format (hub-docs shard.md; xet-core metadata_shard/shard_format.rs): a 48-byte
// header, the file info section, the CAS (xorb) info section, each closed by a bookend
// entry, then an optional 200-byte footer. Every integer is little-endian. Shards uploaded
// to the CAS must not carry the footer; global dedup answers and xet-core's own files do
// (with lookup tables between the CAS section and the footer, which readers skip).

const HEADER_TAG = new Uint8Array([
  72, 70, 82, 101, 112, 111, 77, 101, 116, 97, 68, 97, 116, 97, 0, 85, 105, 103, 69, 106, 123, 129, 87, 131,
  165, 189, 217, 92, 205, 209, 74, 169,
]);
const HEADER_VERSION = 2;
const FOOTER_VERSION = 1;
const HEADER_BYTES = 48;
const ENTRY_BYTES = 48;
const FOOTER_BYTES = 200;

export const FILE_FLAG_WITH_VERIFICATION = 0x80000000;
export const FILE_FLAG_WITH_METADATA_EXT = 0x40000000;
/** A chunk flagged so in a CAS info block goes into the global dedup table (xet-core xorb_structs.rs). */
export const CHUNK_FLAG_GLOBAL_DEDUP = 0x80000000;

/** One term of a file: chunks `[chunkStart, chunkEnd)` of a xorb, `size` bytes once decoded. */
export interface ShardTerm {
  xorbHash: XetHash;
  size: number;
  chunkStart: number;
  chunkEnd: number;
  /** Keyed BLAKE3 of the term's chunk hashes; required in uploaded shards. */
  verification?: XetHash | undefined;
}

/** A file's reconstruction. */
export interface ShardFile {
  fileHash: XetHash;
  terms: ShardTerm[];
  /** SHA-256 of the content: required for git repos on the Hub (LFS pointers name it). */
  sha256?: Uint8Array | undefined;
}

export interface ShardXorbChunk {
  hash: XetHash;
  /** Offset of the chunk in the xorb's decoded bytes. */
  offset: number;
  size: number;
  flags: number;
}

/** A xorb as the CAS info section describes it. */
export interface ShardXorb {
  hash: XetHash;
  chunks: ShardXorbChunk[];
  /** Sum of the chunks' decoded sizes. */
  rawBytes: number;
  /** Length of the serialized xorb as uploaded. */
  serializedBytes: number;
}

export interface ShardFooter {
  /** Non-zero in global dedup answers: the CAS info chunk hashes are keyed BLAKE3 of the real ones with it. */
  hmacKey: XetHash;
  createdAt: number;
  /** Seconds since the epoch after which the answer must not be used. */
  keyExpiry: number;
}

export interface Shard {
  files: ShardFile[];
  xorbs: ShardXorb[];
  footer?: ShardFooter | undefined;
}

export class ShardFormatError extends Error {
  override readonly name = "ShardFormatError";
}

class Writer {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  at = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  hash(h: Uint8Array): void {
    if (h.byteLength !== 32) throw new RangeError(`a shard hash has 32 bytes, not ${h.byteLength}`);
    this.bytes.set(h, this.at);
    this.at += 32;
  }
  u32(v: number): void {
    this.view.setUint32(this.at, v >>> 0, true);
    this.at += 4;
  }
  u64(v: number | bigint): void {
    this.view.setBigUint64(this.at, BigInt(v), true);
    this.at += 8;
  }
  skip(n: number): void {
    this.at += n;
  }
  bookend(): void {
    this.bytes.fill(0xff, this.at, this.at + 32);
    this.at += ENTRY_BYTES;
  }
}

function fileBytes(file: ShardFile): number {
  const verified = file.terms.every((t) => t.verification !== undefined);
  return ENTRY_BYTES * (1 + file.terms.length * (verified ? 2 : 1) + (file.sha256 ? 1 : 0));
}

/** Bytes {@link serializeShard} produces for these files and xorbs (to split at 64 MiB). */
export function shardSize(files: readonly ShardFile[], xorbs: readonly ShardXorb[], footer = false): number {
  let size = HEADER_BYTES + ENTRY_BYTES * 2;
  for (const file of files) size += fileBytes(file);
  for (const xorb of xorbs) size += ENTRY_BYTES * (1 + xorb.chunks.length);
  return size + (footer ? FOOTER_BYTES : 0);
}

/**
 * Serializes a shard. Uploads leave `footer` out (the CAS API requires it absent); with it,
 * the footer carries the section offsets and `footer` fields.
 */
export function serializeShard(shard: Shard, options: { footer?: boolean } = {}): Uint8Array {
  const withFooter = options.footer ?? false;
  const w = new Writer(shardSize(shard.files, shard.xorbs, withFooter));
  w.bytes.set(HEADER_TAG, 0);
  w.skip(32);
  w.u64(HEADER_VERSION);
  w.u64(withFooter ? FOOTER_BYTES : 0);
  const fileInfoOffset = w.at;
  for (const file of shard.files) {
    const verified = file.terms.length > 0 && file.terms.every((t) => t.verification !== undefined);
    if (!verified && file.terms.some((t) => t.verification !== undefined)) {
      throw new RangeError("a file's terms must all have a verification hash, or none");
    }
    w.hash(file.fileHash);
    w.u32((verified ? FILE_FLAG_WITH_VERIFICATION : 0) | (file.sha256 ? FILE_FLAG_WITH_METADATA_EXT : 0));
    w.u32(file.terms.length);
    w.skip(8);
    for (const term of file.terms) {
      w.hash(term.xorbHash);
      w.u32(0);
      w.u32(term.size);
      w.u32(term.chunkStart);
      w.u32(term.chunkEnd);
    }
    if (verified) {
      for (const term of file.terms) {
        w.hash(term.verification as XetHash);
        w.skip(16);
      }
    }
    if (file.sha256) {
      w.hash(file.sha256);
      w.skip(16);
    }
  }
  w.bookend();
  const casInfoOffset = w.at;
  for (const xorb of shard.xorbs) {
    w.hash(xorb.hash);
    w.u32(0);
    w.u32(xorb.chunks.length);
    w.u32(xorb.rawBytes);
    w.u32(xorb.serializedBytes);
    for (const chunk of xorb.chunks) {
      w.hash(chunk.hash);
      w.u32(chunk.offset);
      w.u32(chunk.size);
      w.u32(chunk.flags);
      w.skip(4);
    }
  }
  w.bookend();
  if (withFooter) {
    const footerOffset = w.at;
    w.u64(FOOTER_VERSION);
    w.u64(fileInfoOffset);
    w.u64(casInfoOffset);
    w.skip(48); // lookup tables: none
    w.hash(shard.footer?.hmacKey ?? new Uint8Array(32));
    w.u64(shard.footer?.createdAt ?? Math.floor(Date.now() / 1000));
    w.u64(shard.footer ? shard.footer.keyExpiry : 0xffffffffffffffffn);
    w.skip(48);
    const stored = shard.xorbs.reduce((sum, x) => sum + x.serializedBytes, 0);
    const raw = shard.xorbs.reduce((sum, x) => sum + x.rawBytes, 0);
    const materialized = shard.files.reduce((sum, f) => sum + f.terms.reduce((s, t) => s + t.size, 0), 0);
    w.u64(stored);
    w.u64(materialized);
    w.u64(raw);
    w.u64(footerOffset);
  }
  return w.bytes;
}

class Reader {
  private readonly view: DataView;
  at: number;
  constructor(
    readonly bytes: Uint8Array,
    at: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = at;
  }
  need(n: number, what: string): void {
    if (this.at + n > this.bytes.byteLength) throw new ShardFormatError(`truncated shard (${what})`);
  }
  hash(): XetHash {
    // A plain Uint8Array copy, even when the input is a Buffer.
    const h = new Uint8Array(this.bytes.subarray(this.at, this.at + 32));
    this.at += 32;
    return h;
  }
  u32(): number {
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }
  u64(): number {
    const v = this.view.getBigUint64(this.at, true);
    this.at += 8;
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  isBookend(): boolean {
    for (let i = 0; i < 32; i++) if (this.bytes[this.at + i] !== 0xff) return false;
    return true;
  }
}

/** Parses a shard, with or without its footer (an upload body, a dedup answer, a xet-core file). */
export function parseShard(bytes: Uint8Array): Shard {
  if (bytes.byteLength < HEADER_BYTES) throw new ShardFormatError("truncated shard header");
  for (let i = 0; i < 32; i++) {
    if (bytes[i] !== HEADER_TAG[i]) throw new ShardFormatError("not a shard (bad header tag)");
  }
  const r = new Reader(bytes, 32);
  const version = r.u64();
  if (version !== HEADER_VERSION) throw new ShardFormatError(`unsupported shard header version ${version}`);
  const footerSize = r.u64();
  const files: ShardFile[] = [];
  for (;;) {
    r.need(ENTRY_BYTES, "file info");
    if (r.isBookend()) {
      r.at += ENTRY_BYTES;
      break;
    }
    const fileHash = r.hash();
    const flags = r.u32();
    const count = r.u32();
    r.at += 8;
    r.need(count * ENTRY_BYTES, "file terms");
    const terms: ShardTerm[] = [];
    for (let i = 0; i < count; i++) {
      const xorbHash = r.hash();
      r.u32();
      const size = r.u32();
      const chunkStart = r.u32();
      const chunkEnd = r.u32();
      terms.push({ xorbHash, size, chunkStart, chunkEnd });
    }
    if ((flags & FILE_FLAG_WITH_VERIFICATION) !== 0) {
      r.need(count * ENTRY_BYTES, "verification entries");
      for (const term of terms) {
        term.verification = r.hash();
        r.at += 16;
      }
    }
    let sha256: Uint8Array | undefined;
    if ((flags & FILE_FLAG_WITH_METADATA_EXT) !== 0) {
      r.need(ENTRY_BYTES, "metadata extension");
      sha256 = r.hash();
      r.at += 16;
    }
    files.push({ fileHash, terms, sha256 });
  }
  const xorbs: ShardXorb[] = [];
  for (;;) {
    r.need(ENTRY_BYTES, "CAS info");
    if (r.isBookend()) {
      r.at += ENTRY_BYTES;
      break;
    }
    const hash = r.hash();
    r.u32();
    const count = r.u32();
    const rawBytes = r.u32();
    const serializedBytes = r.u32();
    r.need(count * ENTRY_BYTES, "CAS chunks");
    const chunks: ShardXorbChunk[] = [];
    for (let i = 0; i < count; i++) {
      const chunkHash = r.hash();
      const offset = r.u32();
      const size = r.u32();
      const chunkFlags = r.u32();
      r.at += 4;
      chunks.push({ hash: chunkHash, offset, size, flags: chunkFlags });
    }
    xorbs.push({ hash, chunks, rawBytes, serializedBytes });
  }
  let footer: ShardFooter | undefined;
  if (footerSize > 0) {
    if (footerSize !== FOOTER_BYTES || bytes.byteLength < r.at + FOOTER_BYTES) {
      throw new ShardFormatError(`unexpected shard footer size ${footerSize}`);
    }
    const f = new Reader(bytes, bytes.byteLength - FOOTER_BYTES);
    const footerVersion = f.u64();
    if (footerVersion !== FOOTER_VERSION)
      throw new ShardFormatError(`unsupported footer version ${footerVersion}`);
    f.at += 64;
    const hmacKey = f.hash();
    const createdAt = f.u64();
    const keyExpiry = f.u64();
    footer = { hmacKey, createdAt, keyExpiry };
  }
  return { files, xorbs, footer };
}
