import { badRequest, EmulatorHttpError } from "../core/errors.js";

/**
 * Name rules the Hub enforces (and that huggingface_hub checks client-side in
 * `utils/_validators.py`, whose pattern wraps the name in `\b`): repo names and namespaces
 * are letters, digits, `-`, `_`, `.`, at most 96 characters, without `--` or `..`, starting
 * and ending with a word character, so `_` may start or end a name (`__DUMMY_HUB_USER__`,
 * huggingface_hub's own CI user) but `-` and `.` may not.
 */
const REPO_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?$/;

export function assertRepoName(value: string, field: string): void {
  if (!REPO_NAME.test(value) || value.includes("--") || value.includes("..")) {
    throw badRequest(
      `Invalid ${field} "${value}": use letters, digits, "-", "_" and "." (at most 96 characters, no "--" or "..", not starting or ending with "-" or ".")`,
      "InvalidRepoName",
    );
  }
}

/** Paths inside a repo: relative, no `.`/`..` segments, nothing under `.git/`. */
export function assertPathInRepo(path: unknown, field = "path"): asserts path is string {
  if (typeof path !== "string" || path === "")
    throw badRequest(`${field} must be a non-empty string`, "InvalidPath");
  const problem = path.startsWith("/")
    ? "must not start with '/'"
    : path.endsWith("/")
      ? "must not end with '/'"
      : path.split("/").some((s) => s === "" || s === ".")
        ? "must not contain empty or '.' segments"
        : path === ".git" || path.startsWith(".git/")
          ? "must not be inside .git/"
          : path.length > 1000
            ? "must be at most 1000 characters"
            : /[\0\r\n]/.test(path)
              ? "must not contain NUL or line breaks"
              : undefined;
  if (problem) throw badRequest(`Invalid ${field} "${path}": ${problem}`, "InvalidPath");
  // The Hub answers 422 to a `..` segment and to a path that starts by climbing out in
  // Windows form (`..\ddd`: huggingface_hub's test_create_file_with_relative_path), but
  // stores `folder/..\..\..\file` (its TestHfHubDownloadRelativePaths uploads that name so
  // that the client's download-side check can be tested): backslashes further in are not
  // separators to it.
  if (path.split("/").includes("..") || /^\.\.(\\|$)/.test(path)) {
    throw new EmulatorHttpError(
      422,
      "InvalidPath",
      `Invalid ${field} "${path}": must not contain '..' segments`,
    );
  }
}

/** Branch and tag names, following git's `check-ref-format` rules the Hub applies. */
export function assertRefName(name: string, kind: "branch" | "tag"): void {
  const bad =
    !name ||
    name.startsWith("refs/") ||
    name.startsWith("/") ||
    name.endsWith("/") ||
    name.endsWith(".lock") ||
    name.endsWith(".") ||
    name.includes("..") ||
    name.includes("//") ||
    name.includes("@{") ||
    name === "HEAD" ||
    /^[0-9a-f]{40}$/.test(name) ||
    /[\0- ~^:?*[\\\x7f]/.test(name) ||
    name.split("/").some((s) => s.startsWith("."));
  if (bad) throw badRequest(`Invalid ${kind} name "${name}"`, "InvalidRefName");
}
