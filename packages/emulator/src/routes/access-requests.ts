import { z } from "zod";
import { assertCanWrite, ownsNamespace, requireSignedIn } from "../core/auth.js";
import { assertGateOpen, type Ctx, json, pageSizeFor, paginate } from "../core/context.js";
import { badRequest, EmulatorHttpError, forbidden, notFound } from "../core/errors.js";
import { DEFAULTS } from "../core/options.js";
import { parseBody } from "../core/validate.js";
import type { AccessRequestRecord, Repo } from "../model/types.js";
import { userJson } from "./users.js";

// Gated repos' access requests, as huggingface_hub 1.33 calls them (`hf_api.py`,
// `list_*_access_requests`, `accept/reject/cancel_access_request`, `grant_access`):
// `GET  /api/{type}s/{id}/user-access-request/{pending|accepted|rejected}` (paginated),
// `POST /api/{type}s/{id}/user-access-request/handle` `{user, status, rejectionReason?}`,
// `POST /api/{type}s/{id}/user-access-request/grant` `{user}`.

const STATUSES = ["pending", "accepted", "rejected"] as const;

function assertGated(repo: Repo): void {
  if (!repo.gated) throw badRequest(`${repo.namespace}/${repo.name} is not a gated repo`, "RepoNotGated");
}

/** `GET .../user-access-request/{status}`: managers only. */
export async function listAccessRequests(ctx: Ctx, repo: Repo, status: string): Promise<Response> {
  assertCanWrite(repo, ctx.principal);
  if (!STATUSES.includes(status as (typeof STATUSES)[number]))
    throw notFound(`No access-request list "${status}": use pending, accepted or rejected`, "RouteNotFound");
  const all = (repo.accessRequests ?? []).filter((r) => r.status === status);
  const { page, headers } = paginate(ctx, all, pageSizeFor(ctx, DEFAULTS.treePageSize));
  return json(
    page.map((r) => ({
      user: userJson(ctx, r.user),
      status: r.status,
      timestamp: r.at,
      ...(r.rejectionReason ? { rejectionReason: r.rejectionReason } : {}),
    })),
    { headers },
  );
}

const HandleBody = z.object({
  user: z.string().min(1),
  status: z.enum(STATUSES),
  rejectionReason: z.string().nullish(),
});

/** `POST .../user-access-request/handle`: moves a request to another list (400 if already there). */
export async function handleAccessRequest(ctx: Ctx, repo: Repo): Promise<Response> {
  assertCanWrite(repo, ctx.principal);
  const body = parseBody(HandleBody, await ctx.body.json(), "access request");
  assertGated(repo);
  const requests = [...(repo.accessRequests ?? [])];
  const index = requests.findIndex((r) => r.user.toLowerCase() === body.user.toLowerCase());
  if (index === -1)
    throw notFound(`${body.user} has not requested access to this repo`, "AccessRequestNotFound");
  if (requests[index]!.status === body.status)
    throw badRequest(`The access request of ${body.user} is already ${body.status}`);
  requests[index] = {
    user: requests[index]!.user,
    status: body.status,
    at: ctx.hub.now(),
    ...(body.status === "rejected" && body.rejectionReason ? { rejectionReason: body.rejectionReason } : {}),
  };
  ctx.hub.setAccessRequests(repo, requests);
  return json({});
}

const GrantBody = z.object({ user: z.string().min(1) });

/** `POST .../user-access-request/grant`: accepted without a request (400 if it already has access). */
export async function grantAccess(ctx: Ctx, repo: Repo): Promise<Response> {
  assertCanWrite(repo, ctx.principal);
  const { user } = parseBody(GrantBody, await ctx.body.json(), "grant");
  assertGated(repo);
  const users = ctx.options.users;
  if (users && !users.some((u) => u.user.toLowerCase() === user.toLowerCase()))
    throw notFound(`User ${user} does not exist`, "UserNotFound");
  const requests = (repo.accessRequests ?? []).filter((r) => r.user.toLowerCase() !== user.toLowerCase());
  if (requests.length !== (repo.accessRequests ?? []).length) {
    const existing = repo.accessRequests!.find((r) => r.user.toLowerCase() === user.toLowerCase())!;
    if (existing.status === "accepted") throw badRequest(`${user} already has access to this repo`);
  }
  ctx.hub.setAccessRequests(repo, [...requests, { user, status: "accepted", at: ctx.hub.now() }]);
  return json({});
}

/**
 * `POST /{repo}/ask-access` (the Hub's gate form; no huggingface_hub method): the signed-in
 * user asks for access. `gated: "auto"` accepts at once, `"manual"` leaves it pending.
 */
export async function askAccess(ctx: Ctx, repo: Repo): Promise<Response> {
  const who = requireSignedIn(ctx.principal);
  assertGated(repo);
  const existing = (repo.accessRequests ?? []).find((r) => r.user.toLowerCase() === who.user.toLowerCase());
  if (existing) return json({ status: existing.status });
  const request: AccessRequestRecord = {
    user: who.user,
    status: repo.gated === "auto" ? "accepted" : "pending",
    at: ctx.hub.now(),
  };
  ctx.hub.setAccessRequests(repo, [...(repo.accessRequests ?? []), request]);
  return json({ status: request.status });
}

/**
 * `GET /api/{type}s/{id}/auth-check[/write]` (huggingface_hub `auth_check`): 200 when the
 * caller may read (a gated repo: with access) or, with `/write`, write; else the error the
 * client maps (`RepositoryNotFoundError`, `GatedRepoError`, 403).
 */
export async function authCheck(ctx: Ctx, repo: Repo, write: boolean): Promise<Response> {
  if (write) {
    const who = requireSignedIn(ctx.principal);
    if (!ownsNamespace(who, repo.namespace))
      throw forbidden(`You don't have the rights to write to ${repo.namespace}/${repo.name}`);
    if (who.role !== "write")
      throw new EmulatorHttpError(
        403,
        "Forbidden",
        "This token has read access only; a write token is required",
      );
    return json({});
  }
  assertGateOpen(ctx, repo);
  return json({});
}
