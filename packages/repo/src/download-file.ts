import { checkRevision, formatRepoId, type HubClient, parseRepoId } from "@hfkit/http";
import { drain } from "@hfkit/http/work";
import { readToFile } from "./download/cached-source.js";
import { chooseSource, type ReadJob, readToMemory, readToStream } from "./download/read-targets.js";
import { type CachedFile, downloadToCache, type NetworkPolicy } from "./download/to-cache.js";
import { downloadToLocalDir, type LocalFile } from "./download/to-local-dir.js";
import type { TransferOptions } from "./download/write-verified.js";
import { downloadEvents, type FileDownloadProgressEvent } from "./events.js";
import type { RepoOperationOptions } from "./types.js";

/**
 * Where `downloadFile` puts the bytes:
 * - `"cache"` (default): the hub cache shared with Python (`HF_HUB_CACHE`), returns the snapshot path;
 * - `"memory"`: a `Uint8Array`;
 * - `"stream"`: a web `ReadableStream` (it errors at its end if the bytes fail their check);
 * - `{ file }`: exactly that path;
 * - `{ localDir }`: `localDir/<path in repo>`, with huggingface_hub's `.cache/huggingface` metadata.
 */
export type DownloadTarget = "cache" | "memory" | "stream" | { file: string } | { localDir: string };

export interface DownloadProgress {
  path: string;
  bytes: number;
  totalBytes: number;
}

export interface DownloadFileOptions extends RepoOperationOptions, TransferOptions {
  /** Path of the file in the repo. */
  path: string;
  /** Branch, tag, commit or `refs/pr/N`. Default `main`. */
  revision?: string;
  to?: DownloadTarget;
  /** Hub cache folder. Default: `client.environment.hubCache` (`HF_HUB_CACHE`, else `$HF_HOME/hub`). */
  cacheDir?: string;
  /** Use only what is cached, never the network (also implied by `HF_HUB_OFFLINE=1`). */
  localFilesOnly?: boolean;
  /** Download again even if cached. */
  force?: boolean;
  /**
   * Re-hash a cached copy before using it, and fetch it again if the bytes do not match their
   * name. Without it a cached copy is still checked by size on every use.
   */
  verify?: boolean;
  /** Hears every `file-download-progress` event as it happens (the callback form of {@link downloadFileIter}). */
  onProgress?: (progress: DownloadProgress) => void;
}

/** What {@link downloadFileIter} yields while it downloads. */
export type DownloadFileEvent = FileDownloadProgressEvent;

export interface DownloadedFile {
  /** Where the file is. For the cache: `snapshots/<commit>/<path>`, a symlink into `blobs/`. */
  path: string;
  commit: string | undefined;
  /** Git blob id or SHA-256: the blob's name in the cache. */
  etag: string | undefined;
  size: number;
  /** True when no byte was downloaded. */
  fromCache: boolean;
}

export interface DownloadedBytes {
  bytes: Uint8Array;
  commit: string;
  size: number;
}

export interface DownloadedStream {
  stream: ReadableStream<Uint8Array>;
  commit: string;
  size: number;
}

/** Offline mode from the environment (`HF_HUB_OFFLINE`) or the option. */
export function networkPolicy(client: HubClient, localFilesOnly: boolean | undefined): NetworkPolicy {
  if (client.environment.offline) return "offline";
  return localFilesOnly ? "local-files-only" : "online";
}

type DownloadFileResult = DownloadedFile | DownloadedBytes | DownloadedStream;

/**
 * Downloads one file, as a generator of `file-download-progress` events that returns the
 * result ({@link downloadFile} is the same as a promise). Bytes stream to disk (never whole in
 * memory unless asked), LFS files come from storage without the token, a broken connection
 * resumes with `Range`, and size and hash are checked before the file is renamed into place.
 * With `HF_HUB_OFFLINE=1` the file is served from the cache, or a `LocalEntryNotFoundError`
 * names what is missing. Stopping the iteration (`break`) stops the transfer and resolves once
 * its temporary file is gone.
 *
 * @example
 * for await (const event of downloadFileIter(hub, { repo: "acme/bert", path: "model.safetensors" })) {
 *   console.log(`${event.bytes} / ${event.totalBytes}`);
 * }
 */
