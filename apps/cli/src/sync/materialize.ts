import { randomBytes } from "node:crypto";
import { copyFile, link, mkdir, realpath, rename, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ManifestFile } from "./resolve.js";

// Errors of link(2) that mean "not here": another file system, one without hard links, or a
// blob already at the file system's link limit. The copy is then the only way.
const NO_HARDLINK = new Set(["EXDEV", "EPERM", "ENOTSUP", "EOPNOTSUPP", "EMLINK", "ENOSYS", "EACCES"]);

/**
 * Puts the cached file `cachePath` (a snapshot link into the blobs) at `target`: a hard link to
 * the blob when the storage shares its file system (no second copy of the bytes, and the file
 * outlives a cache cleanup), else a copy. Either way it appears whole, by a rename, so a run
 * killed halfway leaves no truncated file. A file already there with the expected size is kept.
 * Returns how the file is tied to the cache.
 */
export async function placeFile(
  cachePath: string,
  target: string,
  size: number,
): Promise<"hardlink" | "copy"> {
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isFile() && existing.size === size) {
    // Placed by an earlier, interrupted run: say how, from whether it is the blob itself.
    const blob = await stat(cachePath);
    return blob.ino === existing.ino && blob.dev === existing.dev ? "hardlink" : "copy";
  }
  // link(2) does not follow symlinks: link the blob the snapshot entry points at, not the link.
  const blob = await realpath(cachePath);
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${randomBytes(6).toString("hex")}.hfkit-tmp`;
  let how: "hardlink" | "copy" = "hardlink";
  try {
    await link(blob, temp);
  } catch (error) {
    if (!NO_HARDLINK.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
    how = "copy";
    await copyFile(blob, temp);
  }
  try {
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  return how;
}

/** The manifest's files that are missing from `folder`, or whose size differs from the manifest. */
export async function missingFiles(folder: string, files: readonly ManifestFile[]): Promise<string[]> {
  const missing: string[] = [];
  for (const file of files) {
    const found = await stat(join(folder, ...file.path.split("/"))).catch(() => undefined);
    if (!found?.isFile() || found.size !== file.size) missing.push(file.path);
  }
  return missing;
}
