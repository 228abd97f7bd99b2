import type { CasClient } from "./cas-client.js";
import { UploadXorbWire } from "./wire/cas.js";

export interface UploadXorbOptions {
  /** The xorb hash, in its string form ({@link hashToHex}). */
  hash: string;
  /** The serialized xorb, whole or as consecutive pieces (sent without copying them together). */
  body: Uint8Array | readonly Uint8Array[];
  signal?: AbortSignal;
  /** Bytes sent so far, during each attempt. */
  onProgress?: (bytesSent: number) => void;
}

/**
 * `POST /v1/xorbs/default/{hash}` (hub-docs api.md, "Upload Xorb"). Idempotent by content
 * hash, so the seam may retry it; answers whether the CAS stored it now (`false`: it had it).
 */
export async function uploadXorb(cas: CasClient, options: UploadXorbOptions): Promise<{ inserted: boolean }> {
  const pieces = options.body instanceof Uint8Array ? [options.body] : options.body;
  const length = pieces.reduce((sum, p) => sum + p.byteLength, 0);
  const { data } = await cas.request({
    method: "POST",
    path: `/v1/xorbs/default/${options.hash}`,
    body: {
      // A fresh iterable per attempt: retries re-send the same pieces.
      binary: () =>
        (async function* () {
          yield* pieces;
        })(),
      contentType: "application/octet-stream",
      contentLength: length,
    },
    schema: UploadXorbWire,
    idempotent: true,
    bulk: true,
    signal: options.signal,
    onUploadProgress: options.onProgress,
    operation: "uploadXorb",
  });
  return { inserted: data.was_inserted ?? true };
}
