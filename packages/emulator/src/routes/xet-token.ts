import { signCasToken } from "../core/cas-tokens.js";
import { assertGateOpen, type Ctx, json, repoApiUrl, xetOn } from "../core/context.js";
import { EmulatorHttpError, forbidden, notFound } from "../core/errors.js";
import type { Repo } from "../model/types.js";
import { assertCanCommit, isCreatePr } from "./preupload.js";

export interface CasAccess {
  accessToken: string;
  /** Unix seconds. */
  exp: number;
  casUrl: string;
}

/** A CAS token for `repo`, valid `xetTokenSeconds` from now. */
export function casAccess(ctx: Ctx, repo: Repo, scope: "read" | "write"): CasAccess {
  const exp = Math.floor(ctx.now() / 1000) + ctx.options.xetTokenSeconds;
  return {
    accessToken: signCasToken(ctx.hub.state.secret, { repo: repo.uid, scope, exp }),
    exp,
    // The CAS is served on the storage origin, beside the presigned LFS and xorb URLs.
    casUrl: ctx.options.storageBaseUrl,
  };
}

/** The headers huggingface_hub reads (`utils/_xet.py`, `parse_xet_connection_info_from_headers`). */
export function casHeaders(access: CasAccess): Record<string, string> {
  return {
    "x-xet-cas-url": access.casUrl,
    "x-xet-access-token": access.accessToken,
    "x-xet-token-expiration": String(access.exp),
  };
}

/** The URL a client refreshes its write token from (also the LFS batch's `href` for Xet). */
export function writeTokenUrl(ctx: Ctx, repo: Repo, ref: string | undefined): string {
  const base = `${repoApiUrl(ctx, repo)}/xet-write-token/${encodeURIComponent(ref ?? "None")}`;
  return ref === undefined ? `${base}?create_pr=1` : base;
}

export function readTokenUrl(ctx: Ctx, repo: Repo, rev: string): string {
  return `${repoApiUrl(ctx, repo)}/xet-read-token/${encodeURIComponent(rev)}`;
}

/**
 * `GET /api/{type}s/{repo}/xet-{read,write}-token/{rev}` (hub-docs `docs/xet/auth.md`;
 * hub-protocol.md 10.2): the JSON body `{accessToken, exp, casUrl}` and the same values as
 * `X-Xet-*` headers. Read tokens need read access to the repo (anonymous for a public one);
 * write tokens a write token of its namespace, or any signed-in user with `create_pr=1`, for
 * which huggingface_hub sends the literal revision `None` (it cannot know the PR ref yet).
 */
export async function xetToken(ctx: Ctx, repo: Repo, kind: "read" | "write", rev: string): Promise<Response> {
  if (!ctx.options.xet)
    throw notFound("Xet is not served by this emulator (started with xet: false)", "XetDisabled");
  if (!xetOn(ctx, repo))
    throw forbidden(
      `Xet storage is disabled for ${repo.namespace}/${repo.name} (settings: xetEnabled false)`,
    );
  if (!rev) throw new EmulatorHttpError(400, "BadRequest", `xet-${kind}-token needs a revision in the path`);
  if (kind === "read") assertGateOpen(ctx, repo);
  if (kind === "write") {
    const createPr = isCreatePr(ctx);
    assertCanCommit(ctx, repo, createPr);
    if (!(createPr && rev === "None")) ctx.hub.resolve(repo, rev);
  } else {
    ctx.hub.resolve(repo, rev);
  }
  const access = casAccess(ctx, repo, kind);
  return json(access, { headers: casHeaders(access) });
}
