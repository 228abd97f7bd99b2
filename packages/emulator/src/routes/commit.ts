import { type Ctx, json, lfsObjectUrl, repoUrl } from "../core/context.js";
import { badRequest, EmulatorHttpError, revisionNotFound } from "../core/errors.js";
import { LIMITS } from "../core/limits.js";
import { gitBlobId, lfsPointer } from "../git/objects.js";
import { cardMetadataProblems } from "../model/card-metadata.js";
import { type CommitOp, parseJsonCommit, parseNdjsonCommit } from "../model/commit-payload.js";
import { lfsLineFor, lfsMatcher } from "../model/gitattributes.js";
import type { HubModel } from "../model/hub.js";
import type { FileEntry, Repo } from "../model/types.js";
import { assertCanCommit, isCreatePr, REGULAR_FILE_LIMIT } from "./preupload.js";

const stale = () =>
  new EmulatorHttpError(
    412,
    "PreconditionFailed",
    "The branch was updated since you opened this page. Please refresh and try again. (parentCommit is not the head of the branch)",
  );

/**
 * Like the Hub, an `lfsFile` whose path no `filter=lfs` rule covers is added to
 * `.gitattributes` in the same commit (hub-protocol.md 6.3), so that git clones agree.
 */
async function gitattributesFor(
  hub: HubModel,
  base: Map<string, FileEntry>,
  ops: CommitOp[],
): Promise<FileEntry | undefined> {
  const lfsPaths = ops.filter((op) => op.kind === "lfsFile").map((op) => op.path);
  if (!lfsPaths.length) return undefined;
  const own = ops.findLast((op) => op.path === ".gitattributes");
  let text = "";
  if (own?.kind === "file") text = own.content.toString("utf8");
  else if (!own) {
    const current = base.get(".gitattributes");
    if (current && !current.lfs)
      text = Buffer.from(await hub.storage.readBytes(`git/${current.oid}`)).toString("utf8");
  }
  const tracked = lfsMatcher(text);
  const missing = [...new Set(lfsPaths)].filter((path) => !tracked(path));
  if (!missing.length) return undefined;
  const prefix = text && !text.endsWith("\n") ? `${text}\n` : text;
  return hub.putRegular(Buffer.from(`${prefix}${missing.map(lfsLineFor).join("\n")}\n`));
}

/**
 * The paths of a tree being edited, sorted once, so that deleting a folder costs the size of
 * the folder rather than a scan of the whole repo per deletion (a commit may hold 25,000 of
 * them). Paths added by the commit itself are kept aside and scanned.
 */
class PathIndex {
  private readonly sorted: string[];
  private readonly added = new Set<string>();

  constructor(base: Map<string, FileEntry>) {
    this.sorted = [...base.keys()].sort();
  }

  add(path: string): void {
    this.added.add(path);
  }

  /** Paths under `prefix` (ending in "/") that `files` still holds. */
  under(prefix: string, files: Map<string, FileEntry>): string[] {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const found: string[] = [];
    for (let i = lo; i < this.sorted.length && this.sorted[i]!.startsWith(prefix); i++) {
      if (files.has(this.sorted[i]!)) found.push(this.sorted[i]!);
    }
    for (const path of this.added) if (path.startsWith(prefix) && files.has(path)) found.push(path);
    return found;
  }
}

function applyOps(
  repo: Repo,
  base: Map<string, FileEntry>,
  ops: CommitOp[],
  regular: Map<string, FileEntry>,
  gitattributes: FileEntry | undefined,
) {
  const files = new Map(base);
  const index = new PathIndex(base);
  for (const op of ops) {
    if (op.kind === "file") {
      files.set(op.path, regular.get(op.path)!);
      index.add(op.path);
    } else if (op.kind === "lfsFile") {
      const size = repo.lfs[op.oid]!;
      const pointer = Buffer.from(lfsPointer(op.oid, size));
      files.set(op.path, {
        oid: gitBlobId(pointer),
        size,
        lfs: { oid: op.oid, size, pointerSize: pointer.byteLength },
      });
      index.add(op.path);
    } else {
      const isFile = files.has(op.path);
      // A `deletedFile` naming a folder deletes the folder, as on the Hub (huggingface_hub's
      // `CommitOperationDelete` sends folders as `deletedFile` unless the path ends in "/").
      const under = op.folder === true || !isFile ? index.under(`${op.path}/`, files) : [];
      if ((op.folder === true && !under.length) || (!isFile && !under.length)) {
        throw new EmulatorHttpError(404, "EntryNotFound", `A file with this name doesn't exist: ${op.path}`);
      }
      if (op.folder !== true) files.delete(op.path);
      for (const p of under) files.delete(p);
    }
  }
  if (gitattributes) files.set(".gitattributes", gitattributes);
  for (const path of files.keys()) {
    for (let i = path.indexOf("/"); i !== -1; i = path.indexOf("/", i + 1)) {
      if (files.has(path.slice(0, i))) {
        throw badRequest(
          `Path conflict: ${path.slice(0, i)} is a file, so ${path} cannot be added under it`,
          "PathConflict",
        );
      }
    }
  }
  return files;
}

/**
 * `POST /api/{type}s/{repo}/commit/{rev}[?create_pr=1]`, NDJSON (or the legacy JSON form).
 * Everything is checked before anything becomes visible: unknown LFS oids, oversize regular
 * files, missing deletions and a stale `parentCommit` (412) leave the repo untouched.
 */
