import { formatRepoId, InvalidResponseError, repoWebPath } from "@hfkit/http";
import { phase } from "@hfkit/http/work";
import { getRepoInfo } from "@hfkit/repo";
import type { CommitHeader } from "./commit-payload.js";
import type { CommitContext } from "./context.js";
import { resolveCopies } from "./copies.js";
import { createCommit } from "./create-commit.js";
import type { PlannedAdd, PlannedOp } from "./plan.js";
import { runPreupload } from "./preupload.js";
import { preuploadWhileHashing, transferFiles } from "./read-once.js";
import type { CommitResult } from "./types.js";

export function addsOf(ops: readonly PlannedOp[]): PlannedAdd[] {
  return ops.filter((op): op is PlannedAdd => op.kind === "add");
}

/** Preupload for the files that need it, then the events that report its answer. */
export async function preuploadAndReport(
  ctx: CommitContext,
  adds: readonly PlannedAdd[],
): Promise<string | undefined> {
  const asked = adds.filter((a) => a.mode === undefined);
  if (asked.length === 0) return undefined;
  const head = await phase("commit.preupload", { files: asked.length }, () => runPreupload(ctx, asked));
  const ignored = asked.filter((a) => a.ignored);
  const lfs = asked.filter((a) => a.mode === "lfs" && !a.ignored).length;
  ctx.emit({
    type: "preupload-done",
    files: asked.length,
    lfsFiles: lfs,
    regularFiles: asked.length - lfs - ignored.length,
    ignoredFiles: ignored.length,
  });
  for (const file of ignored) ctx.emit({ type: "file-skipped", path: file.path, reason: "ignored" });
  return head;
}

/** The head commit of the revision, when nothing else told us (no preupload was needed). */
export async function headOf(ctx: CommitContext): Promise<string> {
  const { repo, revision, signal } = ctx;
  const { sha } = await getRepoInfo(ctx.client, { repo, revision, expand: ["sha"], signal });
  if (!sha)
    throw new InvalidResponseError(`The Hub sent no commit for ${revision} of ${formatRepoId(repo)}.`);
  return sha;
}

export function commitUrlOf(ctx: CommitContext, oid: string): string {
  return `${ctx.client.endpoint}${repoWebPath(ctx.repo)}/commit/${oid}`;
}

/**
 * One commit, phase by phase: preupload and copy lookups, hashing and LFS uploads, then the
 * commit itself. When every file is unchanged and nothing is deleted or copied, no commit
 * is sent and the current head is returned (`created: false`).
 */
export async function runCommit(
  ctx: CommitContext,
  ops: readonly PlannedOp[],
  header: CommitHeader,
  knownHead?: string,
): Promise<CommitResult> {
  const adds = addsOf(ops);
  const [head] = await preuploadWhileHashing(
    ctx,
    adds,
    Promise.all([preuploadAndReport(ctx, adds), resolveCopies(ctx, ops)]),
  );
  await transferFiles(ctx, adds);
  const changes = ops.some((op) => op.kind !== "add" || (!op.ignored && !op.unchanged));
  if (!changes) {
    const commitOid = head ?? knownHead ?? (await headOf(ctx));
    ctx.emit({ type: "commit-skipped", commitOid });
    return { commitOid, commitUrl: commitUrlOf(ctx, commitOid), created: false };
  }
  const result = await phase("commit.create", { operations: ops.length }, () =>
    createCommit(ctx, header, ops),
  );
  ctx.emit({
    type: "commit-created",
    commitOid: result.commitOid,
    commitUrl: result.commitUrl,
    ...(result.pullRequestUrl ? { pullRequestUrl: result.pullRequestUrl } : {}),
  });
  return result;
}
