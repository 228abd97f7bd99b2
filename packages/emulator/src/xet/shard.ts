import { type Hash, hashToHex } from "./hash.js";
import { XetFormatError } from "./lz4.js";

/**
 * The shard format (hub-docs `docs/xet/shard.md`; xet-core `metadata_shard/shard_format.rs`
 * for the footer's lookup tables): a 48-byte header, the file info section, the CAS (xorb)
 * info section, each ended by a bookend entry, then an optional 200-byte footer. Every entry
 * is 48 bytes, integers little-endian.
 */
export const MAX_SHARD_BYTES = 64 * 1024 * 1024;

const HEADER_TAG = Uint8Array.from([
  72, 70, 82, 101, 112, 111, 77, 101, 116, 97, 68, 97, 116, 97, 0, 85, 105, 103, 69, 106, 123, 129, 87, 131,
  165, 189, 217, 92, 205, 209, 74, 169,
]);
const HEADER_VERSION = 2n;
const FOOTER_VERSION = 1n;
const FOOTER_SIZE = 200;
const ENTRY = 48;
const HEADER_SIZE = 48;
const FLAG_VERIFICATION = 0x80000000;
const FLAG_METADATA_EXT = 0x40000000;
/** xet-core `MDB_CHUNK_WITH_GLOBAL_DEDUP_FLAG`: the client marks a chunk for the global dedup index. */
export const CHUNK_GLOBAL_DEDUP_FLAG = 0x80000000;

export interface ShardTerm {
  xorb: Hash;
  /** Uncompressed bytes of the term. */
  length: number;
  start: number;
  end: number;
}

export interface ShardFile {
  hash: Hash;
  terms: ShardTerm[];
  /** One per term, when the file carries verification entries. */
  verification: Hash[] | undefined;
  sha256: Hash | undefined;
}

export interface ShardXorbChunk {
  hash: Hash;
  /** `chunk_byte_range_start`: where the chunk starts in the xorb's uncompressed data. */
  start: number;
  size: number;
  flags: number;
}

export interface ShardXorb {
  hash: Hash;
  rawBytes: number;
  chunks: ShardXorbChunk[];
}

export interface Shard {
  files: ShardFile[];
  xorbs: ShardXorb[];
}

function isBookend(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < 32; i++) if (bytes[at + i] !== 0xff) return false;
  return true;
}

/** Parses an uploaded shard; any structural problem is a `XetFormatError` naming it. */
export function parseShard(bytes: Uint8Array): Shard {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (at: number, n: number, what: string) => {
    if (at + n > bytes.byteLength) throw new XetFormatError(`Shard truncated in ${what}`);
  };
  need(0, HEADER_SIZE, "the header");
  for (let i = 0; i < 32; i++)
    if (bytes[i] !== HEADER_TAG[i]) throw new XetFormatError("Not a shard: the header tag does not match");
  if (view.getBigUint64(32, true) !== HEADER_VERSION)
    throw new XetFormatError(`Unsupported shard header version ${view.getBigUint64(32, true)} (expected 2)`);
  const footerSize = Number(view.getBigUint64(40, true));
  if (footerSize !== 0 && footerSize !== FOOTER_SIZE)
    throw new XetFormatError(`Shard footer size must be 0 or ${FOOTER_SIZE}, got ${footerSize}`);
  const bodyEnd = bytes.byteLength - footerSize;

  let at = HEADER_SIZE;
  const files: ShardFile[] = [];
  for (;;) {
    need(at, ENTRY, "the file info section (no bookend)");
    if (isBookend(bytes, at)) break;
    const hash = bytes.slice(at, at + 32);
    const flags = view.getUint32(at + 32, true);
    const count = view.getUint32(at + 36, true);
    at += ENTRY;
    const withVerification = (flags & FLAG_VERIFICATION) !== 0;
    const withMetadata = (flags & FLAG_METADATA_EXT) !== 0;
    need(
      at,
      ENTRY * (count * (withVerification ? 2 : 1) + (withMetadata ? 1 : 0)),
      `file ${hashToHex(hash)}`,
    );
    const terms: ShardTerm[] = [];
    for (let i = 0; i < count; i++, at += ENTRY) {
      terms.push({
        xorb: bytes.slice(at, at + 32),
        length: view.getUint32(at + 36, true),
        start: view.getUint32(at + 40, true),
        end: view.getUint32(at + 44, true),
      });
    }
    let verification: Hash[] | undefined;
    if (withVerification) {
      verification = [];
      for (let i = 0; i < count; i++, at += ENTRY) verification.push(bytes.slice(at, at + 32));
    }
    let sha256: Hash | undefined;
    if (withMetadata) {
      sha256 = bytes.slice(at, at + 32);
      at += ENTRY;
    }
    files.push({ hash, terms, verification, sha256 });
  }
  at += ENTRY;
  const casInfoOffset = at;

  const xorbs: ShardXorb[] = [];
  for (;;) {
    need(at, ENTRY, "the CAS info section (no bookend)");
    if (isBookend(bytes, at)) break;
    const hash = bytes.slice(at, at + 32);
    const count = view.getUint32(at + 36, true);
    const rawBytes = view.getUint32(at + 40, true);
    at += ENTRY;
    need(at, ENTRY * count, `xorb ${hashToHex(hash)}`);
    const chunks: ShardXorbChunk[] = [];
    for (let i = 0; i < count; i++, at += ENTRY) {
      chunks.push({
        hash: bytes.slice(at, at + 32),
        start: view.getUint32(at + 32, true),
        size: view.getUint32(at + 36, true),
        flags: view.getUint32(at + 40, true),
      });
    }
    xorbs.push({ hash, rawBytes, chunks });
  }
  at += ENTRY;
  if (at !== bodyEnd)
    throw new XetFormatError(
      footerSize
        ? "The shard footer does not follow the CAS info section"
        : "Unexpected bytes after the CAS info section",
    );
  if (footerSize) {
    // Clients may send the footer (the JS client does); its offsets must agree with the body.
    if (view.getBigUint64(at, true) !== FOOTER_VERSION)
      throw new XetFormatError("Unsupported shard footer version");
    if (
      Number(view.getBigUint64(at + 8, true)) !== HEADER_SIZE ||
      Number(view.getBigUint64(at + 16, true)) !== casInfoOffset ||
      Number(view.getBigUint64(at + FOOTER_SIZE - 8, true)) !== at
    ) {
      throw new XetFormatError("The shard footer's section offsets do not match the shard");
    }
  }
  return { files, xorbs };
}

