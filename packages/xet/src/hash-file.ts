import { createHash } from "node:crypto";
import { chunkStream } from "./chunker.js";
import { hashToHex, loadXetHashes, type XetHash } from "./hash.js";
import { openSource, type XetSource } from "./source.js";

export interface XetFileHash {
  /** The Xet file hash, string form. */
  xetHash: string;
  /** SHA-256 of the content, hex. */
  sha256: string;
  size: number;
  /** The chunks, in order: their hashes (string form) and sizes. */
  chunks: { hash: string; size: number }[];
}

/**
 * Hashes one file as an upload would, without sending anything: its chunks, Xet file hash and
 * SHA-256 (what `hf_xet.hash_files` computes). Streams: memory stays small whatever the size.
 *
 * @example
 * const { xetHash, sha256 } = await hashXetFile({ path: "model.safetensors" });
 */
export async function hashXetFile(
  source: XetSource,
  options: { signal?: AbortSignal } = {},
): Promise<XetFileHash> {
  const opened = await openSource(source, "source");
  const hashes = await loadXetHashes();
  const sha = createHash("sha256");
  const chunks: { hash: XetHash; size: number }[] = [];
  const tap = async function* (pieces: AsyncIterable<Uint8Array>) {
    for await (const piece of pieces) {
      options.signal?.throwIfAborted();
      sha.update(piece);
      yield piece;
    }
  };
  for await (const chunk of chunkStream(tap(opened.read(options.signal)))) {
    chunks.push({ hash: hashes.chunk(chunk), size: chunk.byteLength });
  }
  return {
    xetHash: hashToHex(hashes.file(chunks)),
    sha256: sha.digest("hex"),
    size: chunks.reduce((sum, c) => sum + c.size, 0),
    chunks: chunks.map((c) => ({ hash: hashToHex(c.hash), size: c.size })),
  };
}
