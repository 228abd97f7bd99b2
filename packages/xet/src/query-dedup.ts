import type { CasClient } from "./cas-client.js";
import { parseShard, type Shard } from "./shard.js";

export interface QueryDedupOptions {
  /** The chunk hash, in its string form ({@link hashToHex}). */
  chunkHash: string;
  signal?: AbortSignal;
}

/**
 * Global dedup query, `GET /v1/chunks/default-merkledb/{hash}` (hub-docs api.md): a shard whose
 * CAS info lists xorbs holding that chunk (and its neighbours), or undefined when the CAS
 * does not know it (404). The chunk hashes in the answer are keyed with `footer.hmacKey`.
 */
export async function queryDedup(cas: CasClient, options: QueryDedupOptions): Promise<Shard | undefined> {
  const response = await cas.request({
    path: `/v1/chunks/default-merkledb/${options.chunkHash}`,
    responseType: "bytes",
    okStatuses: [404],
    signal: options.signal,
    operation: "queryDedup",
  });
  if (response.status === 404) return undefined;
  return parseShard(response.data);
}
