import { randomUUID } from "node:crypto";
import { z } from "zod";
import { assertGateOpen, type Ctx, json, lfsObjectUrl, xetOn } from "../core/context.js";
import { EmulatorHttpError } from "../core/errors.js";
import { LIMITS } from "../core/limits.js";
import { DEFAULTS } from "../core/options.js";
import { parseBody } from "../core/validate.js";
import type { MultipartUpload, Repo } from "../model/types.js";
import { assertCanCommit } from "./preupload.js";
import { casAccess, casHeaders, writeTokenUrl } from "./xet-token.js";

const BatchBody = z.object({
  operation: z.enum(["upload", "download"]),
  transfers: z.array(z.string()).nullish(),
  objects: z.array(z.object({ oid: z.string(), size: z.number() })),
  hash_algo: z.string().nullish(),
  ref: z.object({ name: z.string() }).nullish(),
});

const LFS_JSON = "application/vnd.git-lfs+json";
const OID = /^[0-9a-f]{64}$/;

/**
 * `POST /{prefix}{repo}.git/info/lfs/objects/batch` (Git LFS batch API as the Hub serves it,
 * hub-protocol.md 7). Objects this repo already has get no `actions`. When the client offers
 * `xet` and the repo is Xet-enabled, the answer is `transfer: "xet"`: each object to upload
 * gets the write-token URL as `href` and a CAS token in `X-Xet-*` headers (the JS client's
 * `lib/commit.ts` reads them; hub-protocol.md 7.2). Otherwise objects of at least
 * `multipartThreshold` bytes get a multipart action (when the client offers `multipart`)
 * whose part URLs and completion URL are presigned; the rest a basic presigned PUT.
 */
export async function lfsBatch(ctx: Ctx, repo: Repo): Promise<Response> {
  const body = parseBody(BatchBody, await ctx.body.json(), "LFS batch request");
  if (body.objects.length > LIMITS.lfsBatchObjects) {
    throw new EmulatorHttpError(
      413,
      "TooManyObjects",
      `An LFS batch may name at most ${LIMITS.lfsBatchObjects} objects (${body.objects.length} sent): send several batches`,
    );
  }
  const algo = body.hash_algo ?? "sha256";
  if (algo !== "sha256" && algo !== "sha_256") {
    throw new EmulatorHttpError(
      409,
      "UnsupportedHashAlgorithm",
      `Unsupported hash_algo "${algo}": use sha256`,
    );
  }
  if (body.operation === "upload") {
    // Clients omit `ref` when uploading for a PR, so that users who cannot write to the repo
    // can contribute; a read-only token still cannot add objects (assertCanCommit).
    assertCanCommit(ctx, repo, !body.ref);
    if (body.ref) ctx.hub.resolve(repo, body.ref.name);
  }
  // Downloads need read access only, checked when the repo was looked up: a public repo's
  // objects are readable without a token, as on the Hub (a gated one's with access only).
  else assertGateOpen(ctx, repo);
  const transfers = body.transfers ?? ["basic"];
  const multipart = transfers.includes("multipart");
  const xet = body.operation === "upload" && transfers.includes("xet") && xetOn(ctx, repo);
  const access = xet ? casAccess(ctx, repo, "write") : undefined;
  const sessionId = randomUUID();
  const { options, signer } = ctx;
  const started: MultipartUpload[] = [];
  const objects = [];
  let parts = 0;
  for (const { oid, size } of body.objects) {
    if (!OID.test(oid) || !Number.isSafeInteger(size) || size < 0) {
      objects.push({
        oid,
        size,
        error: { code: 422, message: "oid must be a lowercase sha256 and size a non-negative integer" },
      });
      continue;
    }
    if (size > LIMITS.lfsObjectBytes) {
      objects.push({
        oid,
        size,
        error: {
          code: 422,
          message: `Files larger than ${LIMITS.lfsObjectBytes / 1000 ** 3} GB are not supported (${size} bytes)`,
        },
      });
      continue;
    }
    const href = repo.lfs[oid] === size ? await lfsObjectUrl(ctx, repo, oid) : undefined;
    if (body.operation === "download") {
      objects.push(
        href
          ? { oid, size, authenticated: true, actions: { download: { href } } }
          : { oid, size, error: { code: 404, message: "Object does not exist" } },
      );
      continue;
    }
    if (href) {
      objects.push({ oid, size });
      continue;
    }
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    if (access) {
      const header = { ...casHeaders(access), "x-xet-session-id": sessionId };
      const refresh = writeTokenUrl(ctx, repo, body.ref?.name);
      objects.push({
        oid,
        size,
        authenticated: true,
        actions: { upload: { href: refresh, header, expires_at: expiresAt } },
      });
    } else if (multipart && size >= options.multipartThreshold) {
      const id = randomUUID();
      // Never more than S3's 10,000 parts: bigger objects get bigger parts.
      const chunkSize = Math.max(options.multipartChunkSize, Math.ceil(size / LIMITS.multipartParts));
      const count = Math.max(Math.ceil(size / chunkSize), 1);
      parts += count;
      if (parts > LIMITS.lfsBatchParts) {
        throw new EmulatorHttpError(
          413,
          "TooManyParts",
          `This batch would need more than ${LIMITS.lfsBatchParts} multipart part URLs: send fewer large objects per batch`,
        );
      }
      started.push({ id, repoUid: repo.uid, oid, size, chunkSize, parts: {}, startedAt: ctx.now() });
      const header: Record<string, string> = { chunk_size: String(chunkSize) };
      for (let n = 1; n <= count; n++) {
        header[String(n).padStart(5, "0")] = signer.sign(options.storageBaseUrl, `/part/${id}/${n}`);
      }
      const href = signer.sign(options.baseUrl, "/api/complete_multipart", { uploadId: id });
      objects.push({
        oid,
        size,
        authenticated: true,
        actions: { upload: { href, header, expires_at: expiresAt } },
      });
    } else {
      const href = signer.sign(options.storageBaseUrl, `/upload/${repo.uid}/${oid}/${size}`);
      objects.push({ oid, size, authenticated: true, actions: { upload: { href, expires_at: expiresAt } } });
    }
  }
  if (started.length) {
    const purged = ctx.hub.startMultipart(started, ctx.now() - DEFAULTS.presignSeconds * 1000);
    for (const id of purged) await ctx.hub.storage.deletePrefix(`part/${id}/`);
  }
  return json(
    { transfer: xet ? "xet" : started.length ? "multipart" : "basic", objects, hash_algo: "sha256" },
    { headers: { "content-type": LFS_JSON } },
  );
}
