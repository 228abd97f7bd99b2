import type { HubClient } from "@hfkit/http";
import { base64Of, InvalidInputError } from "@hfkit/http";
import { drain } from "@hfkit/http/work";
import { checkTarget, contextFor, labelOf } from "./commit.js";
import { withEvents } from "./events.js";
import { addsOf, preuploadAndReport } from "./pipeline.js";
import { planOperations } from "./plan.js";
import { SAMPLE_BYTES } from "./preupload.js";
import { preuploadWhileHashing, transferFiles } from "./read-once.js";
import type { CommitAdd, CommitProgressEvent, CommitTargetOptions } from "./types.js";

export interface PreuploadFilesOptions extends Omit<CommitTargetOptions, "parentCommit" | "description"> {
  /** The files to upload, as `add` operations (`content`, `file` or `stream`). */
  operations: readonly CommitAdd[];
}

export interface PreuploadFilesResult {
  /**
   * One `add` per operation given, in the same order, that no longer needs its source: an LFS
   * file becomes `{ uploaded: { oid, size, sample } }` (its object is on the Hub; its local file
   * can be deleted), a regular file `{ content }` with its bytes in memory (regular files are
   * small: they travel inside the commit), a file `.gitignore` excludes is returned as given.
   * Pass them to `commit` (changing `path` is allowed): it sends no LFS bytes.
   */
  operations: CommitAdd[];
}

/**
 * Uploads the content of `add` operations without committing, yielding the same progress
 * events as `commitIter` up to the commit: asks the Hub how each path is stored (preupload),
 * hashes, and sends LFS objects through Git LFS or Xet, whichever the Hub offers, skipping
 * objects it already has. As `huggingface_hub.preupload_lfs_files`, so that files made one by
 * one (dataset shards, checkpoints) can leave the disk as soon as they are written and be
 * committed together later, from this process or another.
 *
 * @example
 * import { createHubClient } from "@hfkit/http";
 * import { commit, preuploadFiles } from "@hfkit/commit";
 *
 * const hub = createHubClient();
 * const repo = "datasets/me/reviews";
 * const { operations } = await preuploadFiles(hub, {
 *   repo,
 *   operations: [{ type: "add", path: "data/train-00000-of-00001.parquet", file: "./shard.parquet" }],
 * });
 * // ./shard.parquet may be deleted now; the commit sends no bytes for it.
 * await commit(hub, { repo, message: "Add the train split", operations });
 */
export async function* preuploadFilesIter(
  client: HubClient,
  options: PreuploadFilesOptions,
): AsyncGenerator<CommitProgressEvent, PreuploadFilesResult> {
  const target = checkTarget(options);
  const given = options.operations;
  const ops = await planOperations(given);
  ops.forEach((op, i) => {
    if (op.kind !== "add") {
      throw new InvalidInputError(
        `operations[${i}].type: only add operations have content to upload; commit deletions and copies with commit.`,
        { field: `operations[${i}].type` },
      );
    }
  });
  const adds = addsOf(ops);
  return yield* withEvents(options.signal, labelOf(target), async (emit, signal) => {
    const ctx = contextFor(client, target, emit, signal);
    await preuploadWhileHashing(ctx, adds, preuploadAndReport(ctx, adds));
    await transferFiles(ctx, adds);
    const operations = await Promise.all(
      adds.map(async (add, i): Promise<CommitAdd> => {
        if (add.ignored) return given[i]!;
        if (add.mode === "lfs") {
          const sample = add.source.size === 0 ? new Uint8Array() : await add.source.head(SAMPLE_BYTES);
          return {
            type: "add",
            path: add.path,
            uploaded: {
              oid: add.sha256!,
              size: add.source.size,
              sample: base64Of(sample),
            },
          };
        }
        return { type: "add", path: add.path, content: await add.source.all() };
      }),
    );
    return { operations };
  });
}

/** {@link preuploadFilesIter} without progress events. */
export function preuploadFiles(
  client: HubClient,
  options: PreuploadFilesOptions,
): Promise<PreuploadFilesResult> {
  return drain(preuploadFilesIter(client, options));
}