/**
 * A shard answering a global dedup query (hub-docs `shard.md`, "Global Deduplication"): no
 * files, the CAS info of the xorbs holding the chunk with every chunk hash protected by
 * `HMAC(hash, key)`, and the full footer with the lookup tables xet-core reads
 * (`MDBShardInfo::serialize_from`): xorbs by truncated hash, chunks by truncated hash.
 */
export function buildDedupShard(
  xorbs: ReadonlyArray<{ hash: Hash; chunks: ReadonlyArray<{ hash: Hash; size: number }> }>,
  options: { hmacKey: Hash; hmac: (hash: Hash) => Hash; createdAt: number; expiresAt: number },
): Uint8Array {
  const truncated = (hash: Hash) => new DataView(hash.buffer, hash.byteOffset, 8).getBigUint64(0, true);
  const sorted = [...xorbs].sort((a, b) => (truncated(a.hash) < truncated(b.hash) ? -1 : 1));
  const chunkCount = sorted.reduce((n, x) => n + x.chunks.length, 0);
  const casBytes = ENTRY * (sorted.length + chunkCount + 1);
  const lookupBytes = 12 * sorted.length + 16 * chunkCount;
  const size = HEADER_SIZE + ENTRY + casBytes + lookupBytes + FOOTER_SIZE;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(HEADER_TAG, 0);
  view.setBigUint64(32, HEADER_VERSION, true);
  view.setBigUint64(40, BigInt(FOOTER_SIZE), true);
  let at = HEADER_SIZE;
  out.fill(0xff, at, at + 32); // empty file info section: just its bookend
  at += ENTRY;
  const casInfoOffset = at;
  const xorbLookup: Array<[bigint, number]> = [];
  const chunkLookup: Array<[bigint, number, number]> = [];
  let index = 0;
  let rawTotal = 0;
  for (const xorb of sorted) {
    xorbLookup.push([truncated(xorb.hash), index]);
    const raw = xorb.chunks.reduce((n, c) => n + c.size, 0);
    rawTotal += raw;
    out.set(xorb.hash, at);
    view.setUint32(at + 36, xorb.chunks.length, true);
    view.setUint32(at + 40, raw, true);
    at += ENTRY;
    let start = 0;
    xorb.chunks.forEach((chunk, i) => {
      const protectedHash = options.hmac(chunk.hash);
      chunkLookup.push([truncated(protectedHash), index, i]);
      out.set(protectedHash, at);
      view.setUint32(at + 32, start, true);
      view.setUint32(at + 36, chunk.size, true);
      start += chunk.size;
      at += ENTRY;
    });
    index += 1 + xorb.chunks.length;
  }
  out.fill(0xff, at, at + 32);
  at += ENTRY;
  const fileLookupOffset = at;
  const xorbLookupOffset = at;
  for (const [key, i] of xorbLookup) {
    view.setBigUint64(at, key, true);
    view.setUint32(at + 8, i, true);
    at += 12;
  }
  const chunkLookupOffset = at;
  chunkLookup.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [key, x, c] of chunkLookup) {
    view.setBigUint64(at, key, true);
    view.setUint32(at + 8, x, true);
    view.setUint32(at + 12, c, true);
    at += 16;
  }
  const footer = at;
  const u64 = (offset: number, value: number | bigint) =>
    view.setBigUint64(footer + offset, BigInt(value), true);
  u64(0, FOOTER_VERSION);
  u64(8, HEADER_SIZE);
  u64(16, casInfoOffset);
  u64(24, fileLookupOffset);
  u64(32, 0);
  u64(40, xorbLookupOffset);
  u64(48, xorbLookup.length);
  u64(56, chunkLookupOffset);
  u64(64, chunkLookup.length);
  out.set(options.hmacKey, footer + 72);
  u64(104, options.createdAt);
  u64(112, options.expiresAt);
  u64(176, rawTotal);
  u64(184, rawTotal);
  u64(192, footer);
  return out;
}
