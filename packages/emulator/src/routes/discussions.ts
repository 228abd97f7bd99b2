import { randomBytes } from "node:crypto";
import { z } from "zod";
import { assertCanWrite, ownsNamespace, requireSignedIn } from "../core/auth.js";
import { type Ctx, json, repoUrl } from "../core/context.js";
import { badRequest, conflict, EmulatorHttpError, forbidden, notFound } from "../core/errors.js";
import { parseBody } from "../core/validate.js";
import { repoId } from "../model/hub.js";
import type {
  Discussion,
  DiscussionEvent,
  DiscussionRecord,
  FileEntry,
  Frozen,
  Repo,
} from "../model/types.js";

const PAGE = 50;

function summary(repo: Repo, d: Discussion) {
  return {
    num: d.num,
    title: d.title,
    status: d.status,
    isPullRequest: d.isPullRequest,
    createdAt: d.createdAt,
    author: { name: d.author, type: "user" },
    repo: { name: repoId(repo), type: repo.type },
    numComments: d.events.filter((e) => e.type === "comment").length,
    pinned: false,
    topReactions: [],
  };
}

function event(ctx: Ctx, type: DiscussionEvent["type"], data: Record<string, unknown>): DiscussionEvent {
  return {
    id: randomBytes(12).toString("hex"),
    type,
    createdAt: ctx.hub.now(),
    author: requireSignedIn(ctx.principal).user,
    data,
  };
}

/** A comment event; `latest.updatedAt` is read by huggingface_hub (`community.py`). */
function comment(ctx: Ctx, raw: string | null | undefined): DiscussionEvent {
  const now = ctx.hub.now();
  return event(ctx, "comment", {
    latest: { raw: raw ?? "", html: "", updatedAt: now },
    edited: false,
    hidden: false,
  });
}

function eventJson(e: Frozen<DiscussionEvent>) {
  return { ...e, author: { name: e.author, type: "user" } };
}

function find(repo: Repo, num: string | undefined): Discussion {
  const d = repo.discussions.find((x) => String(x.num) === num);
  if (!d) throw notFound(`Discussion #${num} not found`, "DiscussionNotFound");
  return d;
}

/** `GET /api/{type}s/{repo}/discussions?type=&status=&author=&p=`. */
export async function listDiscussions(ctx: Ctx, repo: Repo): Promise<Response> {
  const q = ctx.url.searchParams;
  const type = q.get("type") ?? "all";
  const status = q.get("status") ?? "all";
  const author = q.get("author");
  const all = [...repo.discussions]
    .reverse()
    .filter(
      (d) =>
        (type === "all" || (type === "pull_request") === d.isPullRequest) &&
        (status === "all" ||
          (status === "open"
            ? d.status === "open" || d.status === "draft"
            : d.status === "closed" || d.status === "merged")) &&
        (!author || d.author === author),
    );
  const p = Number(q.get("p") ?? "0");
  if (!Number.isInteger(p) || p < 0) throw badRequest("Invalid page number p");
  const size = ctx.options.pageSize ?? PAGE;
  return json({
    discussions: all.slice(p * size, (p + 1) * size).map((d) => summary(repo, d)),
    count: all.length,
    start: p * size,
    numClosedDiscussions: repo.discussions.filter((d) => d.status === "closed" || d.status === "merged")
      .length,
  });
}

const CreateBody = z.object({
  title: z.string().min(1),
  description: z.string().nullish(),
  pullRequest: z.boolean().nullish(),
});

/** `POST /api/{type}s/{repo}/discussions`: a PR opened this way starts as a draft on `refs/pr/N`. */
export async function createDiscussion(ctx: Ctx, repo: Repo): Promise<Response> {
  const body = parseBody(CreateBody, await ctx.body.json(), "discussion");
  if (repo.discussionsDisabled) throw forbidden("Discussions are disabled for this repo");
  const num = repo.discussions.length + 1;
  const base = repo.branches.main!;
  const d: DiscussionRecord = {
    num,
    title: body.title,
    isPullRequest: body.pullRequest ?? false,
    status: body.pullRequest ? "draft" : "open",
    author: requireSignedIn(ctx.principal).user,
    createdAt: ctx.hub.now(),
    events: [],
    ...(body.pullRequest ? { baseBranch: "main", base, head: base } : {}),
  };
  d.events.push(comment(ctx, body.description ?? ""));
  ctx.hub.addDiscussion(repo, d);
  return json({
    num,
    pullRequest: d.isPullRequest,
    url: `${repoUrl(ctx, repo)}/discussions/${num}`,
    ...(d.isPullRequest ? { references: { base: "refs/heads/main" } } : {}),
  });
}

/** `GET /api/{type}s/{repo}/discussions/{num}`. */
export async function getDiscussion(repo: Repo, num: string | undefined): Promise<Response> {
  const d = find(repo, num);
  return json({
    ...summary(repo, d),
    events: d.events.map(eventJson),
    ...(d.isPullRequest
      ? {
          changes: {
            base: `refs/heads/${d.baseBranch}`,
            ...(d.mergeCommitId ? { mergeCommitId: d.mergeCommitId } : {}),
          },
          filesWithConflicts: [],
        }
      : {}),
  });
}

/** Paths whose entry differs between two file maps. */
function changed(a: Map<string, FileEntry>, b: Map<string, FileEntry>): Set<string> {
  const out = new Set<string>();
  for (const [p, e] of a) if (b.get(p)?.oid !== e.oid) out.add(p);
  for (const p of b.keys()) if (!a.has(p)) out.add(p);
  return out;
}

