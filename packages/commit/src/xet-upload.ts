import { InvalidInputError, InvalidResponseError } from "@hfkit/http";
import { phase } from "@hfkit/http/work";
import {
  hubXetTokenSource,
  type UploadXetResult,
  uploadXetIter,
  type XetConnection,
  type XetSource,
  type XetTokenSource,
} from "@hfkit/xet";
import type { CommitContext } from "./context.js";
import type { LfsObject } from "./lfs-upload.js";
import type { PlannedAdd } from "./plan.js";
import { changed } from "./source.js";
import type { WireLfsAction } from "./wire/lfs-batch.js";

// Started by lfs-batch.ts while the batch that offers `xet` is answered (issue 19).
export { preloadXetWasm as preloadXet } from "@hfkit/xet";

/**
 * The CAS connection an LFS batch handed out with `transfer: "xet"`: the upload action's
 * `header` holds `X-Xet-Cas-Url`, `X-Xet-Access-Token` and `X-Xet-Token-Expiration`
 * (hub-protocol.md 7.2; the JS client's `lib/commit.ts`). Header names are matched without
 * regard to case. Undefined when any is missing: the token exchange then provides one.
 */
function connectionOf(action: WireLfsAction): XetConnection | undefined {
  const header = new Map(Object.entries(action.header ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const casUrl = header.get("x-xet-cas-url");
  const accessToken = header.get("x-xet-access-token");
  const expiresAt = Number(header.get("x-xet-token-expiration"));
  if (!casUrl || !accessToken || !Number.isFinite(expiresAt)) return undefined;
  return { casUrl: casUrl.replace(/\/+$/, ""), accessToken, expiresAt };
}

/**
 * Tokens for the CAS: first the one the batch gave (unless already expired; the CAS client
 * refreshes it ahead of expiry), then the Hub's token exchange (`xet-write-token`, the
 * endpoint the action's `href` names). The exchange is asked of the Hub through the client,
 * so the Hub token only ever goes to the Hub's origin.
 */
function tokenSource(ctx: CommitContext, initial: XetConnection | undefined): XetTokenSource {
  const exchange = hubXetTokenSource(ctx.client, {
    repo: ctx.repo,
    scope: "write",
    revision: ctx.revision,
    createPr: ctx.createPr,
  });
  let first = initial;
  return async (signal) => {
    const given = first;
    first = undefined;
    if (given && Date.now() / 1000 < given.expiresAt) return given;
    return exchange(signal);
  };
}

/**
 * The object's SHA-256 (its oid, hashed before the batch) goes along, and its chunks when the
 * caller gave them: Xet need not hash it again.
 */
function xetSource(object: LfsObject): XetSource {
  const { source } = object;
  return source.filePath !== undefined
    ? {
        path: source.filePath,
        name: object.path,
        sha256: object.oid,
        ...(source.xetChunks ? { chunks: source.xetChunks } : {}),
      }
    : { stream: () => source.read(), size: source.size, name: object.path, sha256: object.oid };
}

/** An object of one Xet upload: where it goes in the repo, its size, and its bytes. */
interface XetEntry {
  path: string;
  size: number;
  source: XetSource;
}

/**
 * One `@hfkit/xet` upload session for `entries` (their chunks deduplicated together, one
 * shard), reporting each entry's bytes read through `onRead`. Returns what the session
 * computed, per entry in order.
 */
async function sendThroughXet<E extends XetEntry>(
  ctx: CommitContext,
  entries: readonly E[],
  initial: XetConnection | undefined,
  signal: AbortSignal,
  onRead: (entry: E, bytesRead: number) => void,
): Promise<UploadXetResult> {
  const upload = uploadXetIter(ctx.client, {
    repo: ctx.repo,
    revision: ctx.revision,
    createPr: ctx.createPr,
    files: entries.map((e) => e.source),
    tokenSource: tokenSource(ctx, initial),
    signal,
  });
  const byName = new Map(entries.map((e) => [e.path, e]));
  let step = await upload.next();
  while (!step.done) {
    const event = step.value;
    if (event.type === "xet-file-progress") {
      const entry = byName.get(event.file);
      if (entry) onRead(entry, event.bytesRead);
    }
    step = await upload.next();
  }
  const result = step.value;
  entries.forEach((entry, i) => {
    if (!result.files[i]) throw new InvalidResponseError(`The Xet upload left out ${entry.path}.`);
  });
  return result;
}

/** The events of a finished Xet upload: each object uploaded, then the session's figures. */
function reportXet(
  ctx: CommitContext,
  objects: readonly { path: string; oid: string; size: number }[],
  result: UploadXetResult,
): void {
  for (const { path, oid, size } of objects) {
    ctx.emit({ type: "lfs-object-uploaded", path, oid, size, transfer: "xet" });
  }
  ctx.emit({
    type: "xet-upload-done",
    files: objects.length,
    xorbsUploaded: result.xorbsUploaded,
    bytesUploaded: result.bytesUploaded,
    chunksDeduplicated: result.chunksDeduplicated,
    bytesDeduplicated: result.bytesDeduplicated,
  });
}

/**
 * Uploads the objects of one LFS batch answer through Xet (hub-protocol.md 10.4): one upload
 * session for all of them, so chunks they share, chunks recorded by earlier runs
 * (`$HF_HOME/xet/hfkit`) and chunks the CAS reports through its global dedup query are not
 * sent. The SHA-256 computed before the batch (the oid) is handed over rather than computed a
 * second time while chunking (as huggingface_hub hands its hashes to hf_xet); a file whose size
 * changed since it was hashed is refused rather than committed under a wrong oid.
 */
export async function uploadThroughXet(
  ctx: CommitContext,
  objects: readonly { object: LfsObject; action: WireLfsAction }[],
  signal: AbortSignal,
): Promise<void> {
  if (objects.length === 0) return;
  const initial = objects.map((o) => connectionOf(o.action)).find((c) => c !== undefined);
  const entries = objects.map(({ object }) => ({ ...object, source: xetSource(object) }));
  const result = await sendThroughXet(ctx, entries, initial, signal, ({ path, oid, size }, bytesRead) =>
    ctx.emit(
      {
        type: "lfs-upload-progress",
        path,
        oid,
        bytesUploaded: bytesRead,
        totalBytes: size,
      },
      `upload:${oid}`,
    ),
  );
  for (const [i, { object }] of objects.entries()) {
    const file = result.files[i]!;
    if (file.sha256 !== object.oid || file.size !== object.size) {
      throw new InvalidInputError(
        `${object.source.filePath ?? object.path}: the content changed while it was being committed (hashed ${object.size} bytes with SHA-256 ${object.oid}, uploaded ${file.size} bytes with ${file.sha256}). Do not modify files during an upload, then run it again.`,
        { field: object.path },
      );
    }
  }
  reportXet(
    ctx,
    objects.map((o) => o.object),
    result,
  );
}

/**
 * Uploads local files through Xet in one read each (ADR 0019): chunked, hashed (BLAKE3) and
 * SHA-256-hashed together, xorbs leaving while the file is still read, as huggingface_hub 1.33
 * does with hf_xet. The SHA-256 the commit names comes out of that pass; the session refuses a
 * file whose size or modification time changed while it was read, and a file whose size is not
 * the one planned is refused here. `connection` is the token the Hub's exchange handed out: its
 * answer is what said the repo takes Xet. Progress is `file-hash-progress` (bytes read, hashed
 * and chunked); each file ends with `lfs-object-uploaded`.
 */
export async function uploadInOnePass(
  ctx: CommitContext,
  files: readonly PlannedAdd[],
  connection: XetConnection,
  signal: AbortSignal,
): Promise<void> {
  const entries = files.map((file) => ({
    path: file.path,
    size: file.source.size,
    source: { path: file.source.filePath as string, name: file.path },
  }));
  const onRead = (entry: XetEntry, bytesHashed: number) =>
    ctx.emit(
      { type: "file-hash-progress", path: entry.path, bytesHashed, totalBytes: entry.size },
      `hash:${entry.path}`,
    );
  const result = await phase("commit.xet-upload", { files: files.length }, () =>
    sendThroughXet(ctx, entries, connection, signal, onRead),
  );
  for (const [i, file] of files.entries()) {
    const { sha256, size } = result.files[i]!;
    if (size !== file.source.size) throw changed(file.field, file.source.size, size);
    file.sha256 = sha256;
  }
  reportXet(
    ctx,
    files.map((f) => ({ path: f.path, oid: f.sha256 as string, size: f.source.size })),
    result,
  );
}
