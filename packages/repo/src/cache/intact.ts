import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readlink } from "node:fs/promises";
import { basename } from "node:path";
import { blobNameOf } from "../download/server-values.js";
import { fileSize } from "./fs-utils.js";
import type { RepoCacheLayout } from "./layout.js";
import { readTreeCache } from "./tree-cache.js";

export interface Expected {
  /** The size the Hub or the cached tree announced; unchecked when unknown. */
  size?: number | undefined;
  /** The blob's name (git blob id or SHA-256); by default the name the snapshot link points at. */
  etag?: string | undefined;
}

/**
 * Whether a cached file still holds what it should, checked on every use: its size against
 * what the Hub (or the cached tree listing) says, and with `verify` its content hash against
 * the blob's name. A blob truncated by a full disk or overwritten by another tool is then
 * fetched again instead of being served.
 */
export async function cachedFileIntact(file: string, expected: Expected, verify = false): Promise<boolean> {
  const size = await fileSize(file);
  if (size === undefined) return false;
  if (expected.size !== undefined && size !== expected.size) return false;
  if (!verify) return true;
  const link = await readlink(file).catch(() => undefined);
  const name = blobNameOf(expected.etag ?? (link ? basename(link) : ""));
  if (name === undefined) return true; // nothing to check the bytes against
  return (await hashOf(file, name.length === 64 ? "sha256" : "git", size)) === name;
}

async function hashOf(file: string, kind: "sha256" | "git", size: number): Promise<string> {
  const hash = kind === "sha256" ? createHash("sha256") : createHash("sha1").update(`blob ${size}\0`);
  // 1 MiB reads: the default 64 KiB halves hashing speed (perf-limits.md).
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk);
  return hash.digest("hex");
}

/** The size of `path` at `commit` from the cached tree listing (`trees/<commit>.json`), if cached. */
export async function sizeInCachedTree(
  layout: RepoCacheLayout,
  commit: string,
  path: string,
): Promise<number | undefined> {
  const files = await readTreeCache(layout.tree(commit));
  const file = files?.find((f) => f.path === path);
  return file ? (file.lfs?.size ?? file.size) : undefined;
}
