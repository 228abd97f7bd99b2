import { InvalidInputError } from "@hfkit/http";

/**
 * huggingface_hub's pattern semantics (utils/_paths.py filter_repo_objects), so that
 * `--include`, `--exclude` and `--delete` mean the same in hfkit (downloads and uploads) and in
 * `hf`: Python's `fnmatchcase`, where `*` also crosses `/` (`data/*.json` matches
 * `data/a/b.json`, `*.json` matches at any depth), `?` is one character, `[abc]` / `[!abc]`
 * are sets, a pattern without wildcards is one path, and a pattern ending in `/` matches a
 * folder's content.
 */
function toRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") source += ".*";
    else if (c === "?") source += ".";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end === -1) {
        source += "\\[";
        continue;
      }
      let set = pattern.slice(i + 1, end);
      const negate = set.startsWith("!");
      if (negate) set = set.slice(1);
      source += `[${negate ? "^" : ""}${set.replace(/\\/g, "\\\\").replace(/\^/g, "\\^")}]`;
      i = end;
    } else source += c.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s");
}

/** Glob patterns as options take them: one, several, or none. */
export type PathPatterns = string | readonly string[] | undefined;

/**
 * A test for repo paths (POSIX, relative to the repo or folder root) against `patterns`, or
 * undefined when there are none. Rejects empty patterns, naming `field`.
 *
 * @example
 * const isData = pathMatcher(["data/", "*.parquet"], "include");
 * isData?.("data/train/a.csv"); // true
 */
export function pathMatcher(
  patterns: PathPatterns,
  field = "patterns",
): ((path: string) => boolean) | undefined {
  if (patterns === undefined) return undefined;
  const list = typeof patterns === "string" ? [patterns] : patterns;
  if (!Array.isArray(list) || list.some((p) => typeof p !== "string" || p.trim() === "")) {
    throw new InvalidInputError(
      `${field}: give glob patterns as non-empty strings, e.g. ["*.json", "data/"].`,
      {
        field,
      },
    );
  }
  const regexps = list.map((p) => {
    const normalised = p.replace(/\\/g, "/").replace(/^\.\//, "");
    return toRegExp(normalised.endsWith("/") ? `${normalised}*` : normalised);
  });
  return (path) => regexps.some((r) => r.test(path));
}

/** A predicate keeping paths that match an include pattern (if any) and no exclude pattern. */
export function pathFilter(include: PathPatterns, exclude: PathPatterns): (path: string) => boolean {
  const allow = pathMatcher(include, "include");
  const deny = pathMatcher(exclude, "exclude");
  return (path) => (!allow || allow(path)) && !deny?.(path);
}
