import { createHash } from "node:crypto";
import { ChunkSplitter } from "./chunker.js";
import { type FileHasher, hashToHex, loadXetHashes, type XetHash, type XetHashes } from "./hash.js";
import { openSource, type XetSource } from "./source.js";

/** One chunk of a file: its hash (string form) and size. */
export interface XetChunk {
  hash: string;
  size: number;
}

export interface XetFileHash {
  /** The Xet file hash, string form. */
  xetHash: string;
  /** SHA-256 of the content, hex. */
  sha256: string;
  size: number;
  /**
   * The chunks, in order: their hashes (string form) and sizes. An upload given them with the
   * file (`{ path, sha256, chunks }`) cuts the bytes at these sizes without hashing them again.
   */
  chunks: XetChunk[];
}

/**
 * Chunks and hashes a file given a piece at a time, as an upload would: for bytes that arrive
 * over time (a file hashed while another thread writes it), where {@link hashXetFile} wants a
 * source it can read through.
 *
 * @example
 * const hasher = await XetFileHasher.create();
 * for await (const piece of pieces) hasher.update(piece);
 * const { xetHash, sha256, chunks } = hasher.digest();
 */
export class XetFileHasher {
  private readonly sha = createHash("sha256");
  private readonly splitter = new ChunkSplitter();
  private readonly chunks: { hash: XetHash; size: number }[] = [];
  /** The file hash, built as the chunks come (only the tree's right edge is left at the end). */
  private readonly fileTree: FileHasher;
  private size = 0;

  private constructor(private readonly hashes: XetHashes) {
    this.fileTree = hashes.fileHasher();
  }

  /** Loads the hashing WebAssembly (once per process) and starts an empty file. */
  static async create(): Promise<XetFileHasher> {
    return new XetFileHasher(await loadXetHashes());
  }

  /** The next bytes of the file; they may be reused once this returns. */
  update(piece: Uint8Array): void {
    this.sha.update(piece);
    this.size += piece.byteLength;
    for (const chunk of this.splitter.push(piece)) this.add(chunk);
  }

  /** Ends the file: its hashes. Call once. */
  digest(): XetFileHash {
    const last = this.splitter.end();
    if (last) this.add(last);
    return {
      xetHash: hashToHex(this.fileTree.digest()),
      sha256: this.sha.digest("hex"),
      size: this.size,
      chunks: this.chunks.map((c) => ({ hash: hashToHex(c.hash), size: c.size })),
    };
  }

  private add(bytes: Uint8Array): void {
    const chunk = { hash: this.hashes.chunk(bytes), size: bytes.byteLength };
    this.chunks.push(chunk);
    this.fileTree.push(chunk);
  }
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
  const hasher = await XetFileHasher.create();
  for await (const piece of opened.read(options.signal)) {
    options.signal?.throwIfAborted();
    hasher.update(piece);
  }
  return hasher.digest();
}
