import type { HubClient, RepoId } from "@hfkit/http";
import type { CommitConcurrency, CommitProgressEvent } from "./types.js";

/** What every phase of one commit needs. Built per call: no state outlives it. */
export interface CommitContext {
  client: HubClient;
  repo: RepoId;
  /** Branch (or `refs/pr/N`) the commit goes to. */
  revision: string;
  /** Open a pull request (`?create_pr=1`). */
  createPr: boolean;
  /**
   * Leave `ref` out of LFS batch requests: clients do so for pull requests, so that users
   * without write access to the branch can still upload (hub-protocol.md 7.1).
   */
  omitRef: boolean;
  concurrency: CommitConcurrency;
  /** Offer Xet in LFS batches and upload through it when the Hub answers `xet`. */
  useXet: boolean;
  signal: AbortSignal;
  /** Publishes a progress event; `key` coalesces progress of the same thing. */
  emit: (event: CommitProgressEvent, key?: string) => void;
}

/** `?create_pr=1` on preupload and commit when opening a pull request. */
export function prQuery(ctx: CommitContext): Record<string, string> | undefined {
  return ctx.createPr ? { create_pr: "1" } : undefined;
}