/** Three-way merge at file level; a path changed differently on both sides is a conflict. */
function merge(ctx: Ctx, repo: Repo, d: Discussion): string {
  const hub = ctx.hub;
  const baseFiles = hub.files(repo.commits[d.base!]!);
  const target = repo.branches[d.baseBranch!];
  if (!target) throw conflict(`The PR's base branch ${d.baseBranch} no longer exists`);
  const ours = hub.files(repo.commits[target]!);
  const theirs = hub.files(repo.commits[d.head!]!);
  const ourChanges = changed(baseFiles, ours);
  const theirChanges = changed(baseFiles, theirs);
  const conflicts = [...theirChanges].filter(
    (p) => ourChanges.has(p) && ours.get(p)?.oid !== theirs.get(p)?.oid,
  );
  if (conflicts.length)
    throw conflict("This pull request has conflicts with its base branch", { filesWithConflicts: conflicts });
  const files = new Map(ours);
  for (const p of theirChanges) {
    const entry = theirs.get(p);
    if (entry) files.set(p, entry);
    else files.delete(p);
  }
  const commit = hub.addCommit(repo, {
    parents: [target, d.head!],
    files,
    title: `Merge refs/pr/${d.num}: ${d.title}`,
    author: requireSignedIn(ctx.principal).user,
  });
  hub.setBranch(repo, d.baseBranch!, commit.id);
  return commit.id;
}

const ActionBodies = {
  comment: z.object({ comment: z.string().min(1) }),
  status: z.object({ status: z.enum(["open", "closed"]), comment: z.string().nullish() }),
  title: z.object({ title: z.string().min(1) }),
  merge: z.object({ comment: z.string().nullish() }),
};

/** `POST /api/{type}s/{repo}/discussions/{num}/{comment|status|title|merge}`. */
export async function discussionAction(
  ctx: Ctx,
  repo: Repo,
  num: string | undefined,
  action: string,
): Promise<Response> {
  const who = requireSignedIn(ctx.principal);
  const d = find(repo, num);
  const schema = ActionBodies[action as keyof typeof ActionBodies];
  if (!schema) throw notFound(`Unknown discussion action ${action}`);
  const body = parseBody(
    schema as z.ZodType<Record<string, string | null | undefined>>,
    await ctx.body.json(),
    action,
  );
  const isAuthor = d.author === who.user;
  const canModerate = ownsNamespace(who, repo.namespace) && who.role === "write";
  const extra = body.comment && action !== "comment" ? [comment(ctx, body.comment)] : [];
  if (action === "comment") {
    const e = comment(ctx, body.comment);
    ctx.hub.updateDiscussion(repo, d.num, [e]);
    return json({ newMessage: eventJson(e) });
  }
  if (action === "title") {
    if (!isAuthor && !canModerate)
      throw forbidden("Only the author or a repo writer can rename a discussion");
    const e = event(ctx, "title-change", { from: d.title, to: body.title });
    ctx.hub.updateDiscussion(repo, d.num, [e], { title: body.title! });
    return json({ newTitle: eventJson(e) });
  }
  if (action === "status") {
    if (!isAuthor && !canModerate) throw forbidden("Only the author or a repo writer can change the status");
    if (d.status === "merged")
      throw new EmulatorHttpError(400, "BadRequest", "A merged pull request cannot change status");
    const status = body.status as "open" | "closed";
    const e = event(ctx, "status-change", { status });
    ctx.hub.updateDiscussion(repo, d.num, [...extra, e], { status });
    return json({ newStatus: eventJson(e) });
  }
  assertCanWrite(repo, ctx.principal);
  if (!d.isPullRequest) throw badRequest("Only pull requests can be merged");
  if (d.status !== "open" && d.status !== "draft") throw badRequest(`Pull request #${d.num} is ${d.status}`);
  // `merge` checks for conflicts before it commits anything.
  const mergeCommitId = merge(ctx, repo, d);
  ctx.hub.updateDiscussion(repo, d.num, [...extra, event(ctx, "status-change", { status: "merged" })], {
    status: "merged",
    mergeCommitId,
  });
  return json({ mergeCommitId });
}

const EditBody = z.object({ content: z.string().min(1) });

/**
 * `POST /api/{type}s/{repo}/discussions/{num}/comment/{id}/{edit|hide}` (huggingface_hub
 * `edit_discussion_comment` sends `{content}`, `hide_discussion_comment` no body; both read
 * `updatedComment`). Only the author edits; the author or a repo writer hides.
 */
export async function commentAction(
  ctx: Ctx,
  repo: Repo,
  num: string | undefined,
  commentId: string,
  action: string,
): Promise<Response> {
  const who = requireSignedIn(ctx.principal);
  const d = find(repo, num);
  const e = d.events.find((x) => x.id === commentId && x.type === "comment");
  if (!e) throw notFound(`Comment ${commentId} not found in discussion #${d.num}`, "CommentNotFound");
  const data = e.data as { latest: { raw: string; html: string; updatedAt: string }; hidden: boolean };
  let next: Record<string, unknown>;
  if (action === "edit") {
    const { content } = parseBody(EditBody, await ctx.body.json(), "comment edit");
    if (e.author !== who.user) throw forbidden("Only the author of a comment can edit it");
    if (data.hidden) throw forbidden("A hidden comment cannot be edited");
    next = { ...data, latest: { raw: content, html: "", updatedAt: ctx.hub.now() }, edited: true };
  } else if (action === "hide") {
    const canModerate = ownsNamespace(who, repo.namespace) && who.role === "write";
    if (e.author !== who.user && !canModerate)
      throw forbidden("Only the author or a repo writer can hide a comment");
    next = { ...data, hidden: true };
  } else {
    throw notFound(`Unknown comment action ${action}: use edit or hide`, "RouteNotFound");
  }
  ctx.hub.updateDiscussionEvent(repo, d.num, e.id, next);
  return json({ updatedComment: eventJson({ ...e, data: next }) });
}
