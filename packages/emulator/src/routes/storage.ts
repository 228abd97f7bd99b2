import { randomBytes } from "node:crypto";
import { z } from "zod";
import { type Ctx, json } from "../core/context.js";
import { badRequest, EmulatorHttpError, notFound } from "../core/errors.js";
import { serveBlob } from "../core/serve-blob.js";
import { parseBody } from "../core/validate.js";
import type { StagedBlob } from "../storage/types.js";

/**
 * The storage origin (S3 / CDN stand-in) and the multipart completion URL. All of them are
 * presigned: the signature in the query is the only credential, and a request that also
 * carries `Authorization` is refused, because a client that sends it would leak the Hub
 * token to S3 (hub-protocol.md 7.4).
 */
export function assertPresigned(ctx: Ctx): void {
  if (ctx.request.headers.has("authorization")) {
    throw badRequest(
      "Presigned URLs must be called without an Authorization header: the Hub token must never be sent to the storage service",
      "AuthorizationNotAllowed",
    );
  }
  ctx.signer.verify(ctx.url);
}

function mismatch(what: string): EmulatorHttpError {
  return new EmulatorHttpError(400, "BadDigest", what);
}

async function checkAndCommit(staged: StagedBlob, oid: string, size: number): Promise<void> {
  if (staged.size !== size) {
    await staged.discard();
    throw mismatch(`Uploaded ${staged.size} bytes but the object is ${size} bytes`);
  }
  if (staged.sha256 !== undefined && staged.sha256 !== oid) {
    await staged.discard();
    throw mismatch(`SHA-256 mismatch: the object is ${oid} but the uploaded bytes hash to ${staged.sha256}`);
  }
  await staged.commit(`lfs/${oid}`);
}

function declaredLength(ctx: Ctx, expected: number): void {
  const header = ctx.request.headers.get("content-length");
  if (header !== null && Number(header) !== expected) {
    throw mismatch(`Content-Length ${header} does not match the expected ${expected} bytes`);
  }
}

/** `PUT /upload/{repo uid}/{oid}/{size}`: a basic LFS upload, streamed and hashed. */
export async function putObject(ctx: Ctx, segments: string[]): Promise<Response> {
  assertPresigned(ctx);
  const [uid, oid, sizeText] = segments;
  const size = Number(sizeText);
  const repo = ctx.hub.repoByUid(uid ?? "");
  if (!repo || !oid) throw notFound("Upload target no longer exists (repo deleted?)");
  declaredLength(ctx, size);
  const staged = await ctx.hub.storage.stage(ctx.body.stream(), {
    sha256: ctx.options.verifyLfsSha256,
    expectedSize: size,
  });
  await checkAndCommit(staged, oid, size);
  ctx.hub.registerLfs(repo, oid, size);
  return new Response(null, { status: 200, headers: { etag: `"${oid}"` } });
}

/** `PUT /part/{upload id}/{n}`: one multipart part; its ETag is required at completion. */
export async function putPart(ctx: Ctx, segments: string[]): Promise<Response> {
  assertPresigned(ctx);
  const [id, partText] = segments;
  const upload = ctx.hub.state.multipart[id ?? ""];
  if (!upload) throw notFound("No such multipart upload (completed or aborted)", "NoSuchUpload");
  const part = Number(partText);
  const count = Math.max(Math.ceil(upload.size / upload.chunkSize), 1);
  if (!Number.isInteger(part) || part < 1 || part > count)
    throw badRequest(`Invalid part number ${partText}`, "InvalidPart");
  const expected = part < count ? upload.chunkSize : upload.size - (count - 1) * upload.chunkSize;
  declaredLength(ctx, expected);
  const staged = await ctx.hub.storage.stage(ctx.body.stream(), { sha256: false, expectedSize: expected });
  if (staged.size !== expected) {
    await staged.discard();
    throw mismatch(`Part ${part} has ${staged.size} bytes; expected ${expected}`);
  }
  await staged.commit(`part/${upload.id}/${part}`);
  const etag = randomBytes(16).toString("hex");
  ctx.hub.recordPart(upload.id, part, etag);
  return new Response(null, { status: 200, headers: { etag: `"${etag}"` } });
}

const Completion = z.object({
  oid: z.string(),
  parts: z.array(z.object({ partNumber: z.number().int(), etag: z.string() })),
});

/** `POST /api/complete_multipart?uploadId=…`: checks the part set, then the whole object's SHA-256. */
export async function completeMultipart(ctx: Ctx): Promise<Response> {
  assertPresigned(ctx);
  const id = ctx.url.searchParams.get("uploadId") ?? "";
  const upload = ctx.hub.state.multipart[id];
  if (!upload) throw notFound("No such multipart upload (completed or aborted)", "NoSuchUpload");
  const body = parseBody(Completion, await ctx.body.json(), "multipart completion");
  if (body.oid !== upload.oid)
    throw badRequest(`oid ${body.oid} is not the object of this upload (${upload.oid})`);
  const count = Math.max(Math.ceil(upload.size / upload.chunkSize), 1);
  if (body.parts.length !== count) {
    throw badRequest(`Expected ${count} parts, got ${body.parts.length}`, "InvalidPart");
  }
  body.parts.forEach((p, i) => {
    if (p.partNumber !== i + 1)
      throw badRequest("Parts must be listed once each, in ascending order", "InvalidPartOrder");
    const etag = upload.parts[String(p.partNumber)];
    if (!etag) throw badRequest(`Part ${p.partNumber} was never uploaded`, "InvalidPart");
    if (p.etag.replace(/^W\//, "").replace(/"/g, "") !== etag) {
      throw badRequest(
        `Part ${p.partNumber}: ETag ${p.etag} does not match the uploaded part`,
        "InvalidPart",
      );
    }
  });
  const storage = ctx.hub.storage;
  const keys = body.parts.map((p) => `part/${upload.id}/${p.partNumber}`);
  const staged = await storage.join(keys, {
    sha256: ctx.options.verifyLfsSha256,
    expectedSize: upload.size,
  });
  await checkAndCommit(staged, upload.oid, upload.size);
  await storage.deletePrefix(`part/${upload.id}/`);
  const repo = ctx.hub.repoByUid(upload.repoUid);
  if (repo) ctx.hub.registerLfs(repo, upload.oid, upload.size);
  ctx.hub.endMultipart(id);
  return json({}, { headers: { "content-type": "application/vnd.git-lfs+json" } });
}

/** `GET|HEAD /lfs/{oid}`: the CDN stand-in behind `resolve` redirects. */
export async function getObject(ctx: Ctx, segments: string[]): Promise<Response> {
  assertPresigned(ctx);
  const oid = segments[0] ?? "";
  const size = /^[0-9a-f]{64}$/.test(oid) ? await ctx.hub.storage.size(`lfs/${oid}`) : undefined;
  if (size === undefined) throw notFound("The specified key does not exist.", "NoSuchKey");
  const disposition = ctx.url.searchParams.get("response-content-disposition");
  return serveBlob(ctx.hub.storage, ctx.request, `lfs/${oid}`, size, {
    etag: `"${oid}"`,
    "content-type": "application/octet-stream",
    ...(disposition ? { "content-disposition": disposition } : {}),
  });
}
