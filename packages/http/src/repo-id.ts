import { InvalidInputError } from "./errors.js";
import { checkPathInRepo } from "./path-in-repo.js";
import { checkRevision } from "./revision.js";

/** The three kinds of Hub repositories. */
export type RepoType = "model" | "dataset" | "space";

/** A repository on the Hub: its type and its `namespace/name` (or a legacy bare `name`). */
export interface RepoId {
  type: RepoType;
  name: string;
}

/** What every operation accepts for `repo`: `"ns/name"` (a model), `"datasets/ns/name"`, or an object. */
export type RepoDesignation = string | RepoId;

const TYPE_PREFIXES: Record<string, RepoType> = {
  models: "model",
  datasets: "dataset",
  spaces: "space",
};

const PLURAL: Record<RepoType, string> = { model: "models", dataset: "datasets", space: "spaces" };

// The Hub's naming rule for namespaces and repo names: letters, digits, "-", "_", ".";
// no "--" or ".." and no leading/trailing "-" or "." (huggingface_hub validate_repo_id).
const NAME_PART = /^[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?$/;

function checkPart(part: string, whole: string, field: string): void {
  if (!NAME_PART.test(part) || part.includes("--") || part.includes("..")) {
    throw new InvalidInputError(
      `${field}: "${whole}" is not a valid repo id. Use "namespace/name" with letters, digits, "-", "_" or "." ` +
        `(no "--" or "..", at most 96 characters per part), e.g. "my-org/my-dataset".`,
      { field },
    );
  }
}

/**
 * Parses a repo designation. `"datasets/org/name"` and `"spaces/org/name"` carry their type;
 * a plain `"org/name"` is a model unless `defaultType` says otherwise. Throws an
 * {@link InvalidInputError} naming `field` when the id is malformed.
 *
 * @example
 * parseRepoId("datasets/acme/reviews") // { type: "dataset", name: "acme/reviews" }
 * parseRepoId("acme/reviews", "dataset") // { type: "dataset", name: "acme/reviews" }
 */
export function parseRepoId(
  designation: RepoDesignation,
  defaultType: RepoType = "model",
  field = "repo",
): RepoId {
  if (typeof designation === "object" && designation !== null) {
    if (!(designation.type in PLURAL)) {
      throw new InvalidInputError(
        `${field}.type: "${designation.type}" must be "model", "dataset" or "space".`,
        {
          field: `${field}.type`,
        },
      );
    }
    return parseRepoId(designation.name, designation.type, `${field}.name`);
  }
  if (typeof designation !== "string" || designation.trim() === "") {
    throw new InvalidInputError(
      `${field}: a repo id is required, e.g. "my-org/my-model" or "datasets/my-org/my-data".`,
      {
        field,
      },
    );
  }
  let type = defaultType;
  let rest = designation.trim();
  // Never repaired silently: "alice/" trimmed to "alice" would name alice/alice (the Hub puts a
  // bare name in the caller's namespace), so a stray slash is an error that names the fix.
  checkShape(rest, designation, field);
  const slash = rest.indexOf("/");
  const head = slash === -1 ? "" : rest.slice(0, slash);
  if (head in TYPE_PREFIXES && rest.split("/").length === 3) {
    type = TYPE_PREFIXES[head]!;
    rest = rest.slice(slash + 1);
  }
  const parts = rest.split("/");
  if (parts.length > 2) {
    throw new InvalidInputError(
      `${field}: "${designation}" has too many "/". Use "namespace/name", optionally prefixed by "datasets/" or "spaces/".`,
      { field },
    );
  }
  for (const part of parts) checkPart(part, designation, field);
  return { type, name: parts.join("/") };
}

function checkShape(id: string, whole: string, field: string): void {
  const fail = (problem: string, fix: string) => {
    throw new InvalidInputError(`${field}: "${whole}" ${problem}; ${fix}.`, { field });
  };
  if (id.startsWith("/")) fail("starts with '/'", `drop it: "${id.replace(/^\/+/, "")}"`);
  if (id.endsWith("/")) fail("ends with '/'", `write the full id, e.g. "${id.replace(/\/+$/, "")}/my-repo"`);
  if (id.split("/").includes("")) fail("has an empty part", 'use "namespace/name" with one "/" between them');
  if (id.endsWith(".git")) fail("ends with '.git'", `drop the suffix: "${id.slice(0, -4)}"`);
}

/** `"datasets/org/name"` form, which round-trips through {@link parseRepoId}. */
export function formatRepoId(repo: RepoId): string {
  return repo.type === "model" ? repo.name : `${PLURAL[repo.type]}/${repo.name}`;
}

/** The plural type segment of API URLs: `models`, `datasets`, `spaces`. */
export function repoTypePlural(type: RepoType): string {
  return PLURAL[type];
}

function encodeRepoName(name: string): string {
  return name.split("/").map(encodeURIComponent).join("/");
}

/** `/api/{models|datasets|spaces}/{ns}/{name}`: the prefix of every repo API route. */
export function repoApiPath(repo: RepoId): string {
  return `/api/${PLURAL[repo.type]}/${encodeRepoName(repo.name)}`;
}

/** `/{ns}/{name}`, `/datasets/{ns}/{name}` or `/spaces/{ns}/{name}`: web, resolve and LFS routes. */
export function repoWebPath(repo: RepoId): string {
  return repo.type === "model"
    ? `/${encodeRepoName(repo.name)}`
    : `/${PLURAL[repo.type]}/${encodeRepoName(repo.name)}`;
}

/**
 * Encodes a revision as one path segment: `refs/pr/1` becomes `refs%2Fpr%2F1`, as the Hub
 * expects in every route that takes a revision. Throws an `InvalidInputError` for a revision
 * that {@link checkRevision} refuses (`..`, spaces…).
 */
export function encodeRevision(revision: string): string {
  // The last line of defence: no request is ever built with a revision such as "..".
  return encodeURIComponent(checkRevision(revision));
}

/**
 * Encodes a path inside a repo for `/resolve/` and `/tree/` URLs: `/` separates segments,
 * everything else (spaces, `#`, `?`, `%`, unicode) is percent-encoded. Throws an
 * `InvalidInputError` for a path that climbs out (`..`) or is empty.
 */
export function encodePathInRepo(path: string): string {
  // Like encodeRevision, the last line of defence: a ".." segment would climb out of the route.
  return checkPathInRepo(path, "path", "existing").split("/").map(encodeURIComponent).join("/");
}

/** A 40-hex commit id, as opposed to a branch or tag name. */
export function isCommitId(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}
