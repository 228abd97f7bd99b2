import { EntryNotFoundError } from "@hfkit/http";
import { downloadFile, getPathsInfo } from "@hfkit/repo";
import type { CommitContext } from "./context.js";
import type { PlannedOp } from "./plan.js";

/**
 * Resolves `copy` operations given by source path: an LFS file becomes a reference to its
 * object (no bytes move); a regular file, which has no object to point at, is downloaded
 * and sent inline (as huggingface_hub does).
 */
export async function resolveCopies(ctx: CommitContext, ops: readonly PlannedOp[]): Promise<void> {
  const copies = ops.flatMap((op) => (op.kind === "copy" && op.from !== undefined ? [op] : []));
  if (copies.length === 0) return;
  const entries = await getPathsInfo(ctx.client, {
    repo: ctx.repo,
    paths: [...new Set(copies.map((c) => c.from!))],
    revision: ctx.revision,
    signal: ctx.signal,
  });
  const byPath = new Map(entries.map((e) => [e.path, e]));
  for (const copy of copies) {
    const entry = byPath.get(copy.from!);
    if (entry?.type !== "file") {
      throw new EntryNotFoundError(
        `${copy.field}.from: ${copy.from} is not a file at revision ${ctx.revision}; nothing to copy.`,
      );
    }
    if (entry.lfs) {
      copy.oid = entry.lfs.oid;
      copy.size = entry.lfs.size;
      continue;
    }
    // Through @hfkit/repo (ADR 0004), so the bytes are checked against their size and git blob id.
    const { bytes } = await downloadFile(ctx.client, {
      repo: ctx.repo,
      path: entry.path,
      revision: ctx.revision,
      to: "memory",
      signal: ctx.signal,
    });
    copy.content = bytes;
  }
}
