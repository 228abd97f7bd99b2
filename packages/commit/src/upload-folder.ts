import { EntryNotFoundError, type HubClient, InvalidInputError } from "@hfkit/http";
import { drain } from "@hfkit/http/work";
import { listFiles, type PathPatterns, pathMatcher } from "@hfkit/repo";
import { checkTarget, contextFor, labelOf } from "./commit.js";
import { type CommitHeader, commitLines } from "./commit-payload.js";
import type { CommitContext } from "./context.js";
import { withEvents } from "./events.js";
import { fileSource } from "./file-source.js";
import { checkUnchanged, hashFiles, needsHash } from "./hashing.js";
import { aheadFits, LinesAhead, linesThen } from "./lines-ahead.js";
import { commitUrlOf, headOf, preuploadAndReport, runCommit } from "./pipeline.js";
import type { PlannedAdd, PlannedOp } from "./plan.js";
import { preuploadWhileHashing } from "./read-once.js";
import { type CommitSplit, DEFAULT_COMMIT_SPLIT, splitIntoCommits } from "./split.js";
import type { CommitProgressEvent, CommitResult, CommitTargetOptions } from "./types.js";
import { checkFolderInRepo, checkMessage, checkPathInRepo } from "./validate.js";
import { verifyUpload } from "./verify.js";
import { type ExternalLinks, walkFolder } from "./walk.js";

export interface UploadFolderOptions extends CommitTargetOptions, Partial<CommitSplit> {
  /** The local folder to upload. */
  folder: string;
  /** Folder in the repo to upload into. Default: the repo root. */
  pathInRepo?: string;
  /** Only upload files matching these globs (relative to `folder`; `*.json` matches at any depth). */
  include?: PathPatterns;
  /** Skip files matching these globs. */
  exclude?: PathPatterns;
  /** Delete remote files under `pathInRepo` matching these globs, unless uploaded now. */
  delete?: PathPatterns;
  /** The commit title; `(part i of n)` is added when the upload takes several commits. */
  message?: string;
  /** After the last commit, check through paths-info that every file is there with its size and oid. */
  verify?: boolean;
  /**
   * Upload the targets of symbolic links that lead out of `folder`. Default false: such links
   * are left out (a `file-skipped` event with reason `external-symlink` names each), so that a
   * link such as `config.json -> ~/.ssh/id_rsa` never publishes what it points at.
   */
  followExternalSymlinks?: boolean;
}

export interface UploadFolderResult extends CommitResult {
  /** Every commit made, in order (several when the folder was split). */
  commits: CommitResult[];
  /** Symbolic links left out because they lead out of the folder: path in the repo, and target. */
  refusedSymlinks: { path: string; target: string }[];
}

function checkLimit(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidInputError(`${field}: ${String(value)} is not allowed; give a positive whole number.`, {
      field,
    });
  }
  return value;
}

/** Remote files under the target folder that match `delete` and are not being uploaded. */
async function deletions(
  ctx: CommitContext,
  prefix: string,
  matches: ((path: string) => boolean) | undefined,
  adds: readonly PlannedAdd[],
): Promise<PlannedOp[]> {
  if (!matches) return [];
  const uploading = new Set(adds.map((a) => a.path));
  const out: PlannedOp[] = [];
  try {
    const entries = listFiles(ctx.client, {
      repo: ctx.repo,
      revision: ctx.revision,
      recursive: true,
      signal: ctx.signal,
      ...(prefix ? { path: prefix } : {}),
    });
    for await (const entry of entries) {
      // The root .gitattributes holds the LFS rules: a broad pattern must not remove it (huggingface_hub does the same).
      if (entry.type !== "file" || uploading.has(entry.path) || entry.path === ".gitattributes") continue;
      if (matches(entry.path.slice(prefix.length)))
        out.push({ kind: "delete", path: entry.path, folder: false });
    }
  } catch (error) {
    if (!EntryNotFoundError.isInstance(error)) throw error; // the folder does not exist yet
  }
  return out;
}

/** `refs/pr/N` from a pull request URL ending in `/discussions/N`. */
function prRef(url: string | undefined): string | undefined {
  const n = url?.match(/\/discussions\/(\d+)\/?$/)?.[1];
  return n ? `refs/pr/${n}` : undefined;
}

/**
 * Uploads a local folder, yielding progress events (see `commitIter`) plus
 * `commit-part-started` for each commit of a split upload.
 *
 * Resumable per whole file: run it again after a crash or an error and it skips the files
 * the revision already has (preupload reports their oids) and the LFS objects the Hub already
 * stores. A large file whose multipart upload was killed midway is sent again from its first
 * part (the Hub does not report the parts it received).
 *
 * @example
 * import { createHubClient } from "@hfkit/http";
 * import { uploadFolderIter } from "@hfkit/commit";
 *
 * const hub = createHubClient();
 * for await (const event of uploadFolderIter(hub, { repo: "datasets/me/images", folder: "./images" })) {
 *   if (event.type === "commit-created") console.log(event.commitUrl);
 * }
 */
