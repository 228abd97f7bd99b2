import { InvalidResponseError, type RequestBody } from "@hfkit/http";
import { TaskGroup } from "@hfkit/http/work";
import PQueue from "p-queue";
import type { CommitContext } from "./context.js";
import { LFS_CONTENT_TYPE } from "./lfs-batch.js";
import type { ContentSource } from "./source.js";
import type { WireLfsAction } from "./wire/lfs-batch.js";

export interface LfsObject {
  oid: string;
  size: number;
  source: ContentSource;
  /** The first path with this content, named in events. */
  path: string;
}

/**
 * Bytes `[start, end)` of an object. A file on disk goes as a file range, which the seam's
 * bulk path reads into reused buffers (ADR 0002); anything else as a fresh stream per attempt.
 */
function bodyOf(source: ContentSource, start: number, end: number): RequestBody {
  return source.filePath !== undefined
    ? { file: source.filePath, start, end }
    : { binary: () => source.read(start, end), contentLength: end - start };
}

/** Per-part byte counts summed into one progress figure per object. */
function meter(ctx: CommitContext, object: LfsObject, parts: number) {
  const sent = new Float64Array(parts);
  let total = 0;
  return (part: number, bytes: number) => {
    total += bytes - sent[part]!;
    sent[part] = bytes;
    ctx.emit(
      {
        type: "lfs-upload-progress",
        path: object.path,
        oid: object.oid,
        bytesUploaded: total,
        totalBytes: object.size,
      },
      `upload:${object.oid}`,
    );
  };
}

/**
 * One PUT of raw bytes to a presigned URL. `auth: false` keeps the Hub token off it even if
 * a server puts part URLs on its own origin; `bulk` takes the seam's fast path for large
 * bodies (ADR 0002); `idempotent` lets the seam retry it (408/429/5xx, resets), re-reading
 * the body.
 */
async function put(
  ctx: CommitContext,
  url: string,
  body: RequestBody,
  signal: AbortSignal,
  onProgress: (bytes: number) => void,
) {
  return ctx.client.request({
    method: "PUT",
    url,
    body,
    responseType: "none",
    bulk: true,
    idempotent: true,
    auth: false,
    signal,
    operation: "lfsUpload",
    onUploadProgress: onProgress,
  });
}

/** Part URLs: the all-digit keys of `header` ("00001"…), ordered by number. */
function partUrls(header: Record<string, string>): string[] {
  return Object.keys(header)
    .filter((key) => /^\d+$/.test(key))
    .sort((a, b) => Number(a) - Number(b))
    .map((key) => header[key]!);
}

async function uploadMultipart(
  ctx: CommitContext,
  object: LfsObject,
  action: WireLfsAction,
  chunkSize: number,
  signal: AbortSignal,
): Promise<void> {
  const urls = partUrls(action.header ?? {});
  const expected = Math.max(1, Math.ceil(object.size / chunkSize));
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0 || urls.length !== expected) {
    throw new InvalidResponseError(
      `The LFS batch gave ${urls.length} part URL(s) of ${chunkSize} bytes for ${object.path} (${object.size} bytes); expected ${expected}.`,
    );
  }
  const progress = meter(ctx, object, urls.length);
  const etags: string[] = new Array(urls.length);
  const queue = new PQueue({ concurrency: ctx.concurrency.parts });
  const group = new TaskGroup(signal);
  const sendPart = (index: number, body: RequestBody) =>
    queue.add(async () => {
      const response = await put(ctx, urls[index]!, body, group.signal, (n) => progress(index, n));
      const etag = response.headers.get("etag");
      if (!etag) {
        throw new InvalidResponseError(`Part ${index + 1} of ${object.path} was stored without an ETag.`, {
          url: response.url,
        });
      }
      etags[index] = etag;
    });
  if (object.source.seekable) {
    for (let i = 0; i < urls.length; i++) {
      const start = i * chunkSize;
      const end = Math.min(object.size, start + chunkSize);
      group.spawn(() => sendPart(i, bodyOf(object.source, start, end)));
    }
  } else {
    // A stream factory can only be read once from the start: cut it into parts in memory,
    // holding at most `parts` + 1 of them at a time.
    let index = 0;
    for await (const part of cutIntoParts(object.source.read(), chunkSize)) {
      if (group.signal.aborted) break;
      const i = index++;
      group.spawn(() => sendPart(i, { binary: part }));
      await queue.onSizeLessThan(1);
    }
  }
  await group.wait();
  // The completion URL is signed; neither official client sends the Hub token to it.
  await ctx.client.request({
    method: "POST",
    url: action.href,
    headers: { accept: LFS_CONTENT_TYPE, "content-type": LFS_CONTENT_TYPE },
    body: { json: { oid: object.oid, parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) } },
    // Idempotent, so it leaves through node:http on the client's keep-alive agent (ADR 0002).
    responseType: "none",
    idempotent: true,
    auth: false,
    signal,
    operation: "lfsCompleteMultipart",
  });
}

async function* cutIntoParts(chunks: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let part = new Uint8Array(size);
  let filled = 0;
  for await (let chunk of chunks) {
    while (chunk.byteLength > 0) {
      const take = Math.min(size - filled, chunk.byteLength);
      part.set(chunk.subarray(0, take), filled);
      filled += take;
      chunk = chunk.subarray(take);
      if (filled === size) {
        yield part;
        part = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield part.subarray(0, filled);
}

/**
 * Uploads one LFS object the batch gave an `upload` action for: a single PUT, or (when the
 * action's header has `chunk_size`) every part in parallel then the completion POST with
 * each part's ETag, quotes included (hub-protocol.md 7.3). Calls `verify` when present.
 */
export async function uploadLfsObject(
  ctx: CommitContext,
  object: LfsObject,
  actions: { upload: WireLfsAction; verify?: WireLfsAction | null | undefined },
  signal: AbortSignal,
): Promise<"basic" | "multipart"> {
  const { upload, verify } = actions;
  const chunkSize = upload.header?.chunk_size;
  let transfer: "basic" | "multipart";
  if (chunkSize !== undefined) {
    await uploadMultipart(ctx, object, upload, Number(chunkSize), signal);
    transfer = "multipart";
  } else {
    // Both official clients ignore `header` on basic uploads: on the Hub it is never HTTP headers.
    const progress = meter(ctx, object, 1);
    await put(ctx, upload.href, bodyOf(object.source, 0, object.size), signal, (n) => progress(0, n));
    transfer = "basic";
  }
  if (verify) {
    await ctx.client.request({
      method: "POST",
      url: verify.href,
      headers: { accept: LFS_CONTENT_TYPE, "content-type": LFS_CONTENT_TYPE },
      body: { json: { oid: object.oid, size: object.size } },
      responseType: "none",
      idempotent: true,
      signal,
      operation: "lfsVerify",
    });
  }
  return transfer;
}