export function downloadFileIter(
  client: HubClient,
  options: DownloadFileOptions & { to: "memory" },
): AsyncGenerator<DownloadFileEvent, DownloadedBytes>;
export function downloadFileIter(
  client: HubClient,
  options: DownloadFileOptions & { to: "stream" },
): AsyncGenerator<DownloadFileEvent, DownloadedStream>;
export function downloadFileIter(
  client: HubClient,
  options: DownloadFileOptions & { to?: "cache" | { file: string } | { localDir: string } },
): AsyncGenerator<DownloadFileEvent, DownloadedFile>;
export function downloadFileIter(
  client: HubClient,
  options: DownloadFileOptions,
): AsyncGenerator<DownloadFileEvent, DownloadFileResult>;
export async function* downloadFileIter(
  client: HubClient,
  options: DownloadFileOptions,
): AsyncGenerator<DownloadFileEvent, DownloadFileResult> {
  const repo = parseRepoId(options.repo);
  const revision = options.revision ?? "main";
  checkRevision(revision);
  const path = options.path?.replace(/^\/+/, "");
  const label = { repo: formatRepoId(repo), revision };
  const { onProgress } = options;
  const onEvent = onProgress
    ? ({ path, bytes, totalBytes }: DownloadFileEvent) => onProgress({ path, bytes, totalBytes })
    : undefined;
  return yield* downloadEvents(label, { signal: options.signal, onEvent }, async (emit, signal) => {
    const to = options.to ?? "cache";
    // Built from the public options by name: a caller's other fields (a plain-JS caller passing
    // `known`, `prepared` or `lock`, internal to a snapshot) never reach the download.
    const job: ReadJob = {
      force: options.force,
      verify: options.verify,
      maxResumes: options.maxResumes,
      resumeDelayMs: options.resumeDelayMs,
      useXet: options.useXet,
      verifySha256: options.verifySha256,
      client,
      repo,
      path,
      revision,
      cacheDir: options.cacheDir ?? client.environment.hubCache,
      network: networkPolicy(client, options.localFilesOnly),
      onProgress: (bytes, totalBytes) =>
        emit({ type: "file-download-progress", path: options.path, bytes, totalBytes }, "progress"),
      // A stream is read after this work returns: the caller's signal must still reach it.
      signal: to === "stream" && options.signal ? AbortSignal.any([signal, options.signal]) : signal,
    };
    if (to === "cache") return (await downloadToCache(job)) satisfies CachedFile;
    if (typeof to === "object" && "localDir" in to) {
      return (await downloadToLocalDir({ ...job, localDir: to.localDir })) satisfies LocalFile;
    }
    const source = await chooseSource(job);
    const commit = source.kind === "cache" ? source.commit : source.meta.commit;
    const size = source.kind === "cache" ? source.size : source.meta.size;
    if (to === "memory") return { bytes: await readToMemory(job, source), commit, size };
    if (to === "stream") return { stream: readToStream(job, source), commit, size };
    await readToFile(job, source, to.file);
    return {
      path: to.file,
      commit,
      etag: source.kind === "hub" ? source.meta.etag : undefined,
      size,
      fromCache: source.kind === "cache",
    };
  });
}

/**
 * Downloads one file and resolves with where it is (or its bytes, or a stream): the promise
 * form of {@link downloadFileIter}; `onProgress` hears the progress events.
 *
 * @example
 * const { path } = await downloadFile(hub, { repo: "acme/bert", path: "config.json" });
 * const { bytes } = await downloadFile(hub, { repo: "acme/bert", path: "config.json", to: "memory" });
 * await downloadFile(hub, { repo: "datasets/acme/reviews", path: "data/train.parquet", to: { localDir: "./data" } });
 */
export function downloadFile(
  client: HubClient,
  options: DownloadFileOptions & { to: "memory" },
): Promise<DownloadedBytes>;
export function downloadFile(
  client: HubClient,
  options: DownloadFileOptions & { to: "stream" },
): Promise<DownloadedStream>;
export function downloadFile(
  client: HubClient,
  options: DownloadFileOptions & { to?: "cache" | { file: string } | { localDir: string } },
): Promise<DownloadedFile>;
export function downloadFile(client: HubClient, options: DownloadFileOptions): Promise<DownloadFileResult> {
  return drain(downloadFileIter(client, options));
}
