import { z } from "zod";
import { assertCanWrite } from "../core/auth.js";
import { type Ctx, json, pageSizeFor, paginate } from "../core/context.js";
import { badRequest, conflict, EmulatorHttpError, revisionNotFound } from "../core/errors.js";
import { DEFAULTS } from "../core/options.js";
import { parseBody } from "../core/validate.js";
import { assertRefName } from "../model/names.js";
import type { Repo } from "../model/types.js";

/** `GET /api/{type}s/{repo}/refs[?include_prs=1]`. */
export async function listRefs(ctx: Ctx, repo: Repo): Promise<Response> {
  const includePrs = ["1", "true"].includes(ctx.url.searchParams.get("include_prs") ?? "");
  const body: Record<string, unknown> = {
    branches: Object.entries(repo.branches).map(([name, target]) => ({
      name,
      ref: `refs/heads/${name}`,
      targetCommit: target,
    })),
    tags: Object.entries(repo.tags).map(([name, tag]) => ({
      name,
      ref: `refs/tags/${name}`,
      targetCommit: tag.commit,
    })),
    converts: [],
  };
  if (includePrs) {
    body.pullRequests = repo.discussions
      .filter((d) => d.isPullRequest && d.head)
      .map((d) => ({ name: `refs/pr/${d.num}`, ref: `refs/pr/${d.num}`, targetCommit: d.head }));
  }
  return json(body);
}

const BranchBody = z.object({
  startingPoint: z.string().nullish(),
  emptyBranch: z.boolean().nullish(),
  overwrite: z.boolean().nullish(),
});

/** `POST /api/{type}s/{repo}/branch/{branch}`: from a revision (default: main), empty, or overwriting. */
export async function createBranch(ctx: Ctx, repo: Repo, branch: string): Promise<Response> {
  const who = assertCanWrite(repo, ctx.principal);
  const body = parseBody(BranchBody, await ctx.body.json(), "branch request");
  assertRefName(branch, "branch");
  if (repo.branches[branch] && !body.overwrite)
    throw conflict(`Reference refs/heads/${branch} already exists`);
  let target: string;
  if (body.emptyBranch) {
    target = ctx.hub.addCommit(repo, {
      parents: [],
      files: new Map(),
      title: "Empty branch",
      author: who.user,
    }).id;
  } else {
    target = ctx.hub.resolve(repo, body.startingPoint ?? "main").commit.id;
  }
  ctx.hub.setBranch(repo, branch, target);
  return json({});
}

/** `DELETE /api/{type}s/{repo}/branch/{branch}`; the default branch cannot be deleted. */
export async function deleteBranch(ctx: Ctx, repo: Repo, branch: string): Promise<Response> {
  assertCanWrite(repo, ctx.principal);
  if (branch === "main") throw new EmulatorHttpError(403, "Forbidden", "Cannot delete refs/heads/main");
  if (!repo.branches[branch]) throw revisionNotFound(branch);
  ctx.hub.deleteBranch(repo, branch);
  return json({});
}

const TagBody = z.object({ tag: z.string().min(1), message: z.string().nullish() });

/** `POST /api/{type}s/{repo}/tag/{rev}` with `{tag, message?}`. */
export async function createTag(ctx: Ctx, repo: Repo, rev: string): Promise<Response> {
  assertCanWrite(repo, ctx.principal);
  const body = parseBody(TagBody, await ctx.body.json(), "tag request");
  // The revision first: huggingface_hub's tests expect RevisionNotFound for a bad tag name on
  // a missing revision.
  const { commit } = ctx.hub.resolve(repo, rev);
  assertRefName(body.tag, "tag");
  if (repo.tags[body.tag]) throw conflict(`Tag already exists: ${body.tag}`);
  ctx.hub.setTag(repo, body.tag, { commit: commit.id, ...(body.message ? { message: body.message } : {}) });
  return json({});
}

/** `DELETE /api/{type}s/{repo}/tag/{tag}`. */
export async function deleteTag(ctx: Ctx, repo: Repo, tag: string): Promise<Response> {
  assertCanWrite(repo, ctx.principal);
  if (!repo.tags[tag]) throw revisionNotFound(tag);
  ctx.hub.deleteTag(repo, tag);
  return json({});
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `GET /api/{type}s/{repo}/commits/{rev}`: paged with `p`/`limit`, total in `X-Total-Count`. */
export async function listCommits(ctx: Ctx, repo: Repo, segments: string[]): Promise<Response> {
  const rev = segments.join("/");
  const { commit } = ctx.hub.resolve(repo, rev);
  const history = ctx.hub.history(repo, commit.id);
  const { page, headers } = paginate(ctx, history, pageSizeFor(ctx, DEFAULTS.commitsPageSize), "page");
  const expand = [...ctx.url.searchParams.getAll("expand"), ...ctx.url.searchParams.getAll("expand[]")];
  const avatar = (user: string) => `${ctx.options.baseUrl}/avatars/${encodeURIComponent(user)}.svg`;
  const items = page.map((c) => ({
    id: c.id,
    title: c.title,
    message: c.message,
    authors: [{ user: c.author, avatar: avatar(c.author) }],
    date: c.date,
    ...(expand.includes("formatted")
      ? { formatted: { title: escapeHtml(c.title), message: escapeHtml(c.message) } }
      : {}),
  }));
  return json(items, { headers: { ...headers, "x-total-count": String(history.length) } });
}

const SquashBody = z.object({ message: z.string().nullish() });

/** `POST /api/{type}s/{repo}/super-squash/{branch}`: the branch becomes one commit with the same tree. */
export async function superSquash(ctx: Ctx, repo: Repo, branch: string): Promise<Response> {
  const who = assertCanWrite(repo, ctx.principal);
  const body = parseBody(SquashBody, await ctx.body.json(), "super-squash request");
  const name = branch.startsWith("refs/heads/") ? branch.slice("refs/heads/".length) : branch;
  const head = repo.branches[name];
  // A PR ref can be squashed too (huggingface_hub's tests squash `refs/pr/N`).
  const pr = head ? undefined : ctx.hub.tryResolve(repo, branch);
  if (!head && pr?.pr === undefined) {
    if (pr) throw badRequest(`${branch} is not a branch; only branches and refs/pr/* can be squashed`);
    throw revisionNotFound(branch);
  }
  const files = ctx.hub.files(head ? repo.commits[head]! : pr!.commit);
  const squashed = ctx.hub.addCommit(repo, {
    parents: [],
    files,
    title: body.message ?? `Super-squash branch '${name}'`,
    author: who.user,
  });
  if (head) ctx.hub.setBranch(repo, name, squashed.id);
  else ctx.hub.updateDiscussion(repo, pr!.pr!, [], { head: squashed.id });
  return json({ commitId: squashed.id });
}
