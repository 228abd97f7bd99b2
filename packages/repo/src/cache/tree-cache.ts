import * as z from "@hfkit/http/zod";
import type { RepoFile } from "../types.js";
import { readTextIfExists, writeFileAtomic } from "./fs-utils.js";

// `trees/<commit>.json`, huggingface_hub's cache of a commit's file listing (_tree_cache.py,
// format_version 1). A commit never changes, so the listing is kept forever; Python also
// reads it offline to tell a complete snapshot from a partial one.
const TreeFile = z.object({
  format_version: z.literal(1),
  files: z.record(
    z.string(),
    z.object({
      size: z.number(),
      blob_id: z.string(),
      lfs_sha256: z.string().nullish(),
      lfs_size: z.number().nullish(),
      xet_hash: z.string().nullish(),
    }),
  ),
});

/** Reads `trees/<commit>.json` at `file`; undefined when absent or unreadable. */
export async function readTreeCache(file: string): Promise<RepoFile[] | undefined> {
  const text = await readTextIfExists(file);
  if (text === undefined) return undefined;
  let parsed: z.infer<typeof TreeFile>;
  try {
    parsed = TreeFile.parse(JSON.parse(text));
  } catch {
    return undefined; // unreadable or another format: list again
  }
  return Object.entries(parsed.files).map(([path, f]) => ({
    type: "file",
    path,
    size: f.size,
    oid: f.blob_id,
    ...(f.lfs_sha256 ? { lfs: { oid: f.lfs_sha256, size: f.lfs_size ?? f.size } } : {}),
    ...(f.xet_hash ? { xetHash: f.xet_hash } : {}),
  }));
}

export async function writeTreeCache(file: string, files: readonly RepoFile[]): Promise<void> {
  const entries: Record<string, Record<string, unknown>> = {};
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    entries[f.path] = {
      size: f.size,
      blob_id: f.oid,
      ...(f.lfs ? { lfs_sha256: f.lfs.oid, lfs_size: f.lfs.size } : {}),
      ...(f.xetHash ? { xet_hash: f.xetHash } : {}),
    };
  }
  // Python writes it with json.dump(indent=1).
  await writeFileAtomic(file, JSON.stringify({ format_version: 1, files: entries }, null, 1));
}
