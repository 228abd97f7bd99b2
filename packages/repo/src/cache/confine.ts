import { isAbsolute, relative, resolve } from "node:path";
import { UnsafeRepoPathError } from "../download/server-values.js";

/**
 * Returns `target` after checking that it lies inside `root` once both are resolved: every
 * path hfkit writes under the cache or a local folder goes through this, so that no value a
 * server sent (already checked) nor a bug in joining them can put a file anywhere else.
 */
export function confined(root: string, target: string): string {
  const rel = relative(resolve(root), resolve(target));
  if (rel === "" || rel === ".." || rel.startsWith("../") || rel.startsWith("..\\") || isAbsolute(rel)) {
    const reason = `it would be written outside ${root}`;
    throw new UnsafeRepoPathError(`Refusing to write ${JSON.stringify(target)}: ${reason}.`, {
      reason,
    });
  }
  return target;
}

// Errors with which a file system refuses a name that the path rule allows (a path longer
// than PATH_MAX, a file where a folder is needed, a name the file system cannot encode).
const UNWRITABLE = new Set(["ENAMETOOLONG", "ENOTDIR", "EISDIR", "EEXIST", "EILSEQ", "EINVAL"]);

/** True when writing one repo file failed because of its path, so the other files can go on. */
export function isUnwritablePath(error: unknown): boolean {
  return (
    UnsafeRepoPathError.isInstance(error) || UNWRITABLE.has((error as NodeJS.ErrnoException)?.code ?? "")
  );
}
