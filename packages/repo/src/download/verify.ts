import { createStreamingHash, InvalidResponseError, type StreamingHash } from "@hfkit/http";

const SHA256 = /^[0-9a-f]{64}$/;
const GIT_SHA1 = /^[0-9a-f]{40}$/;

/** Whether an ETag names the content by its SHA-256 (LFS and Xet files), as the verifier checks it. */
export function namesBySha256(etag: string): boolean {
  return SHA256.test(etag);
}

/** Checks downloaded bytes against what the Hub announced, as they stream by. */
export interface Verifier {
  update(chunk: Uint8Array): void;
  /**
   * The bytes from here on are checked by the reader against another hash the Hub names for
   * this file (a Xet file's, ADR 0022): they are counted, not hashed, and `finish` names nothing.
   */
  countOnly(): void;
  /**
   * Throws if the byte count or the content hash differs from what was announced; returns the
   * content's name (the hash that names the blob), computed when the ETag could not be one.
   */
  finish(): string | undefined;
}

/**
 * The etag says how to check a file: LFS and Xet files are named by the SHA-256 of their
 * content (64 hex), regular files by their git blob id, i.e. SHA-1 of `blob <size>\0<content>`
 * (40 hex). Any other ETag (a mirror's own) is checked by size only, and the hash the Hub
 * would have used (SHA-256 for LFS files, the git blob id otherwise) is computed to name the blob.
 */
export function createVerifier(path: string, etag: string, size: number | undefined, lfs = false): Verifier {
  let hash: StreamingHash | undefined;
  let algorithm = "";
  const known = namesBySha256(etag) || GIT_SHA1.test(etag);
  if (namesBySha256(etag) || (!known && lfs)) {
    hash = createStreamingHash("sha256");
    algorithm = "SHA-256";
  } else if (size !== undefined) {
    hash = createStreamingHash("sha1").update(`blob ${size}\0`);
    algorithm = "git blob id";
  }
  let received = 0;
  return {
    update(chunk) {
      received += chunk.byteLength;
      hash?.update(chunk);
    },
    countOnly() {
      hash = undefined;
    },
    finish() {
      if (size !== undefined && received !== size) {
        throw mismatch(`${path}: received ${received} bytes, the Hub announced ${size}`);
      }
      const digest = hash?.digestHex();
      if (known && digest !== undefined && digest !== etag) {
        throw mismatch(
          `${path}: the ${algorithm} of the bytes received is ${digest}, the Hub announced ${etag}`,
        );
      }
      return digest;
    },
  };
}

function mismatch(detail: string): InvalidResponseError {
  return new InvalidResponseError(`Download check failed for ${detail}. The file was not kept; try again.`, {
    retryable: true,
  });
}
