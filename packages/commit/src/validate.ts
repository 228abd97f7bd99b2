import { checkPathInRepo, InvalidInputError } from "@hfkit/http";
import { type CommitConcurrency, DEFAULT_COMMIT_CONCURRENCY } from "./concurrency.js";

// One path rule for uploads and downloads, and one revision rule, shared through @hfkit/http.
export { checkPathInRepo, checkRevision } from "@hfkit/http";

/** The folder form of a path: no trailing `/` while checking, one when sent to the Hub. */
export function checkFolderInRepo(path: unknown, field: string, mode: "new" | "existing" = "new"): string {
  const bare = typeof path === "string" ? path.replace(/\/+$/, "") : path;
  return `${checkPathInRepo(bare, field, mode)}/`;
}

export function checkMessage(message: unknown, field = "message"): string {
  if (typeof message !== "string" || message.trim() === "") {
    throw new InvalidInputError(`${field}: a commit title is required, e.g. "Upload model weights".`, {
      field,
    });
  }
  return message;
}

export function checkParentCommit(parent: unknown): string | undefined {
  if (parent === undefined) return undefined;
  if (typeof parent !== "string" || !/^[0-9a-f]{5,40}$/.test(parent)) {
    throw new InvalidInputError(
      `parentCommit: "${String(parent)}" is not a commit id; give 5 to 40 lowercase hex characters (the head commit you built on).`,
      { field: "parentCommit" },
    );
  }
  return parent;
}

export function checkConcurrency(overrides: Partial<CommitConcurrency> | undefined): CommitConcurrency {
  const merged = { ...DEFAULT_COMMIT_CONCURRENCY, ...overrides };
  for (const [key, value] of Object.entries(merged)) {
    const min = key === "hashWorkers" ? 0 : 1;
    if (!Number.isInteger(value) || value < min) {
      throw new InvalidInputError(
        `concurrency.${key}: ${String(value)} is not allowed; give an integer of at least ${min}.`,
        { field: `concurrency.${key}` },
      );
    }
  }
  return merged;
}

export function checkNonNegativeInteger(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidInputError(`${field}: ${String(value)} is not a size; give a whole number of bytes.`, {
      field,
    });
  }
  return value;
}

export function checkUseXet(value: unknown): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  throw new InvalidInputError(
    `useXet: ${String(value)} is not allowed; give true or false (or leave it out to follow the Hub).`,
    { field: "useXet" },
  );
}
