import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, mkdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { formatRepoId, isCommitId } from "@hfkit/http";
import { confined } from "../cache/confine.js";
import { exists, randomSuffix, readTextIfExists, writeFileAtomic } from "../cache/fs-utils.js";
import { cachedFileIntact } from "../cache/intact.js";
import { cacheLayout, checkRepoPath } from "../cache/layout.js";
import { acquireCacheLock } from "../cache/lock.js";
import { lookupCachedFile } from "../cache/lookup.js";
import { localEntryNotFound } from "../errors.js";
import { type FileMetadata, getFileMetadata } from "../get-file-metadata.js";
import { blobNameOf, UnsafeRepoPathError } from "./server-values.js";
import type { CacheDownload } from "./to-cache.js";
import { writeVerified } from "./write-verified.js";

/** A file written into a local folder (huggingface_hub's `local_dir` layout). */
export interface LocalFile {
  path: string;
  commit: string | undefined;
  etag: string | undefined;
  size: number;
  fromCache: boolean;
}

export interface LocalDirDownload extends Omit<CacheDownload, "lock"> {
  localDir: string;
}

interface LocalPaths {
  file: string;
  metadata: string;
  lock: string;
  tempPrefix: string;
}

// `local_dir/.cache/huggingface/download/<path>.metadata` holds "commit\netag\ntimestamp\n" so
// that a re-run skips files already there (huggingface_hub _local_folder.py).
function localPaths(localDir: string, path: string): LocalPaths {
  const segments = checkRepoPath(path);
  if (segments[0] === ".cache" && segments[1] === "huggingface") {
    // That folder holds the download metadata: a repo file there would overwrite it.
    const reason = `it would be written into ${join(localDir, ".cache", "huggingface")}, where hfkit and huggingface_hub keep their metadata; download it into the cache instead`;
    throw new UnsafeRepoPathError(`Refusing to write "${path}": ${reason}.`, {
      reason,
    });
  }
  const metadata = confined(
    localDir,
    `${join(localDir, ".cache", "huggingface", "download", ...segments)}.metadata`,
  );
  // Python names temp files after a hash of the metadata file's name (urlsafe base64, padded).
  const short = `${createHash("sha1").update(basename(metadata)).digest("base64url")}=`;
  return {
    file: confined(localDir, join(localDir, ...segments)),
    metadata,
    lock: metadata.replace(/\.metadata$/, ".lock"),
    tempPrefix: join(dirname(metadata), short),
  };
}

async function prepareHuggingfaceDir(localDir: string): Promise<void> {
  const dir = join(localDir, ".cache", "huggingface");
  await mkdir(dir, { recursive: true });
  const gitignore = join(dir, ".gitignore");
  if (!(await exists(gitignore))) await writeFile(gitignore, "*", { flag: "wx" }).catch(() => {});
}

async function readMetadata(paths: LocalPaths): Promise<{ commit: string; etag: string } | undefined> {
  const text = await readTextIfExists(paths.metadata);
  const [commit, etag, timestamp] = (text ?? "").split("\n").map((line) => line.trim());
  if (!commit || !etag || !timestamp || Number.isNaN(Number(timestamp))) return undefined;
  const info = await stat(paths.file).catch(() => undefined);
  // A file modified after the metadata was written is not trusted (1 s slack, as Python).
  return info && info.mtimeMs / 1000 - 1 <= Number(timestamp) ? { commit, etag } : undefined;
}

async function writeMetadata(paths: LocalPaths, meta: FileMetadata): Promise<void> {
  await writeFileAtomic(paths.metadata, `${meta.commit}\n${meta.etag}\n${Date.now() / 1000}\n`);
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest("hex");
}

async function existing(paths: LocalPaths, meta: Partial<FileMetadata>): Promise<LocalFile> {
  const { size } = await stat(paths.file);
  return { path: paths.file, commit: meta.commit, etag: meta.etag, size, fromCache: true };
}

/**
 * Writes one file to `localDir/<path>` (a real file, not a link), skipping it when the
 * metadata Python keeps next to it says it is current.
 */
export async function downloadToLocalDir(job: LocalDirDownload): Promise<LocalFile> {
  const paths = localPaths(job.localDir, job.path);
  const local = await readMetadata(paths);
  const fileThere = await exists(paths.file);
  if (
    !job.force &&
    fileThere &&
    isCommitId(job.revision) &&
    local?.commit === job.revision &&
    (await cachedFileIntact(paths.file, { size: job.known?.size, etag: local.etag }, job.verify))
  ) {
    return existing(paths, local);
  }
  if (job.network !== "online") {
    if (fileThere) return existing(paths, local ?? {});
    throw localEntryNotFound(
      {
        repo: formatRepoId(job.repo),
        revision: job.revision,
        path: job.path,
        cacheDir: job.localDir,
        reason: "not-cached",
      },
      job.network,
    );
  }
  const meta =
    job.known ??
    (await getFileMetadata(job.client, {
      repo: job.repo,
      path: job.path,
      revision: job.revision,
      signal: job.signal,
    }));
  await mkdir(dirname(paths.metadata), { recursive: true });
  await prepareHuggingfaceDir(job.localDir);
  if (!job.force && fileThere) {
    // Checked on use: a file of the wrong size (or, with `verify`, the wrong hash) is fetched again.
    const current = local
      ? local.etag === meta.etag &&
        (await cachedFileIntact(paths.file, { size: meta.size, etag: meta.etag }, job.verify))
      : /^[0-9a-f]{64}$/.test(meta.etag) && (await sha256Of(paths.file)) === meta.etag;
    if (current) {
      await writeMetadata(paths, meta);
      return existing(paths, meta);
    }
  }
  await mkdir(dirname(paths.file), { recursive: true });
  const cached = job.force
    ? undefined
    : await lookupCachedFile(cacheLayout(job.cacheDir, job.repo), meta.commit, job.path);
  const fromCache =
    cached?.state === "found" &&
    (await cachedFileIntact(cached.path, { size: meta.size, etag: blobNameOf(meta.etag) }, job.verify));
  const lock = await acquireCacheLock(paths.lock, { signal: job.signal });
  try {
    if (cached?.state === "found" && fromCache) {
      await copyFile(cached.path, paths.file);
    } else {
      const temp = `${paths.tempPrefix}.${blobNameOf(meta.etag) ?? "unnamed"}.${randomSuffix()}.incomplete`;
      try {
        await writeVerified(job, meta, temp, 0);
        await rename(temp, paths.file);
      } finally {
        await unlink(temp).catch(() => {});
      }
    }
    await writeMetadata(paths, meta);
  } finally {
    await lock.release();
  }
  return {
    path: paths.file,
    commit: meta.commit,
    etag: meta.etag,
    size: meta.size,
    fromCache,
  };
}
