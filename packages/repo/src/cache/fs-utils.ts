import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, rename, stat, symlink, unlink, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";

/** A short random suffix for temporary names, unique per writer. */
export function randomSuffix(): string {
  return randomBytes(4).toString("hex");
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === "ENOENT";
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isNotFound(error) || (error as NodeJS.ErrnoException).code === "ENOTDIR") return false;
    throw error;
  }
}

export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if (isNotFound(error) || (error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw error;
  }
}

/** Writes through a temporary file and a rename, so readers never see half a file. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomSuffix()}.tmp`;
  try {
    await writeFile(temp, content);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

const NO_SYMLINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"]);

/**
 * Points `pointer` at `blob` with a relative symlink (`../../blobs/<etag>`, one more `../`
 * per subfolder), as huggingface_hub does, so the cache survives being moved. The link is
 * made under a temporary name and renamed into place, which replaces a stale link atomically.
 * Where symlinks are not allowed (Windows without developer mode), the blob is copied.
 */
export async function linkPointer(blob: string, pointer: string): Promise<void> {
  const target = relative(dirname(pointer), blob);
  // The common case, a new pointer in a folder that exists: one symlink call, itself atomic.
  // Otherwise (no folder yet, a stale link to replace, no symlinks) the steps below.
  try {
    await symlink(target, pointer);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "EEXIST" && !NO_SYMLINKS.has(code ?? "")) throw error;
  }
  await mkdir(dirname(pointer), { recursive: true });
  const temp = join(dirname(pointer), `.${randomSuffix()}.tmp-link`);
  try {
    await symlink(target, temp);
    await rename(temp, pointer);
  } catch (error) {
    await unlink(temp).catch(() => {});
    if (!NO_SYMLINKS.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
    await copyFile(blob, pointer);
  }
}

/** Size of a regular file (following symlinks), or undefined. */
export async function fileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch (error) {
    if (isNotFound(error) || (error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw error;
  }
}
