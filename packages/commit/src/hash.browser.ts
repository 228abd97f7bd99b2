// The browser build's hash.ts (ADR 0017): no node:crypto and no file handles, so sources are
// hashed as they stream, with @noble/hashes through @hfkit/http (measured against hash-wasm
// and WebCrypto in tooling/bench/browser-sha256.mjs).
import { createStreamingHash } from "@hfkit/http";
import type * as Node from "./hash.js";
import { hashChunks } from "./hash-chunks.js";

export const hashSource: typeof Node.hashSource = async (job) => {
  const hash = createStreamingHash(job.algorithm === "sha256" ? "sha256" : "sha1");
  // A git blob id is the SHA-1 of "blob <size>\0" followed by the content.
  if (job.algorithm === "git-blob") hash.update(`blob ${job.source.size}\0`);
  await hashChunks(job, (chunk) => hash.update(chunk));
  return hash.digestHex();
};

export const gitBlobOid: typeof Node.gitBlobOid = (bytes) =>
  createStreamingHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digestHex();
