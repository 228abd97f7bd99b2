import { InvalidInputError, isCommitId, revisionProblem } from "@hfkit/http";

// The Hub's special refs, as huggingface_hub matches them (hf_api.py SPECIAL_REFS_REVISION_REGEX).
const PULL_REQUEST_REF = /^refs\/pr\/(\d+)$/;
const CONVERT_REF = /^refs\/convert\/\w+$/;

/** What a revision string names. */
export type RevisionKind = "commit" | "pull-request" | "convert" | "branch-or-tag";

/**
 * Tells a commit id, a pull-request ref (`refs/pr/3`) and a conversion ref
 * (`refs/convert/parquet`) from a branch or tag name.
 *
 * @example
 * revisionKind("refs/pr/3") // "pull-request"
 * revisionKind("a".repeat(40)) // "commit"
 */
export function revisionKind(revision: string): RevisionKind {
  if (isCommitId(revision)) return "commit";
  if (PULL_REQUEST_REF.test(revision)) return "pull-request";
  if (CONVERT_REF.test(revision)) return "convert";
  return "branch-or-tag";
}

/**
 * The revision a pull request's commits live on: `refs/pr/{num}`. Commit there to add to the PR.
 *
 * @example
 * pullRequestRevision(3) // "refs/pr/3"
 */
export function pullRequestRevision(num: number): string {
  checkNumber(num, "num");
  return `refs/pr/${num}`;
}

/** The pull request number of a `refs/pr/{num}` revision, else undefined. */
export function pullRequestNumber(revision: string): number | undefined {
  const match = PULL_REQUEST_REF.exec(revision);
  return match ? Number(match[1]) : undefined;
}

export function checkNumber(num: number, field: string): void {
  if (!Number.isInteger(num) || num < 1) {
    throw new InvalidInputError(`${field}: a pull request number is a positive whole number, e.g. 3.`, {
      field,
    });
  }
}

/**
 * Rejects names the Hub refuses for new branches and tags, before any request: the shared
 * revision rule (git's ref-name rules), plus nothing under `refs/` (the Hub's own refs) and
 * nothing shaped like a commit id (which would shadow it).
 */
export function checkRefName(name: string, field: string): void {
  const problem =
    typeof name === "string" && name.startsWith("refs/")
      ? "starts with 'refs/', which the Hub keeps for pull requests and conversions"
      : typeof name === "string" && isCommitId(name)
        ? "looks like a commit id"
        : revisionProblem(name);
  if (problem !== undefined) {
    throw new InvalidInputError(
      `${field}: ${typeof name === "string" && name !== "" ? `"${name}" ` : ""}${problem}; use letters, digits, "-", "_", "." or "/" (e.g. "v1.0").`,
      { field },
    );
  }
}
