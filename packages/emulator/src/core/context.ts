import { type HubModel, repoId, TYPE_PREFIX } from "../model/hub.js";
import type { Repo, RepoType } from "../model/types.js";
import type { XetStore } from "../xet/store.js";
import { canRead, ownsNamespace, type Principal } from "./auth.js";
import { type BodyReader, responseTexts } from "./body.js";
import { badRequest, gatedRepo, repoNotFound } from "./errors.js";
import type { ResolvedOptions } from "./options.js";
import type { Signer } from "./signing.js";

/** Everything a route handler needs for one request. */
export interface Ctx {
  request: Request;
  url: URL;
  method: string;
  body: BodyReader;
  /** `undefined` for anonymous callers (and on the storage origin, which never authenticates). */
  principal: Principal | undefined;
  hub: HubModel;
  options: ResolvedOptions;
  signer: Signer;
  xet: XetStore;
  /** The emulator's clock, in milliseconds. */
  now(): number;
}

/** Whether Xet is served for this repo: the server option and the repo's `xetEnabled`. */
export function xetOn(ctx: Ctx, repo: Repo): boolean {
  return ctx.options.xet && repo.xetEnabled !== false;
}

export function json(
  data: unknown,
  init: { status?: number; headers?: Record<string, string> } = {},
): Response {
  const text = JSON.stringify(data);
  const response = new Response(text, {
    status: init.status ?? 200,
    headers: { "content-type": "application/json; charset=utf-8", ...init.headers },
  });
  responseTexts.set(response, text);
  return response;
}

/** Looks a repo up for reading: a private repo the caller cannot see does not exist. */
export function readableRepo(ctx: Ctx, type: RepoType, namespace: string, name: string): Repo {
  const repo = ctx.hub.findRepo(type, namespace, name);
  if (!repo || !canRead(repo, ctx.principal)) throw repoNotFound(!ctx.principal);
  return repo;
}

/** Whether the caller may read a gated repo's files: its namespace, or an accepted request. */
export function gateOpen(repo: Repo, principal: Principal | undefined): boolean {
  if (!repo.gated || ownsNamespace(principal, repo.namespace)) return true;
  if (!principal) return false;
  const user = principal.user.toLowerCase();
  return (repo.accessRequests ?? []).some((r) => r.user.toLowerCase() === user && r.status === "accepted");
}

/**
 * File contents of a gated repo (resolve, LFS downloads, Xet read tokens, auth-check) need
 * access: 403 `GatedRepo` otherwise (401 to anonymous callers), which huggingface_hub raises
 * as `GatedRepoError` (`utils/_http.py`). Repo info and listings stay visible, as on the Hub.
 */
export function assertGateOpen(ctx: Ctx, repo: Repo): void {
  if (!gateOpen(repo, ctx.principal))
    throw gatedRepo(repo.type, repoId(repo), !ctx.principal, repoUrl(ctx, repo));
}

export function repoUrl(ctx: Ctx, repo: Repo): string {
  return `${ctx.options.baseUrl}/${TYPE_PREFIX[repo.type]}${repoId(repo)}`;
}

/** `{baseUrl}/api/{type}s/{ns}/{name}`. */
export function repoApiUrl(ctx: Ctx, repo: Repo): string {
  return `${ctx.options.baseUrl}/api/${repo.type}s/${repoId(repo)}`;
}

/** Page size for a listing: the `limit` asked for, capped by the configured `pageSize`. */
export function pageSizeFor(ctx: Ctx, fallback: number): number {
  const limit = ctx.url.searchParams.get("limit");
  const cap = ctx.options.pageSize ?? Number.POSITIVE_INFINITY;
  if (limit === null) return Math.min(ctx.options.pageSize ?? fallback, cap);
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1) throw badRequest(`Invalid limit "${limit}": use a positive integer`);
  return Math.min(n, cap);
}

/**
 * One page of `items` and its `Link` header. The next URL is absolute (the JS client's
 * Link parser requires it) and keeps every original query parameter.
 */
export function paginate<T>(
  ctx: Ctx,
  items: readonly T[],
  pageSize: number,
  style: "cursor" | "page" = "cursor",
): { page: T[]; headers: Record<string, string> } {
  let offset = 0;
  if (style === "cursor") {
    const cursor = ctx.url.searchParams.get("cursor");
    if (cursor !== null) {
      offset = Number(Buffer.from(cursor, "base64url").toString("utf8"));
      if (!Number.isInteger(offset) || offset < 0) throw badRequest(`Invalid cursor "${cursor}"`);
    }
  } else {
    const p = Number(ctx.url.searchParams.get("p") ?? "0");
    if (!Number.isInteger(p) || p < 0) throw badRequest("Invalid page number p");
    offset = p * pageSize;
  }
  const page = items.slice(offset, offset + pageSize);
  const headers: Record<string, string> = {};
  if (offset + pageSize < items.length) {
    const next = new URL(ctx.url.pathname + ctx.url.search, ctx.options.baseUrl);
    if (style === "cursor")
      next.searchParams.set("cursor", Buffer.from(String(offset + pageSize)).toString("base64url"));
    else next.searchParams.set("p", String(offset / pageSize + 1));
    headers.link = `<${next.toString()}>; rel="next"`;
  }
  return { page, headers };
}

/** The Xet file hash of an LFS object of `repo` uploaded through a shard, when Xet is on for it. */
export function xetHashOf(ctx: Ctx, repo: Repo, oid: string): string | undefined {
  return xetOn(ctx, repo) ? repo.xet?.[oid] : undefined;
}

/**
 * A presigned storage URL serving an LFS object of `repo`: the uploaded blob when there is
 * one, else the file rebuilt from its xorbs (the Hub's "Git LFS bridge"); `undefined` when the
 * repo has neither.
 */
export async function lfsObjectUrl(
  ctx: Ctx,
  repo: Repo,
  oid: string,
  extra: Record<string, string> = {},
): Promise<string | undefined> {
  // An object permanently deleted from the repo (`lfs-files/batch`) is gone for it.
  if (repo.lfs[oid] === undefined) return undefined;
  if (await ctx.hub.storage.has(`lfs/${oid}`))
    return ctx.signer.sign(ctx.options.storageBaseUrl, `/lfs/${oid}`, extra);
  const file = repo.xet?.[oid];
  if (file && ctx.hub.state.xet.files[file])
    return ctx.signer.sign(ctx.options.storageBaseUrl, `/xet-file/${file}`, extra);
  return undefined;
}
