import { channel } from "node:diagnostics_channel";
import { join } from "node:path";
import { type HubClient, InvalidInputError, type RepoDesignation } from "@hfkit/http";
import { drain, phase, runWithEvents } from "@hfkit/http/work";
import { type CasClient, createCasClient, hubXetTokenSource, type XetTokenSource } from "./cas-client.js";
import { MAX_SHARD_BYTES, MAX_XORB_BYTES } from "./constants.js";
import { hashToHex, loadXetHashes } from "./hash.js";
import { preloadLz4 } from "./lz4.js";
import { type Shard, type ShardFile, type ShardXorb, serializeShard, shardSize } from "./shard.js";
import { type OpenedSource, openSource, type XetSource } from "./source.js";
import type { UploadXetResult, XetUploadConcurrency, XetUploadEvent } from "./types.js";
import { type SessionFile, UploadSession } from "./upload-session.js";
import { uploadShard } from "./upload-shard.js";
import { WASM_CHANNEL } from "./wasm-asm.js";
import type { CompressionChoice } from "./xorb.js";
import { XorbCache } from "./xorb-cache.js";

/**
 * `node:diagnostics_channel` names `@hfkit/xet` publishes on: every upload event goes to
 * `event` as `{ repo, event }`; `wasm` gets `{ module }` ("lz4", "blake3", "gear") each time
 * one of its WebAssembly modules is instantiated. The library itself never prints.
 */
export const XET_CHANNELS = { event: "hfkit:xet:event", wasm: WASM_CHANNEL } as const;
const eventChannel = channel(XET_CHANNELS.event);

/**
 * Starts building the WebAssembly an Xet upload needs (BLAKE3, LZ4) on later turns of the event
 * loop and returns at once: a caller that is about to wait on the network for an answer that
 * may lead to an upload (the LFS batch that offers `xet`) hides that work in the wait. Failures
 * are left for `uploadXet`, which loads them again and reports them.
 */
export function preloadXetWasm(): void {
  loadXetHashes().catch(() => {});
  preloadLz4().catch(() => {});
}

export interface UploadXetOptions {
  /** The repo the CAS token is asked for (`"owner/name"`, `"datasets/owner/name"`…). */
  repo: RepoDesignation;
  /** Branch the upload is for. Default `main`. */
  revision?: string;
  /** The files will go into a new pull request (write token for `None?create_pr=1`). */
  createPr?: boolean;
  files: readonly XetSource[];
  /** Where CAS tokens come from. Default: the Hub's token exchange for `repo` and `revision`. */
  tokenSource?: XetTokenSource;
  /**
   * A directory recording accepted xorbs, so a re-run sends none of them again. Default
   * `$HF_HOME/xet/hfkit`; `false` keeps nothing on disk.
   */
  cacheDir?: string | false;
  /** Ask the CAS about chunks it may already hold (global dedup). Default true. */
  globalDedup?: boolean;
  /** Chunk compression. Default `auto` (LZ4, or byte grouping + LZ4 where it predicts a gain). */
  compression?: CompressionChoice;
  concurrency?: Partial<XetUploadConcurrency>;
  /**
   * Serialized xorb bytes held at once (being built, queued and sending); reading waits above
   * it, and xorbs are at most a third of it (32 MiB by default, up to the format's 64 MiB), so
   * the CAS checks two xorbs while the next one is built. Default 96 MiB (a 2 GiB upload
   * peaked at 265–295 MB of RSS with 128 MiB). At least 64 MiB; raise it for more xorbs in
   * flight on a slow link.
   */
  maxBufferedBytes?: number;
  signal?: AbortSignal;
}

const DEFAULT_BUFFERED = 96 << 20;

/**
 * Uploads files to Xet storage: chunks and hashes them while reading, sends the chunks the
 * CAS lacks in xorbs (in parallel, memory bounded), then one shard registering the files.
 * Returns, per file, its Xet hash, SHA-256 and size: what a commit needs to add it.
 * Yields progress events; the plain {@link uploadXet} drains them.
 *
 * @example
 * for await (const event of uploadXetIter(hub, { repo: "me/model", files: [{ path: "model.safetensors" }] })) {
 *   if (event.type === "xet-file-progress") console.log(event.bytesRead, "/", event.totalBytes);
 * }
 */
