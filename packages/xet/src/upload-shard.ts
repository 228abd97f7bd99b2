import type { CasClient } from "./cas-client.js";
import { UploadShardWire } from "./wire/cas.js";

export interface UploadShardOptions {
  /** A serialized shard without footer ({@link serializeShard}). */
  shard: Uint8Array;
  signal?: AbortSignal;
}

/**
 * `POST /v1/shards` (hub-docs api.md, "Upload Shard"): registers the files of the shard. Every
 * xorb it names must be uploaded first. Idempotent, so the seam may retry it.
 */
export async function uploadShard(
  cas: CasClient,
  options: UploadShardOptions,
): Promise<{ registered: boolean }> {
  const { data } = await cas.request({
    method: "POST",
    path: "/v1/shards",
    body: { binary: options.shard, contentType: "application/octet-stream" },
    schema: UploadShardWire,
    idempotent: true,
    signal: options.signal,
    operation: "uploadShard",
  });
  // 0: the shard existed already; 1: registered now. Either way the files are uploaded.
  return { registered: data.result === 1 };
}