export async function commit(ctx: Ctx, repo: Repo, rev: string): Promise<Response> {
  const createPr = isCreatePr(ctx);
  const author = assertCanCommit(ctx, repo, createPr);
  const target = ctx.hub.resolve(repo, rev);
  // The Hub answers RevisionNotFound: a PR needs a branch to be opened against.
  if (createPr && target.branch === undefined) throw revisionNotFound(rev);
  if (target.branch === undefined && target.pr === undefined) {
    throw badRequest(
      `Cannot commit to ${rev}: only branches and refs/pr/* accept commits`,
      "InvalidRevision",
    );
  }
  const contentType = ctx.request.headers.get("content-type") ?? "";
  const payload = contentType.startsWith("application/json")
    ? parseJsonCommit(await ctx.body.json(LIMITS.commitBodyBytes))
    : await parseNdjsonCommit(ctx.body.lines(LIMITS.ndjsonLineBytes, LIMITS.commitBodyBytes));

  // Validate and store regular contents and check LFS objects before touching any ref.
  const regular = new Map<string, FileEntry>();
  for (const op of payload.ops) {
    if (op.kind === "file") {
      if (op.content.byteLength > REGULAR_FILE_LIMIT) {
        throw badRequest(
          `Your push was rejected because it contains files larger than 10 MiB (${op.path}). Please use https://git-lfs.github.com/ to store large files.`,
          "FileTooLarge",
        );
      }
      if (op.path === "README.md") {
        const problems = cardMetadataProblems(op.content.toString("utf8"));
        if (problems.length > 0)
          throw badRequest(`Invalid metadata in README.md: ${problems.join("; ")}`, "InvalidMetadata");
      }
      regular.set(op.path, await ctx.hub.putRegular(op.content));
    } else if (op.kind === "lfsFile") {
      const known = repo.lfs[op.oid];
      // Uploaded through LFS (a blob) or through Xet (a file registered by a shard).
      if (known === undefined || !(await lfsObjectUrl(ctx, repo, op.oid))) {
        throw badRequest(
          `Your push was rejected because an LFS pointer pointed to a file that does not exist. Offending file: ${op.path} (oid ${op.oid}). Upload it through the LFS batch API (or Xet) first.`,
          "LfsObjectNotFound",
        );
      }
      if (op.size !== undefined && op.size !== known) {
        throw badRequest(
          `lfsFile ${op.path}: size ${op.size} does not match the uploaded object (${known} bytes)`,
        );
      }
    }
  }

  const { header } = payload;
  const parentArg = header.parentCommit ?? undefined;
  const baseOf = () => {
    const at = ctx.hub.resolve(repo, rev);
    if (createPr && parentArg) {
      const base = ctx.hub.tryResolve(repo, parentArg);
      if (!base) throw revisionNotFound(parentArg);
      return { current: at, parent: base.commit };
    }
    return { current: at, parent: at.commit };
  };
  // The .gitattributes update needs a storage read; redo it if the branch moved meanwhile.
  let gitattributes: FileEntry | undefined;
  for (let base = baseOf(); ; ) {
    gitattributes = await gitattributesFor(ctx.hub, ctx.hub.files(base.parent), payload.ops);
    const again = baseOf();
    if (again.parent.id === base.parent.id) break;
    base = again;
  }

  // From here on, no await until the ref moves: check-and-set is atomic.
  const { current, parent } = baseOf();
  if (!createPr && parentArg && !current.commit.id.startsWith(parentArg)) throw stale();
  const pr = current.pr === undefined ? undefined : repo.discussions.find((d) => d.num === current.pr)!;
  if (pr && (pr.status === "merged" || pr.status === "closed")) {
    throw new EmulatorHttpError(
      403,
      "Forbidden",
      `Pull request #${pr.num} is ${pr.status}; reopen it to push`,
    );
  }
  const files = applyOps(repo, ctx.hub.files(parent), payload.ops, regular, gitattributes);
  // Validated: the changes below all go through the model, persisted by the core once this returns.
  const created = ctx.hub.addCommit(repo, {
    parents: [parent.id],
    files,
    title: header.summary,
    ...(header.description ? { description: header.description } : {}),
    author,
  });
  const now = ctx.hub.now();
  const commitEvent = (num: number) => ({
    id: `${created.id.slice(0, 24)}`,
    type: "commit" as const,
    createdAt: now,
    author,
    data: { subject: header.summary, oid: created.id, num },
  });
  let pullRequestUrl: string | undefined;
  if (createPr) {
    const num = repo.discussions.length + 1;
    ctx.hub.addDiscussion(repo, {
      num,
      title: header.summary,
      isPullRequest: true,
      status: "open",
      author,
      createdAt: now,
      events: [commitEvent(num)],
      baseBranch: current.branch!,
      base: parent.id,
      head: created.id,
    });
    pullRequestUrl = `${repoUrl(ctx, repo)}/discussions/${num}`;
  } else if (pr) {
    ctx.hub.updateDiscussion(repo, pr.num, [commitEvent(pr.num)], { head: created.id });
  } else {
    ctx.hub.setBranch(repo, current.branch!, created.id);
  }
  return json({
    success: true,
    commitOid: created.id,
    commitUrl: `${repoUrl(ctx, repo)}/commit/${created.id}`,
    hookOutput: "",
    ...(pullRequestUrl ? { pullRequestUrl } : {}),
  });
}