export function uploadXetIter(
  client: HubClient,
  options: UploadXetOptions,
): AsyncGenerator<XetUploadEvent, UploadXetResult> {
  if (!Array.isArray(options.files)) {
    throw new InvalidInputError("files: expected an array of sources ({ path }, { content }, { stream }).", {
      field: "files",
    });
  }
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_BUFFERED;
  if (!(maxBufferedBytes >= MAX_XORB_BYTES)) {
    throw new InvalidInputError(
      `maxBufferedBytes: at least ${MAX_XORB_BYTES} bytes (one 64 MiB xorb), not ${maxBufferedBytes}.`,
      { field: "maxBufferedBytes" },
    );
  }
  const xorbUploads = options.concurrency?.xorbUploads ?? 4;
  if (!(Number.isInteger(xorbUploads) && xorbUploads >= 1)) {
    throw new InvalidInputError(`concurrency.xorbUploads: a positive integer, not ${xorbUploads}.`, {
      field: "concurrency.xorbUploads",
    });
  }
  const label = { repo: typeof options.repo === "string" ? options.repo : options.repo.name };
  return runWithEvents<XetUploadEvent, UploadXetResult>(
    async (emit, signal) => {
      // The BLAKE3 WebAssembly compiles while the sources are opened, the token is fetched and
      // the local record is read, rather than after them.
      const hashes = loadXetHashes();
      hashes.catch(() => {});
      // Likewise the LZ4 WebAssembly (loaded on first use, not at import: issue 19).
      const lz4 = options.compression === "none" ? undefined : preloadLz4();
      lz4?.catch(() => {});
      const sources: OpenedSource[] = [];
      for (const [i, file] of options.files.entries()) sources.push(await openSource(file, `files[${i}]`));
      const tokenSource =
        options.tokenSource ??
        hubXetTokenSource(client, {
          repo: options.repo,
          scope: "write",
          revision: options.revision,
          createPr: options.createPr,
        });
      const cas = createCasClient(client, tokenSource);
      const connection = await cas.connection(signal);
      const cacheDir =
        options.cacheDir === false
          ? undefined
          : (options.cacheDir ?? join(client.environment.hfHome, "xet", "hfkit"));
      const cache = cacheDir ? await XorbCache.open(cacheDir, connection.casUrl) : XorbCache.disabled();
      await lz4;
      const session = new UploadSession({
        cas,
        hashes: await hashes,
        cache,
        emit,
        signal,
        xorbUploads,
        maxBufferedBytes,
        compression: options.compression ?? "auto",
        globalDedup: options.globalDedup ?? true,
        totalBytes: sources.every((s) => s.size !== undefined)
          ? sources.reduce((sum, s) => sum + (s.size as number), 0)
          : undefined,
      });
      const files: SessionFile[] = [];
      try {
        for (const [i, source] of sources.entries()) files.push(await session.addFile(source, i));
      } catch (error) {
        // Wind the uploads down before failing: nothing may outlive the call.
        session.group.fail(error);
        await session.group.wait().catch(() => {});
        throw error;
      }
      await session.finish();
      const newXorbs = session.newXorbs();
      const shardsUploaded = await sendShards(cas, files, newXorbs, session.signal, emit);
      await cache.recordShard(newXorbs.map((x) => hashToHex(x.hash)));
      return {
        files: files.map(({ name, xetHash, sha256, size }) => ({ name, xetHash, sha256, size })),
        ...session.stats,
        shardsUploaded,
      };
    },
    {
      signal: options.signal,
      stopMessage: "The Xet upload was stopped before it finished.",
      span: { name: "xet.upload", attributes: { ...label, files: options.files.length } },
      onEvent: (event) => {
        if (eventChannel.hasSubscribers) eventChannel.publish({ ...label, event });
      },
    },
  );
}

/** {@link uploadXetIter}, drained: resolves with the result once the shard is uploaded. */
export function uploadXet(
  client: HubClient,
  options: UploadXetOptions & { onProgress?: (event: XetUploadEvent) => void },
): Promise<UploadXetResult> {
  return drain(uploadXetIter(client, options), options.onProgress);
}

/** Files and new xorbs go into shards of at most 64 MiB, uploaded after every xorb. */
async function sendShards(
  cas: CasClient,
  files: readonly SessionFile[],
  xorbs: readonly ShardXorb[],
  signal: AbortSignal,
  emit: (event: XetUploadEvent) => void,
): Promise<number> {
  const entries = files.map((f) => f.shardEntry()).filter((f): f is ShardFile => f !== undefined);
  const empty = shardSize([], []);
  let batch: Shard = { files: [], xorbs: [] };
  let size = empty;
  let sent = 0;
  const flush = async () => {
    if (batch.files.length === 0 && batch.xorbs.length === 0) return;
    const shard = serializeShard(batch);
    await phase("xet.shard-upload", { bytes: shard.byteLength }, () => uploadShard(cas, { shard, signal }));
    emit({
      type: "xet-shard-uploaded",
      bytes: shard.byteLength,
      files: batch.files.length,
      xorbs: batch.xorbs.length,
    });
    sent++;
    batch = { files: [], xorbs: [] };
    size = empty;
  };
  for (const file of entries) {
    const grows = shardSize([file], []) - empty;
    if (size + grows > MAX_SHARD_BYTES) await flush();
    batch.files.push(file);
    size += grows;
  }
  for (const xorb of xorbs) {
    const grows = shardSize([], [xorb]) - empty;
    if (size + grows > MAX_SHARD_BYTES) await flush();
    batch.xorbs.push(xorb);
    size += grows;
  }
  await flush();
  return sent;
}
