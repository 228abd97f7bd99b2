import { revisionNotFound } from "../core/errors.js";
import type { Commit, Repo } from "./types.js";

export interface ResolvedRevision {
  commit: Commit;
  /** Set when the revision named a branch (commits may only be pushed to branches and PR refs). */
  branch?: string;
  /** Set when the revision is `refs/pr/<n>`. */
  pr?: number;
}

const PR_REF = /^refs\/pr\/(\d+)$/;

/** A branch, tag, `refs/...` name, `HEAD`, or a (short) commit id; `undefined` when none. */
export function tryResolveRevision(repo: Repo, rev: string): ResolvedRevision | undefined {
  const name = rev === "HEAD" ? "main" : rev.replace(/^refs\/heads\//, "");
  const branch = repo.branches[name];
  if (branch) return { commit: repo.commits[branch]!, branch: name };
  const tag = repo.tags[rev.replace(/^refs\/tags\//, "")];
  if (tag) return { commit: repo.commits[tag.commit]! };
  const pr = PR_REF.exec(rev);
  if (pr) {
    const discussion = repo.discussions.find((d) => d.num === Number(pr[1]) && d.isPullRequest);
    if (discussion?.head) return { commit: repo.commits[discussion.head]!, pr: discussion.num };
    return undefined;
  }
  if (/^[0-9a-f]{40}$/.test(rev)) {
    const commit = repo.commits[rev];
    return commit ? { commit } : undefined;
  }
  if (/^[0-9a-f]{7,39}$/.test(rev)) {
    const matches = Object.keys(repo.commits).filter((id) => id.startsWith(rev));
    if (matches.length === 1) return { commit: repo.commits[matches[0]!]! };
  }
  return undefined;
}

/**
 * Splits `rev/path/...` segments where the revision itself may contain raw slashes
 * (`feature/x`, `refs/pr/1`: JS sends tree and commits revisions unencoded). The longest
 * prefix that names a revision wins.
 */
export function splitRevision(
  repo: Repo,
  segments: string[],
  minPathSegments: number,
): { rev: string; path: string } {
  for (let k = segments.length - minPathSegments; k >= 1; k--) {
    const rev = segments.slice(0, k).join("/");
    if (tryResolveRevision(repo, rev)) return { rev, path: segments.slice(k).join("/") };
  }
  throw revisionNotFound(segments[0] ?? "");
}
