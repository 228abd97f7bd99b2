import { createHash } from "node:crypto";
import type { Ctx } from "../core/context.js";
import { EmulatorHttpError } from "../core/errors.js";
import type { Repo, XetFileRecord } from "../model/types.js";
import { type HashedChunk, hashEquals, hashToHex, isDedupEligible } from "../xet/hash.js";
import { XetFormatError } from "../xet/lz4.js";
import { reconstruct, termsOf } from "../xet/reconstruct.js";
import { CHUNK_GLOBAL_DEDUP_FLAG, MAX_SHARD_BYTES, parseShard, type Shard } from "../xet/shard.js";
import { casAuth } from "./cas.js";

const invalid = (message: string) => new EmulatorHttpError(400, "InvalidShard", message);

interface Verified {
  files: Array<{ hash: string; record: XetFileRecord }>;
  dedup: Array<[string, string]>;
}

/** The xorbs a shard lists must be stored, with exactly the chunks it says. */
async function checkXorbs(ctx: Ctx, shard: Shard): Promise<Array<[string, string]>> {
  const dedup: Array<[string, string]> = [];
  for (const xorb of shard.xorbs) {
    const hex = hashToHex(xorb.hash);
    if (!(await ctx.xet.hasXorb(hex)))
      throw invalid(
        `The shard lists xorb ${hex}, which was never uploaded: upload every xorb before its shard`,
      );
    const index = await ctx.xet.indexOf(hex);
    if (xorb.chunks.length !== index.chunks.length)
      throw invalid(`Xorb ${hex} has ${index.chunks.length} chunks; the shard lists ${xorb.chunks.length}`);
    let start = 0;
    xorb.chunks.forEach((chunk, i) => {
      const stored = index.chunks[i]!;
      if (!hashEquals(chunk.hash, stored.hash) || chunk.size !== stored.size || chunk.start !== start)
        throw invalid(`Chunk ${i} of xorb ${hex} in the shard does not match the uploaded xorb`);
      start += chunk.size;
      if (chunk.flags & CHUNK_GLOBAL_DEDUP_FLAG || isDedupEligible(chunk.hash))
        dedup.push([hashToHex(chunk.hash), hex]);
    });
    if (xorb.rawBytes !== start)
      throw invalid(`Xorb ${hex} holds ${start} bytes of chunk data; the shard says ${xorb.rawBytes}`);
  }
  return dedup;
}

async function sha256Of(ctx: Ctx, record: XetFileRecord): Promise<string> {
  const hash = createHash("sha256");
  const plan = { offset: 0, terms: termsOf(record.terms), length: record.size };
  for await (const bytes of reconstruct(ctx.hub.storage, ctx.xet.hasher, plan, (x) => ctx.xet.indexOf(x)))
    hash.update(bytes);
  return hash.digest("hex");
}

/**
 * Everything a shard claims, checked against the stored xorbs: each file's terms name stored
 * xorbs and chunk ranges inside them, their sizes and verification hashes match, the file hash
 * is the Merkle hash of the chunks, and the SHA-256 metadata is the hash of the bytes the
 * reconstruction yields (a file hash verified once is not re-read; nothing is re-read with
 * `verifyLfsSha256: false`).
 */
