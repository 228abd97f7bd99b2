import { canRead, requireSignedIn } from "../core/auth.js";
import { type Ctx, json, pageSizeFor, paginate } from "../core/context.js";
import { DEFAULTS } from "../core/options.js";
import { repoId } from "../model/hub.js";
import type { Repo } from "../model/types.js";
import { userJson } from "./users.js";

// Likes, as huggingface_hub 1.33 (`unlike`, `list_liked_repos`, `list_repo_likers`) and the
// Hub's like button call them: `POST|DELETE /api/{type}s/{id}/like`,
// `GET /api/{type}s/{id}/likers`, `GET /api/users/{user}/likes`.

/** `POST /api/{type}s/{id}/like`: idempotent. */
export async function like(ctx: Ctx, repo: Repo): Promise<Response> {
  const who = requireSignedIn(ctx.principal);
  const likes = repo.likes ?? [];
  if (!likes.some((l) => l.user === who.user))
    ctx.hub.setLikes(repo, [...likes, { user: who.user, at: ctx.hub.now() }]);
  return json({});
}

/** `DELETE /api/{type}s/{id}/like`: idempotent. */
export async function unlike(ctx: Ctx, repo: Repo): Promise<Response> {
  const who = requireSignedIn(ctx.principal);
  const likes = repo.likes ?? [];
  if (likes.some((l) => l.user === who.user))
    ctx.hub.setLikes(
      repo,
      likes.filter((l) => l.user !== who.user),
    );
  return json({});
}

/** `GET /api/{type}s/{id}/likers`: `[{user, fullname, avatarUrl, type}]`, paginated. */
export async function likers(ctx: Ctx, repo: Repo): Promise<Response> {
  const all = repo.likes ?? [];
  const { page, headers } = paginate(ctx, all, pageSizeFor(ctx, DEFAULTS.treePageSize));
  return json(
    page.map((l) => userJson(ctx, l.user)),
    { headers },
  );
}

/** `GET /api/users/{user}/likes`: `[{createdAt, repo: {name, type}}]`, newest first, repos the caller can see. */
export async function userLikes(ctx: Ctx, user: string): Promise<Response> {
  const all = ctx.hub.state.repos
    .filter((r) => canRead(r, ctx.principal))
    .flatMap((r) =>
      (r.likes ?? [])
        .filter((l) => l.user.toLowerCase() === user.toLowerCase())
        .map((l) => ({ createdAt: l.at, repo: { name: repoId(r), type: r.type } })),
    )
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  const { page, headers } = paginate(ctx, all, pageSizeFor(ctx, DEFAULTS.treePageSize));
  return json(page, { headers });
}
