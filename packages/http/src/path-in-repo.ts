import { InvalidInputError } from "./errors.js";

// One rule for a file's path inside a repo, applied to what a user uploads and to what a
// server lists for download, so that nothing hfkit uploads is later refused on the way down.
// From the Hub's and huggingface_hub's rules (hub-protocol §4.3: `_validate_path_in_repo`,
// `_local_folder.py` `_validate_relative_filename`; LFS paths are at most 1000 characters)
// and from what a file system can hold (255 bytes per name on ext4, APFS, NTFS).
const MAX_PATH_CHARS = 1000;
const MAX_SEGMENT_BYTES = 255;

/**
 * What is wrong with `path` as a file path inside a repo, with the fix, or `undefined` when
 * it is acceptable: `/`-separated, relative, no empty, `.` or `..` segments, no backslash,
 * no control character, no drive letter (`C:`), nothing under `.git/`, at most 1000
 * characters and 255 bytes per segment.
 *
 * `"existing"` checks a path that names a file already in a repo (to delete it, or copy from
 * it): only what keeps it inside the repo is required, so that a file another tool uploaded
 * with a backslash or a long name can still be removed.
 */
const encoder = new TextEncoder();
/** Bytes of `text` in UTF-8 (no Buffer: the browser build has none). */
const utf8Length = (text: string): number => encoder.encode(text).byteLength;

export function pathInRepoProblem(path: unknown, mode: "new" | "existing" = "new"): string | undefined {
  if (typeof path !== "string" || path === "") return 'is empty; name a file, e.g. "data/train.csv"';
  if (path.startsWith("/"))
    return "starts with '/'; paths are relative to the repo root: drop the leading '/'";
  if (path.endsWith("/")) return "ends with '/'; name a file, not a folder";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(path))
    return "contains a control character (NUL, tab, line break…); rename the file";
  const segments = path.split("/");
  if (segments.includes("..")) return "contains '..'; paths must stay inside the repo";
  if (segments.some((s) => s === "" || s === ".")) return "has empty or '.' segments; write it as a/b/c";
  if (segments.includes(".git")) return "is inside a .git folder, which the Hub refuses";
  if (path.length > MAX_PATH_CHARS) return `is longer than ${MAX_PATH_CHARS} characters; use a shorter path`;
  if (mode === "existing") return undefined;
  if (path.includes("\\"))
    return "contains a backslash; use '/' between folders and rename files with '\\' in their name";
  if (segments.some((s) => /^[A-Za-z]:/.test(s))) {
    return "has a segment starting with a drive letter (like 'C:'), which Windows reads as a drive; rename it";
  }
  // A UTF-16 unit is at most 3 bytes of UTF-8: most names are short enough not to be encoded
  // (encoding every name cost ~15 ms of a 2,000-file folder upload).
  const long = segments.find((s) => s.length * 3 > MAX_SEGMENT_BYTES && utf8Length(s) > MAX_SEGMENT_BYTES);
  if (long !== undefined) {
    return `has a name of ${utf8Length(long)} bytes; file systems hold at most ${MAX_SEGMENT_BYTES} per name`;
  }
  return undefined;
}

/**
 * Checks a path inside a repo given by the caller and returns it, or throws an
 * {@link InvalidInputError} naming `field`, the problem and the fix (see {@link pathInRepoProblem}).
 *
 * @example
 * checkPathInRepo("data/train.csv", "pathInRepo") // "data/train.csv"
 * checkPathInRepo("../x", "pathInRepo") // throws: contains '..'
 */
export function checkPathInRepo(path: unknown, field: string, mode: "new" | "existing" = "new"): string {
  const problem = pathInRepoProblem(path, mode);
  if (problem === undefined) return path as string;
  const shown = typeof path === "string" && path !== "" ? `"${printable(path)}" ` : "";
  throw new InvalidInputError(`${field}: ${shown}${problem}.`, { field });
}

/** A value safe to put in a message: control characters shown escaped, long values cut. */
export function printable(value: string, max = 200): string {
  const escaped = JSON.stringify(value).slice(1, -1);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}
