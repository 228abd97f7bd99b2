// Protocol constants of Xet storage. Sources: hub-docs docs/xet/{chunking,hashing,xorb,shard,
// deduplication}.md and xet-core (xet_core_structures/src/merklehash/data_hash.rs,
// aggregated_hashes.rs, metadata_shard/constants.rs).

/** Content-defined chunking: chunks average 64 KiB, never shorter than 8 KiB (but the last) nor longer than 128 KiB. */
export const TARGET_CHUNK_SIZE = 64 * 1024;
export const MIN_CHUNK_SIZE = 8 * 1024;
export const MAX_CHUNK_SIZE = 128 * 1024;

/** A serialized xorb is at most 64 MiB (the CAS rejects larger ones) and holds at most 8,192 chunks. */
export const MAX_XORB_BYTES = 64 * 1024 * 1024;
export const MAX_XORB_CHUNKS = 8 * 1024;

/** A shard is at most 64 MiB; larger uploads are split into several. */
export const MAX_SHARD_BYTES = 64 * 1024 * 1024;

/** BLAKE3 key of chunk hashes (DATA_KEY). */
export const DATA_KEY = new Uint8Array([
  102, 151, 245, 119, 91, 149, 80, 222, 49, 53, 203, 172, 165, 151, 24, 28, 157, 228, 33, 16, 155, 235, 43,
  88, 180, 208, 176, 75, 147, 173, 242, 41,
]);

/** BLAKE3 key of Merkle internal nodes (xorb and file hashes). */
export const INTERNAL_NODE_KEY = new Uint8Array([
  1, 126, 197, 199, 165, 71, 41, 150, 253, 148, 102, 102, 180, 138, 2, 230, 93, 221, 83, 111, 55, 199, 109,
  210, 248, 99, 82, 230, 74, 83, 113, 63,
]);

/** BLAKE3 key of term verification hashes in shards. */
export const VERIFICATION_KEY = new Uint8Array([
  127, 24, 87, 214, 206, 86, 237, 102, 18, 127, 249, 19, 231, 165, 195, 243, 164, 205, 38, 213, 181, 219, 73,
  230, 65, 36, 152, 127, 40, 251, 148, 195,
]);

/** A file hash is the Merkle root re-hashed with this (all-zero) key. */
export const FILE_HASH_KEY = new Uint8Array(32);

/** Global dedup: a chunk is worth a query when its hash's last 8 bytes, as a little-endian u64, are ≡ 0 mod this. */
export const GLOBAL_DEDUP_MODULUS = 1024;
