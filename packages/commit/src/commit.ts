import { formatRepoId, type HubClient, InvalidInputError, parseRepoId, type RepoId } from "@hfkit/http";
import { drain } from "@hfkit/http/work";
import type { CommitContext } from "./context.js";
import { type Emit, withEvents } from "./events.js";
import { runCommit } from "./pipeline.js";
import { planOperations } from "./plan.js";
import type {
  CommitConcurrency,
  CommitOptions,
  CommitProgressEvent,
  CommitResult,
  CommitTargetOptions,
} from "./types.js";
import { checkConcurrency, checkMessage, checkParentCommit, checkRevision, checkUseXet } from "./validate.js";

/** Options of a commit target, checked. */
export interface Target {
  repo: RepoId;
  revision: string;
  createPr: boolean;
  parentCommit: string | undefined;
  description: string | undefined;
  concurrency: CommitConcurrency;
  useXet: boolean | undefined;
}

/** Checks the options every commit-making function shares; throws before any I/O. */
export function checkTarget(options: CommitTargetOptions): Target {
  if (typeof options !== "object" || options === null) {
    throw new InvalidInputError("options: pass an options object with at least repo.", { field: "options" });
  }
  if (options.description !== undefined && typeof options.description !== "string") {
    throw new InvalidInputError("description: give a string (or leave it out).", { field: "description" });
  }
  return {
    repo: parseRepoId(options.repo),
    revision: checkRevision(options.revision),
    createPr: options.createPr === true,
    parentCommit: checkParentCommit(options.parentCommit),
    description: options.description,
    concurrency: checkConcurrency(options.concurrency),
    useXet: checkUseXet(options.useXet),
  };
}

export function contextFor(
  client: HubClient,
  target: Target,
  emit: Emit,
  signal: AbortSignal,
): CommitContext {
  return {
    client,
    repo: target.repo,
    revision: target.revision,
    createPr: target.createPr,
    omitRef: target.createPr,
    concurrency: target.concurrency,
    // HF_HUB_DISABLE_XET turns Xet off unless the caller asks for it explicitly.
    useXet: target.useXet ?? !client.environment.disableXet,
    signal,
    emit,
  };
}

export function labelOf(target: Target): { repo: string; revision: string } {
  return { repo: formatRepoId(target.repo), revision: target.revision };
}

/**
 * Makes one commit, yielding progress events as it goes: `preupload-done`,
 * `file-hash-progress`, `file-skipped`, `lfs-object-skipped`, `lfs-upload-progress`,
 * `lfs-object-uploaded`, then `commit-created` (or `commit-skipped` when nothing changed).
 * Every operation is checked before anything is sent.
 *
 * @example
 * import { createHubClient } from "@hfkit/http";
 * import { commitIter } from "@hfkit/commit";
 *
 * const hub = createHubClient();
 * const run = commitIter(hub, {
 *   repo: "datasets/me/reviews",
 *   message: "Add training split",
 *   operations: [{ type: "add", path: "data/train.parquet", file: "./train.parquet" }],
 * });
 * for (let step = await run.next(); ; step = await run.next()) {
 *   if (step.done) {
 *     console.log(step.value.commitUrl);
 *     break;
 *   }
 *   if (step.value.type === "lfs-upload-progress") console.log(step.value.bytesUploaded);
 * }
 */
export async function* commitIter(
  client: HubClient,
  options: CommitOptions,
): AsyncGenerator<CommitProgressEvent, CommitResult> {
  const target = checkTarget(options);
  const message = checkMessage(options?.message);
  const ops = await planOperations(options.operations);
  if (ops.length === 0) {
    throw new InvalidInputError("operations: nothing to commit; add at least one operation.", {
      field: "operations",
    });
  }
  return yield* withEvents(options.signal, labelOf(target), (emit, signal) =>
    runCommit(contextFor(client, target, emit, signal), ops, {
      summary: message,
      description: target.description,
      parentCommit: target.parentCommit,
    }),
  );
}

/**
 * Makes one commit: adds (from memory, a local file or a stream), deletions, folder
 * deletions and copies of LFS files. Large files go through Git LFS (multipart when the Hub
 * asks), unchanged files are skipped, uploads retried. See {@link commitIter} for progress.
 *
 * @example
 * import { createHubClient } from "@hfkit/http";
 * import { commit } from "@hfkit/commit";
 *
 * const hub = createHubClient();
 * const { commitUrl } = await commit(hub, {
 *   repo: "me/my-model",
 *   message: "Upload weights",
 *   operations: [
 *     { type: "add", path: "model.safetensors", file: "./model.safetensors" },
 *     { type: "add", path: "README.md", content: "# My model\n" },
 *     { type: "delete", path: "old.bin" },
 *   ],
 * });
 */
export async function commit(client: HubClient, options: CommitOptions): Promise<CommitResult> {
  return drain(commitIter(client, options));
}
