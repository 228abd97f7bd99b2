import { canRead } from "../core/auth.js";
import { type Ctx, json, pageSizeFor, paginate, xetOn } from "../core/context.js";
import { DEFAULTS } from "../core/options.js";
import { repoId } from "../model/hub.js";
import type { Repo, RepoType } from "../model/types.js";

/** The Hub's `_id`s are 24-hex MongoDB ObjectIds; the repo's uuid gives a stable one. */
export const objectId = (repo: Repo) => repo.uid.replace(/-/g, "").slice(0, 24);

/**
 * A Space's subdomain: `{namespace}-{name}` lowercased, with every run of characters a host
 * name cannot hold (`_`, `.`) made one `-`, and no `-` at either end (the emulator's reading
 * of the Hub's rule, which is not documented).
 */
function spaceSubdomain(repo: Repo): string {
  return `${repo.namespace}-${repo.name}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Full repo info at a commit, as `GET /api/{type}s/{repo}[/revision/{rev}]` answers. */
function describe(ctx: Ctx, repo: Repo, rev: string): Record<string, unknown> {
  const { commit } = ctx.hub.resolve(repo, rev);
  const files = ctx.hub.files(commit);
  const blobs = ctx.url.searchParams.get("blobs") === "true";
  const siblings = [...files].map(([path, entry]) =>
    blobs
      ? {
          rfilename: path,
          size: entry.size,
          blobId: entry.oid,
          ...(entry.lfs
            ? { lfs: { size: entry.lfs.size, sha256: entry.lfs.oid, pointerSize: entry.lfs.pointerSize } }
            : {}),
        }
      : { rfilename: path },
  );
  const info: Record<string, unknown> = {
    _id: objectId(repo),
    id: repoId(repo),
    author: repo.namespace,
    sha: commit.id,
    lastModified: commit.date,
    createdAt: repo.createdAt,
    private: repo.private,
    gated: repo.gated,
    disabled: false,
    downloads: 0,
    likes: repo.likes?.length ?? 0,
    tags: repo.license ? [`license:${repo.license}`] : [],
    siblings,
    usedStorage: [...files.values()].reduce((sum, f) => sum + f.size, 0),
    xetEnabled: xetOn(ctx, repo),
    cardData: repo.license ? { license: repo.license } : {},
  };
  if (repo.type === "model") {
    info.modelId = repoId(repo);
  }
  if (repo.type === "space") {
    info.sdk = repo.sdk;
    info.subdomain = spaceSubdomain(repo);
  }
  return info;
}

const expandFields = (ctx: Ctx) => [
  ...ctx.url.searchParams.getAll("expand"),
  ...ctx.url.searchParams.getAll("expand[]"),
];

/** `expand=a&expand=b` (or `expand[]=a`): only those fields plus `_id` and `id`. */
function expandFilter(ctx: Ctx, info: Record<string, unknown>): Record<string, unknown> {
  const expand = expandFields(ctx);
  if (!expand.length) return info;
  const out: Record<string, unknown> = { _id: info._id, id: info.id };
  for (const field of expand) if (field in info) out[field] = info[field];
  return out;
}

export async function repoInfo(ctx: Ctx, repo: Repo, rev = "HEAD"): Promise<Response> {
  return json(expandFilter(ctx, describe(ctx, repo, rev)));
}

/** `GET /api/models|datasets|spaces` with `search`, `author`, `sort`, `limit` and Link paging. */
export async function listRepos(ctx: Ctx, type: RepoType): Promise<Response> {
  const params = ctx.url.searchParams;
  const search = params.get("search")?.toLowerCase();
  const author = params.get("author")?.toLowerCase();
  let repos = ctx.hub.state.repos.filter(
    (r) =>
      r.type === type &&
      canRead(r, ctx.principal) &&
      (!search || repoId(r).toLowerCase().includes(search)) &&
      (!author || r.namespace.toLowerCase() === author),
  );
  const sort = params.get("sort");
  if (sort === "createdAt" || sort === "lastModified" || sort === "id") {
    const key = (r: Repo) => (sort === "id" ? repoId(r) : r[sort]);
    const direction = params.get("direction") === "1" || sort === "id" ? 1 : -1;
    repos = [...repos].sort((a, b) => (key(a) < key(b) ? -direction : key(a) > key(b) ? direction : 0));
  }
  const { page, headers } = paginate(ctx, repos, pageSizeFor(ctx, DEFAULTS.treePageSize));
  const full = params.get("full") === "true";
  const items = page.map((repo) => {
    const head = repo.commits[repo.branches.main ?? ""];
    const info: Record<string, unknown> = {
      _id: objectId(repo),
      id: repoId(repo),
      author: repo.namespace,
      private: repo.private,
      gated: repo.gated,
      likes: repo.likes?.length ?? 0,
      downloads: 0,
      tags: repo.license ? [`license:${repo.license}`] : [],
      createdAt: repo.createdAt,
      lastModified: repo.lastModified,
      ...(repo.type === "model" ? { modelId: repoId(repo) } : {}),
      ...(repo.type === "space" ? { sdk: repo.sdk } : {}),
    };
    if (full && head) {
      info.sha = head.id;
      info.siblings = [...ctx.hub.files(head).keys()].map((rfilename) => ({ rfilename }));
    }
    // `expand` may ask a listing for what only repo info has (siblings, sha, cardData,
    // disabled, usedStorage, subdomain...): the Hub answers them per item.
    if (head && expandFields(ctx).some((field) => !(field in info))) {
      return expandFilter(ctx, { ...info, ...describe(ctx, repo, "main") });
    }
    return expandFilter(ctx, info);
  });
  return json(items, { headers });
}
