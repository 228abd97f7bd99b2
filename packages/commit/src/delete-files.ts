import { EntryNotFoundError, type HubClient, InvalidInputError } from "@hfkit/http";
import { drain } from "@hfkit/http/work";
import { listFiles, type PathPatterns, pathMatcher } from "@hfkit/repo";
import { checkTarget, contextFor, labelOf } from "./commit.js";
import { withEvents } from "./events.js";
import { runCommit } from "./pipeline.js";
import type { PlannedOp } from "./plan.js";
import type { CommitResult, CommitTargetOptions } from "./types.js";
import { checkFolderInRepo, checkMessage } from "./validate.js";

export interface DeleteFilesOptions extends CommitTargetOptions {
  /** Paths or globs, as in `uploadFolder`'s `delete`: `*.bin`, `data/*.csv`, `README.md`, `logs/`. */
  patterns: PathPatterns;
  /** The commit title. Default `Delete files with hfkit`. */
  message?: string;
}

export interface DeleteFilesResult extends CommitResult {
  /** Files and folders (ending in `/`) deleted by the commit. */
  deleted: string[];
}

/**
 * Deletes the files of a revision that match `patterns`, in one commit. A folder named
 * without wildcards (`logs/`) is deleted as a folder; the rest is matched file by file
 * against the tree. Throws `EntryNotFoundError` when nothing matches.
 *
 * @example
 * import { createHubClient } from "@hfkit/http";
 * import { deleteFiles } from "@hfkit/commit";
 *
 * const hub = createHubClient();
 * const { deleted } = await deleteFiles(hub, { repo: "me/my-model", patterns: ["*.bin", "checkpoints/"] });
 */
export async function deleteFiles(
  client: HubClient,
  options: DeleteFilesOptions,
): Promise<DeleteFilesResult> {
  const target = checkTarget(options);
  const message = checkMessage(options.message ?? "Delete files with hfkit");
  const list = typeof options.patterns === "string" ? [options.patterns] : (options.patterns ?? []);
  const matches = pathMatcher(list, "patterns");
  if (!matches || list.length === 0) {
    throw new InvalidInputError("patterns: give at least one path or glob.", { field: "patterns" });
  }
  const folders = list
    .filter((p) => p.endsWith("/") && !/[*?[]/.test(p))
    .map((p, i) => checkFolderInRepo(p.replace(/^\.\//, ""), `patterns[${i}]`, "existing"));
  return drain(
    withEvents(options.signal, labelOf(target), async (emit, signal) => {
      const ctx = contextFor(client, target, emit, signal);
      const ops: PlannedOp[] = [];
      const foldersFound = new Set<string>();
      for await (const entry of listFiles(client, {
        repo: target.repo,
        revision: target.revision,
        recursive: true,
        signal,
      })) {
        if (entry.type !== "file" || !matches(entry.path)) continue;
        const folder = folders.find((f) => entry.path.startsWith(f));
        if (folder) foldersFound.add(folder);
        else ops.push({ kind: "delete", path: entry.path, folder: false });
      }
      for (const folder of foldersFound) ops.push({ kind: "delete", path: folder, folder: true });
      if (ops.length === 0) {
        throw new EntryNotFoundError(
          `No file of ${labelOf(target).repo} at ${target.revision} matches ${list.join(", ")}; nothing to delete.`,
        );
      }
      const result = await runCommit(ctx, ops, {
        summary: message,
        description: target.description,
        parentCommit: target.parentCommit,
      });
      return { ...result, deleted: ops.map((op) => op.path) };
    }),
  );
}