async function verify(ctx: Ctx, shard: Shard): Promise<Verified> {
  const dedup = await checkXorbs(ctx, shard);
  const files: Verified["files"] = [];
  for (const file of shard.files) {
    const hex = hashToHex(file.hash);
    if (!file.verification)
      throw invalid(`File ${hex} has no verification entries; shard uploads must carry them for every term`);
    if (!file.sha256)
      throw invalid(`File ${hex} has no SHA-256 metadata; git repos need it for their LFS pointers`);
    const chunks: HashedChunk[] = [];
    const terms: XetFileRecord["terms"] = [];
    for (const [i, term] of file.terms.entries()) {
      const xorb = hashToHex(term.xorb);
      if (!(await ctx.xet.hasXorb(xorb)))
        throw invalid(
          `File ${hex} uses xorb ${xorb}, which was never uploaded: upload every xorb before its shard`,
        );
      const index = await ctx.xet.indexOf(xorb);
      if (!(term.start < term.end && term.end <= index.chunks.length))
        throw invalid(
          `File ${hex}, term ${i}: chunk range [${term.start}, ${term.end}) is not inside xorb ${xorb} (${index.chunks.length} chunks)`,
        );
      const range = index.chunks.slice(term.start, term.end);
      const length = range.reduce((n, c) => n + c.size, 0);
      if (length !== term.length)
        throw invalid(
          `File ${hex}, term ${i}: the range holds ${length} bytes; the shard says ${term.length}`,
        );
      const expected = ctx.xet.hasher.verificationHash(range.map((c) => c.hash));
      if (!hashEquals(expected, file.verification[i]!))
        throw invalid(`File ${hex}, term ${i}: the verification hash does not match the xorb's chunks`);
      if (i === 0) dedup.push([hashToHex(range[0]!.hash), xorb]);
      chunks.push(...range);
      terms.push([xorb, term.start, term.end, length]);
    }
    const computed = hashToHex(ctx.xet.hasher.fileHash(chunks));
    if (computed !== hex)
      throw invalid(`File hash mismatch: the shard names ${hex} but its chunks hash to ${computed}`);
    const sha256 = hashToHex(file.sha256);
    const record: XetFileRecord = { size: chunks.reduce((n, c) => n + c.size, 0), sha256, terms };
    const known = ctx.hub.state.xet.files[hex];
    // `verifyLfsSha256: false` (benchmarks) trusts the metadata, as it trusts an LFS upload's oid.
    const actual = known ? known.sha256 : ctx.options.verifyLfsSha256 ? await sha256Of(ctx, record) : sha256;
    if (actual !== sha256)
      throw invalid(`File ${hex}: its SHA-256 metadata says ${sha256} but its bytes hash to ${actual}`);
    files.push({ hash: hex, record });
  }
  return { files, dedup };
}

async function readShard(ctx: Ctx): Promise<Uint8Array> {
  const declared = Number(ctx.request.headers.get("content-length") ?? "0");
  if (declared > MAX_SHARD_BYTES)
    throw new EmulatorHttpError(413, "PayloadTooLarge", `A shard may not exceed ${MAX_SHARD_BYTES} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const piece of ctx.body.stream()) {
    size += piece.byteLength;
    if (size > MAX_SHARD_BYTES)
      throw new EmulatorHttpError(413, "PayloadTooLarge", `A shard may not exceed ${MAX_SHARD_BYTES} bytes`);
    chunks.push(piece);
  }
  return Buffer.concat(chunks);
}

/** Parses and verifies, then registers the files for the token's repo; `result` 1 when new. */
async function register(ctx: Ctx, repo: Repo, body: Uint8Array): Promise<number> {
  let shard: Shard;
  try {
    shard = parseShard(body);
  } catch (error) {
    throw error instanceof XetFormatError ? invalid(`Invalid shard: ${error.message}`) : error;
  }
  const { files, dedup } = await verify(ctx, shard);
  const fresh = files.some((f) => repo.xet?.[f.record.sha256] !== f.hash);
  ctx.hub.registerXetFiles(repo, files, dedup);
  return fresh ? 1 : 0;
}

/** `POST /v1/shards` (hub-docs `api.md` 4): `{"result": 0|1}`, or 400 naming the first problem. */
export async function uploadShard(ctx: Ctx): Promise<Response> {
  const { repo } = casAuth(ctx, "write");
  const result = await register(ctx, repo, await readShard(ctx));
  return new Response(JSON.stringify({ result }), {
    status: 200,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/**
 * `POST /v2/shards` (hub-docs `api.md` 5): the same checks, answered as the NDJSON progress
 * stream; once the stream starts (200) a failed verification is its terminal `error` event.
 */
export async function uploadShardV2(ctx: Ctx): Promise<Response> {
  const { repo } = casAuth(ctx, "write");
  const body = await readShard(ctx);
  const lines: unknown[] = [];
  try {
    const result = await register(ctx, repo, body);
    lines.push(
      { type: "validating", verified: 1, total: 1 },
      { type: "committing", stage: "uploading" },
      { type: "committing", stage: "syncing" },
      { type: "result", result },
    );
  } catch (error) {
    if (!(error instanceof EmulatorHttpError) || error.status !== 400) throw error;
    lines.push({ type: "validating", verified: 0, total: 1 }, { type: "error", message: error.message });
  }
  return new Response(lines.map((l) => `${JSON.stringify(l)}\n`).join(""), {
    status: 200,
    headers: { "content-type": "application/x-ndjson", "cache-control": "no-cache" },
  });
}
