// Node only: the browser build has read-once.browser.ts, the shared phases unchanged
// (ADR 0017: a page has no local files to read in one pass).
import { HubError } from "@hfkit/http";
import { TaskGroup } from "@hfkit/http/work";
import { getXetToken, type XetConnection } from "@hfkit/xet";
import type { CommitContext } from "./context.js";
import { preuploadWhileHashing as hashDuringPreupload, SURELY_LFS_BYTES } from "./hashing.js";
import type { PlannedAdd } from "./plan.js";
import { transferFiles as transferThroughBatch } from "./transfer.js";
import { preloadXet, uploadInOnePass } from "./xet-upload.js";

/**
 * The Hub's answer to a commit's Xet write-token exchange (undefined: no Xet for this repo),
 * asked once per commit context, alongside its preupload when possible.
 */
const tokens = new WeakMap<CommitContext, Promise<XetConnection | undefined>>();

/**
 * The CAS token for the commit's revision, or undefined when the Hub hands none out (a Hub
 * without Xet, a repo with Xet turned off, a token that may not write): the LFS batch then
 * decides, and reports any refusal with its own error.
 */
function writeToken(ctx: CommitContext): Promise<XetConnection | undefined> {
  let token = tokens.get(ctx);
  if (!token) {
    const { client, repo, revision, createPr, signal } = ctx;
    token = getXetToken(client, { repo, scope: "write", revision, createPr, signal }).catch((error) => {
      if (HubError.isInstance(error) && !signal.aborted) return undefined;
      throw error;
    });
    token.catch(() => {}); // awaited by transferFiles; never reported as unhandled meanwhile
    tokens.set(ctx, token);
  }
  return token;
}

/** A local file large enough to be LFS whatever the preupload says, with no digest given. */
function mayGoInOnePass(ctx: CommitContext, file: PlannedAdd): boolean {
  const { source } = file;
  return (
    ctx.useXet &&
    source.filePath !== undefined &&
    source.size >= SURELY_LFS_BYTES &&
    source.sha256 === undefined &&
    file.sha256 === undefined &&
    !file.uploaded &&
    !file.ignored
  );
}

/**
 * The shared `preuploadWhileHashing`, except for files that may go through Xet in one pass:
 * they are not hashed ahead, and the Xet write token (and its WebAssembly) is asked for beside
 * the preupload, so that the answer of both is there when the transfer starts.
 */
export function preuploadWhileHashing<T>(
  ctx: CommitContext,
  adds: readonly PlannedAdd[],
  preupload: Promise<T>,
): Promise<T> {
  const waiting = adds.filter((a) => a.mode === undefined && mayGoInOnePass(ctx, a));
  if (waiting.length > 0) {
    writeToken(ctx);
    preloadXet();
  }
  return hashDuringPreupload(
    ctx,
    adds.filter((a) => !waiting.includes(a)),
    preupload,
  );
}

/**
 * The shared `transferFiles`, except that new LFS files read from disk go through Xet in one
 * read each when the Hub hands out a Xet write token (ADR 0019): chunked and hashed (BLAKE3 and
 * SHA-256) in the same pass, xorbs sent while the file is read, no LFS batch. Files already at
 * their path in the revision are hashed first, as before, so that an unchanged file costs one
 * SHA-256 and no upload; everything else takes the LFS batch, alongside.
 */
export async function transferFiles(ctx: CommitContext, adds: readonly PlannedAdd[]): Promise<void> {
  const onePass = adds.filter((a) => a.mode === "lfs" && a.remoteOid === undefined && mayGoInOnePass(ctx, a));
  const connection = onePass.length > 0 ? await writeToken(ctx) : undefined;
  if (!connection) return transferThroughBatch(ctx, adds);
  const group = new TaskGroup(ctx.signal);
  group.spawn((signal) => uploadInOnePass(ctx, onePass, connection, signal));
  const rest = adds.filter((a) => !onePass.includes(a));
  group.spawn((signal) => transferThroughBatch({ ...ctx, signal }, rest));
  await group.wait();
}