export async function* uploadFolderIter(
  client: HubClient,
  options: UploadFolderOptions,
): AsyncGenerator<CommitProgressEvent, UploadFolderResult> {
  const target = checkTarget(options);
  const message = checkMessage(options.message ?? "Upload folder with hfkit");
  const prefix = options.pathInRepo ? checkFolderInRepo(options.pathInRepo, "pathInRepo") : "";
  const include = pathMatcher(options.include, "include");
  const exclude = pathMatcher(options.exclude, "exclude");
  const remove = pathMatcher(options.delete, "delete");
  const split: CommitSplit = {
    maxFilesPerCommit: checkLimit(
      options.maxFilesPerCommit,
      DEFAULT_COMMIT_SPLIT.maxFilesPerCommit,
      "maxFilesPerCommit",
    ),
    maxRegularBytesPerCommit: checkLimit(
      options.maxRegularBytesPerCommit,
      DEFAULT_COMMIT_SPLIT.maxRegularBytesPerCommit,
      "maxRegularBytesPerCommit",
    ),
  };
  if (typeof options.folder !== "string" || options.folder === "") {
    throw new InvalidInputError("folder: give the path of a local folder.", { field: "folder" });
  }
  const links: ExternalLinks = { follow: options.followExternalSymlinks === true, refused: [] };
  const local = await walkFolder(options.folder, (p) => (include?.(p) ?? true) && !exclude?.(p), links);
  const refusedSymlinks = links.refused.map((l) => ({ path: prefix + l.relative, target: l.target }));
  if (local.length === 0 && !remove) {
    const links = refusedSymlinks.length
      ? `; ${refusedSymlinks.length} symbolic link(s) leading out of it were left out (followExternalSymlinks uploads their targets)`
      : "";
    throw new InvalidInputError(
      `folder: nothing to upload from ${options.folder} (check include/exclude)${links}.`,
      { field: "folder" },
    );
  }
  // Small files are read once, with their preupload sample, and kept for the commit
  // (fileSource): 32 MiB at most at a time.
  const keep = { left: 32 << 20 };
  const adds: PlannedAdd[] = local.map((f) => {
    const field = `folder (${f.relative})`;
    return {
      kind: "add",
      path: checkPathInRepo(prefix + f.relative, field),
      source: fileSource(f.absolute, f.size, field, keep),
      field,
    };
  });

  return yield* withEvents(options.signal, labelOf(target), async (emit, signal) => {
    const base = contextFor(client, target, emit, signal);
    for (const link of refusedSymlinks) {
      emit({ type: "file-skipped", path: link.path, reason: "external-symlink", target: link.target });
    }
    const [head, removals] = await preuploadWhileHashing(
      base,
      adds,
      Promise.all([preuploadAndReport(base, adds), deletions(base, prefix, remove, adds)]),
    );
    // What the revision already holds is skipped: this is what makes a re-run resume.
    const active = adds.filter((a) => !a.ignored);
    await hashFiles(
      base,
      active.filter((a) => a.remoteOid !== undefined && needsHash(a)),
      signal,
    );
    for (const file of active) checkUnchanged(base, file); // those hashed during the preupload
    const changed = active.filter((a) => !a.unchanged);
    const parts = splitIntoCommits(changed, removals, split);
    const commits: CommitResult[] = [];
    let ctx = base;
    const headerOf = (i: number): CommitHeader => ({
      summary: parts.length > 1 ? `${message} (part ${i + 1} of ${parts.length})` : message,
      description: target.description,
      parentCommit: i === 0 ? target.parentCommit : undefined,
    });
    let ahead: LinesAhead | undefined;
    for (const [i, ops] of parts.entries()) {
      emit({ type: "commit-part-started", part: i + 1, parts: parts.length, files: ops.length });
      const header = headerOf(i);
      const following = parts[i + 1];
      const next = following && aheadFits(following) ? new LinesAhead(headerOf(i + 1), following) : undefined;
      // The next part's lines are made once this one's body is out, while the Hub applies it.
      const lines = linesThen(ahead ?? commitLines(header, ops), () => next?.start());
      const result = await runCommit(ctx, ops, { ...header, lines }, head);
      ahead = next;
      commits.push(result);
      // Later parts go to the pull request the first one opened, instead of opening more.
      const ref = ctx.createPr ? prRef(result.pullRequestUrl) : undefined;
      if (ref) ctx = { ...ctx, revision: ref, createPr: false };
    }
    let last: CommitResult;
    if (commits.length > 0) {
      last = commits.at(-1)!;
      const pullRequestUrl = commits.find((c) => c.pullRequestUrl)?.pullRequestUrl;
      if (pullRequestUrl) last = { ...last, pullRequestUrl };
    } else {
      const commitOid = head ?? (await headOf(base));
      emit({ type: "commit-skipped", commitOid });
      last = { commitOid, commitUrl: commitUrlOf(base, commitOid), created: false };
    }
    if (options.verify) {
      emit({ type: "verify-done", files: await verifyUpload(base, adds, last.commitOid) });
    }
    return { ...last, created: commits.some((c) => c.created), commits, refusedSymlinks };
  });
}

/**
 * Uploads a local folder: include/exclude globs, optional deletion of remote files, large
 * folders split into several commits (`maxFilesPerCommit`, `maxRegularBytesPerCommit`),
 * unchanged files skipped, resumable after a crash.
 *
 * @example
 * import { createHubClient } from "@hfkit/http";
 * import { uploadFolder } from "@hfkit/commit";
 *
 * const hub = createHubClient();
 * const result = await uploadFolder(hub, {
 *   repo: "me/my-model",
 *   folder: "./checkpoint",
 *   exclude: ["*.tmp", "logs/"],
 *   delete: ["*.bin"], // replace old .bin weights
 * });
 * console.log(result.commits.length, result.commitUrl);
 */
export async function uploadFolder(
  client: HubClient,
  options: UploadFolderOptions,
): Promise<UploadFolderResult> {
  return drain(uploadFolderIter(client, options));
}
