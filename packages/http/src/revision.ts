import { InvalidInputError } from "./errors.js";
import { printable } from "./path-in-repo.js";

/**
 * What is wrong with `revision` as a branch, tag, commit or `refs/pr/N`, or `undefined`.
 * Branches and tags are git refs, so git's `check-ref-format` rules bound every revision the
 * Hub can resolve: no `..`, no empty or dot-led segment, no space, control character or
 * `~ ^ : ? * [ \`, no `@{`, not ending with `/`, `.` or `.lock`. A revision that breaks them
 * can name nothing, and `..` would climb out of the URL or the cache's `refs/` folder.
 */
export function revisionProblem(revision: unknown): string | undefined {
  if (typeof revision !== "string" || revision === "")
    return 'is empty; give a branch, tag or commit, e.g. "main"';
  if (revision.length > 256) return "is longer than 256 characters";
  if (revision.includes("..")) return "contains '..', which no branch, tag or commit can";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(revision)) {
    return "contains a space, a control character or one of ~ ^ : ? * [ \\, which git refuses in ref names";
  }
  if (revision.includes("@{") || revision === "@") return "contains '@{', which git refuses in ref names";
  if (revision.split("/").some((s) => s === "" || s.startsWith("."))) {
    return "has an empty segment or one starting with '.'; write it as a/b";
  }
  if (revision.endsWith(".lock") || revision.endsWith("."))
    return "ends with '.lock' or '.', which git refuses";
  return undefined;
}

/**
 * Checks a revision given by the caller (default `main` when undefined) and returns it, or
 * throws an {@link InvalidInputError} naming `field` before any request is built.
 *
 * @example
 * checkRevision("refs/pr/3") // "refs/pr/3"
 * checkRevision("..") // throws: revision: ".." contains '..'…
 */
export function checkRevision(revision: unknown, field = "revision"): string {
  if (revision === undefined) return "main";
  const problem = revisionProblem(revision);
  if (problem === undefined) return revision as string;
  const shown = typeof revision === "string" && revision !== "" ? `"${printable(revision)}" ` : "";
  throw new InvalidInputError(`${field}: ${shown}${problem}.`, { field });
}
