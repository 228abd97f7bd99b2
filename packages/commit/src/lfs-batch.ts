import { HubError, repoWebPath } from "@hfkit/http";
import type { CommitContext } from "./context.js";
import { WireLfsBatchResponse } from "./wire/lfs-batch.js";
import { preloadXet } from "./xet-upload.js";

/** Objects per LFS batch request (huggingface_hub's UPLOAD_BATCH_MAX_NUM_FILES). */
export const LFS_BATCH_SIZE = 256;

export const LFS_CONTENT_TYPE = "application/vnd.git-lfs+json";

/**
 * Asks where to upload LFS objects (hub-protocol.md 7.1): `POST /{prefix}{repo}.git/info/lfs/objects/batch`.
 * Objects the Hub already stores come back without actions. An object-level `error`
 * (the HTTP status stays 200) fails the whole call, naming every refused object.
 *
 * With `ctx.useXet`, `xet` is offered too, as the JS client does (`lib/commit.ts`): a Hub that
 * stores the repo on Xet answers `transfer: "xet"`, a CAS token in each upload action's
 * `header`, and the write-token URL as its `href` (hub-protocol.md 7.2).
 */
export async function lfsBatch(
  ctx: CommitContext,
  objects: readonly { oid: string; size: number }[],
  signal: AbortSignal,
): Promise<WireLfsBatchResponse> {
  // A Hub that stores the repo on Xet answers with `transfer: "xet"`; the Xet WebAssembly is
  // then built during this round trip rather than after it (issue 19). Not when Xet is off.
  if (ctx.useXet) preloadXet();
  const { data, url, requestId } = await ctx.client.request({
    method: "POST",
    path: `${repoWebPath(ctx.repo)}.git/info/lfs/objects/batch`,
    headers: { accept: LFS_CONTENT_TYPE, "content-type": LFS_CONTENT_TYPE },
    body: {
      json: {
        operation: "upload",
        transfers: ctx.useXet ? ["basic", "multipart", "xet"] : ["basic", "multipart"],
        hash_algo: "sha256",
        objects: objects.map(({ oid, size }) => ({ oid, size })),
        // The ref is raw (not percent-encoded) in the body; PR uploads leave it out.
        ...(ctx.omitRef ? {} : { ref: { name: ctx.revision } }),
      },
    },
    schema: WireLfsBatchResponse,
    idempotent: true, // asking twice hands out fresh URLs, nothing else
    signal,
    operation: "lfsBatch",
  });
  const refused = data.objects.filter((o) => o.error);
  if (refused.length > 0) {
    const list = refused.map((o) => `${o.oid} (${o.error!.code} ${o.error!.message})`).join("; ");
    throw new HubError(`The Hub refused ${refused.length} LFS object(s): ${list}.`, {
      code: "HTTP_ERROR",
      status: refused[0]!.error!.code,
      serverMessage: refused[0]!.error!.message,
      url,
      method: "POST",
      requestId,
    });
  }
  return data;
}
