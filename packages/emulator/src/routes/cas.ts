import { createHash } from "node:crypto";
import { type CasGrant, verifyCasToken } from "../core/cas-tokens.js";
import { type Ctx, json, xetOn } from "../core/context.js";
import { badRequest, EmulatorHttpError, forbidden, notFound, unauthorized } from "../core/errors.js";
import type { Repo } from "../model/types.js";
import type { StagedBlob } from "../storage/types.js";
import { hashToHex, hexToHash, isHashHex } from "../xet/hash.js";
import { XetFormatError } from "../xet/lz4.js";
import { buildDedupShard } from "../xet/shard.js";
import { MAX_XORB_BYTES, XorbVerifier } from "../xet/xorb.js";

/**
 * The CAS (hub-docs `docs/xet/api.md`), served on the storage origin. Every route takes only a
 * Xet access token from `xet-{read,write}-token`, bound to one repo; uploads need `write`.
 */
export function casAuth(ctx: Ctx, need: "read" | "write"): { grant: CasGrant; repo: Repo } {
  if (!ctx.options.xet)
    throw notFound("Xet is not served by this emulator (started with xet: false)", "XetDisabled");
  const grant = verifyCasToken(
    ctx.hub.state.secret,
    ctx.request.headers.get("authorization"),
    Math.floor(ctx.now() / 1000),
    need,
  );
  const repo = ctx.hub.repoByUid(grant.repo);
  if (!repo) throw unauthorized("The repo this Xet token was issued for no longer exists");
  if (!xetOn(ctx, repo)) throw forbidden(`Xet storage is disabled for ${repo.namespace}/${repo.name}`);
  return { grant, repo };
}

export function hashParam(value: string | undefined, what: string): string {
  if (!value || !isHashHex(value))
    throw badRequest(`Malformed ${what} hash "${value ?? ""}": expected 64 lowercase hex characters`);
  return value;
}

function prefixParam(value: string | undefined, allowed: readonly string[]): void {
  if (!value || !allowed.includes(value))
    throw badRequest(`Unknown CAS prefix "${value ?? ""}": use ${allowed.join(" or ")}`);
}

const badXorb = (message: string) => new EmulatorHttpError(400, "InvalidXorb", message);

/**
 * `POST /v1/xorbs/default/{hash}`: the body is verified while it streams to staging (chunk
 * headers, decompression, chunk hashes, then the xorb's Merkle hash against `{hash}`), and
 * becomes visible only when all of it holds. At most `MAX_XORB_BYTES` are read.
 */
export async function uploadXorb(
  ctx: Ctx,
  prefix: string | undefined,
  hashText: string | undefined,
): Promise<Response> {
  casAuth(ctx, "write");
  prefixParam(prefix, ["default"]);
  const hash = hashParam(hashText, "xorb");
  const declared = Number(ctx.request.headers.get("content-length") ?? "0");
  if (declared > MAX_XORB_BYTES)
    throw new EmulatorHttpError(413, "PayloadTooLarge", `A xorb may not exceed ${MAX_XORB_BYTES} bytes`);
  const existed = await ctx.xet.hasXorb(hash);
  const verifier = new XorbVerifier(ctx.xet.hasher);
  const body = ctx.body.stream((piece) => verifier.push(piece));
  let staged: StagedBlob | undefined;
  try {
    // A xorb already stored is verified as it streams past, not kept.
    if (existed) for await (const _ of body);
    else staged = await ctx.hub.storage.stage(body, { sha256: false, expectedSize: declared });
  } catch (error) {
    if (error instanceof XetFormatError) throw badXorb(`Invalid xorb: ${error.message}`);
    throw error;
  }
  let result: ReturnType<XorbVerifier["finish"]>;
  try {
    result = verifier.finish();
  } catch (error) {
    await staged?.discard();
    throw error instanceof XetFormatError ? badXorb(`Invalid xorb: ${error.message}`) : error;
  }
  const actual = hashToHex(result.hash);
  if (actual !== hash) {
    await staged?.discard();
    throw badXorb(`Xorb hash mismatch: the path names ${hash} but the chunks hash to ${actual}`);
  }
  if (!staged) return json({ was_inserted: false });
  await ctx.xet.putXorb(hash, staged, result.index);
  return json({ was_inserted: true });
}

/** `HEAD /v1/xorbs/default/{hash}`: `Content-Length` is the stored xorb's size. */
export async function headXorb(
  ctx: Ctx,
  prefix: string | undefined,
  hashText: string | undefined,
): Promise<Response> {
  casAuth(ctx, "read");
  prefixParam(prefix, ["default"]);
  const hash = hashParam(hashText, "xorb");
  const size = await ctx.hub.storage.size(`xorb/${hash}`);
  if (size === undefined) throw notFound(`No xorb ${hash}`, "XorbNotFound");
  return new Response(null, { status: 200, headers: { "content-length": String(size) } });
}

/** `HEAD /v1/files/{hash}`: `Content-Length` is the file's size. */
export async function headFile(ctx: Ctx, hashText: string | undefined): Promise<Response> {
  const { repo } = casAuth(ctx, "read");
  const hash = hashParam(hashText, "file");
  const file = ctx.hub.state.xet.files[hash];
  if (!file || repo.xet?.[file.sha256] !== hash) throw notFound(`No file ${hash}`, "FileNotFound");
  return new Response(null, { status: 200, headers: { "content-length": String(file.size) } });
}

/** Dedup shards stay usable this long (the footer's `shard_key_expiry`). */
const DEDUP_SHARD_SECONDS = 7 * 24 * 3600;

/**
 * `GET /v1/chunks/{prefix}/{hash}` (global dedup; hub-docs `deduplication.md`): a shard with the
 * xorb holding the chunk, chunk hashes protected by a key of this emulator, or 404. The spec
 * names the prefix `default-merkledb`; hf_xet and the JS client send `default`.
 */
export async function dedupQuery(
  ctx: Ctx,
  prefix: string | undefined,
  hashText: string | undefined,
): Promise<Response> {
  casAuth(ctx, "read");
  prefixParam(prefix, ["default-merkledb", "default"]);
  const hash = hashParam(hashText, "chunk");
  const xorb = ctx.hub.state.xet.dedup[hash];
  if (!xorb) throw notFound(`Chunk ${hash} is not in the global dedup index`, "ChunkNotFound");
  const index = await ctx.xet.indexOf(xorb);
  const key = createHash("sha256").update(`xet-dedup-key\n${ctx.hub.state.secret}`).digest();
  await ctx.xet.hasher.loadKey(key);
  const now = Math.floor(ctx.now() / 1000);
  const shard = buildDedupShard([{ hash: hexToHash(xorb), chunks: index.chunks }], {
    hmacKey: key,
    hmac: (chunkHash) => ctx.xet.hasher.hmac(chunkHash, key),
    createdAt: now,
    expiresAt: now + DEDUP_SHARD_SECONDS,
  });
  return new Response(shard, { status: 200, headers: { "content-type": "application/octet-stream" } });
}
