import { EntryNotFoundError, type HubErrorDetails } from "@hfkit/http";

export interface LocalEntryNotFoundDetails {
  /** `datasets/acme/reviews` form. */
  repo: string;
  revision: string;
  /** The file (or, for a whole snapshot, undefined). */
  path: string | undefined;
  /** The cache folder (or local folder) that was searched. */
  cacheDir: string;
  /** `not-cached`: never downloaded; `known-missing`: the Hub said the file does not exist. */
  reason: "not-cached" | "known-missing";
}

/**
 * A file (or snapshot) that is not on disk while the network may not be used
 * (`HF_HUB_OFFLINE=1`, `localFilesOnly`) or cannot be reached. Named after huggingface_hub's
 * error with the same role; it is an `EntryNotFoundError`, so existing checks still match.
 */
export class LocalEntryNotFoundError extends EntryNotFoundError {
  static override readonly errorName: string = "LocalEntryNotFoundError";
  readonly repo: string;
  readonly revision: string;
  readonly path: string | undefined;
  readonly cacheDir: string;
  readonly reason: LocalEntryNotFoundDetails["reason"];

  constructor(message: string, options: HubErrorDetails & LocalEntryNotFoundDetails) {
    super(message, options);
    this.repo = options.repo;
    this.revision = options.revision;
    this.path = options.path;
    this.cacheDir = options.cacheDir;
    this.reason = options.reason;
  }
}

/** Builds the error with a message that names what is missing, where it was looked for, and the fix. */
export function localEntryNotFound(
  details: LocalEntryNotFoundDetails,
  why: "offline" | "local-files-only" | "unreachable",
  cause?: unknown,
): LocalEntryNotFoundError {
  const what = details.path === undefined ? "A snapshot" : `"${details.path}"`;
  const state =
    details.reason === "known-missing"
      ? "does not exist (the Hub said so earlier, and the answer is cached)"
      : `is not in ${details.cacheDir}`;
  const access = why === "unreachable" ? "the Hub cannot be reached" : "network access is off";
  const fix =
    why === "offline"
      ? "Download it once with the network on, or unset HF_HUB_OFFLINE."
      : why === "local-files-only"
        ? "Download it once without localFilesOnly."
        : `Check the connection and try again${cause instanceof Error ? ` (${cause.message})` : ""}.`;
  return new LocalEntryNotFoundError(
    `${what} of ${details.repo} at revision "${details.revision}" ${state}, and ${access}. ${fix}`,
    { ...details, cause },
  );
}
