// The cached half of the non-cache download targets ("memory", "stream", { file }): reading
// a copy already in the shared cache, and writing to a path. Node only; the browser build has
// cached-source.browser.ts (ADR 0017).
import { createReadStream } from "node:fs";
import { copyFile, mkdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Readable } from "node:stream";
import { randomSuffix } from "../cache/fs-utils.js";
import { cachedFileIntact, sizeInCachedTree } from "../cache/intact.js";
import { cacheLayout } from "../cache/layout.js";
import { cacheMiss, lookupCachedFile } from "../cache/lookup.js";
import type { ReadJob, Source } from "./read-targets.js";
import { writeVerified } from "./write-verified.js";

/**
 * A cached copy of the file when it is intact (size as in the cached tree; hash with
 * `verify`), else undefined; offline, a miss throws.
 */
export async function findCached(job: ReadJob): Promise<Source | undefined> {
  const layout = cacheLayout(job.cacheDir, job.repo);
  const found = await lookupCachedFile(layout, job.revision, job.path);
  const intact =
    found.state === "found" &&
    (await cachedFileIntact(
      found.path,
      { size: await sizeInCachedTree(layout, found.commit, job.path) },
      job.verify,
    ));
  if (found.state === "found" && intact) {
    const { size } = await stat(found.path);
    return { kind: "cache", file: found.path, commit: found.commit, size };
  }
  if (job.network !== "online")
    throw cacheMiss(job, found.state === "found" ? "not-cached" : found.state, job.network);
  return undefined;
}

export const readCachedBytes = async (file: string): Promise<Uint8Array> =>
  new Uint8Array(await readFile(file));

export const streamCachedFile = (file: string): ReadableStream<Uint8Array> =>
  Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;

/** Writes the file to exactly `file`, through a temporary sibling and a rename. */
export async function readToFile(job: ReadJob, source: Source, file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${basename(file)}.${randomSuffix()}.incomplete`);
  try {
    if (source.kind === "cache") {
      await copyFile(source.file, temp);
    } else {
      await writeVerified(job, source.meta, temp, 0);
    }
    await rename(temp, file);
  } finally {
    await unlink(temp).catch(() => {});
  }
}
