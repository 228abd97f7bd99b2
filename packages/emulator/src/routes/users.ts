import { type Ctx, json, pageSizeFor, paginate } from "../core/context.js";
import { notFound } from "../core/errors.js";
import { DEFAULTS } from "../core/options.js";

/** A user as the Hub lists one (likers, members, access requests): huggingface_hub's `User`. */
export function userJson(_ctx: Ctx, user: string) {
  return {
    user,
    fullname: user,
    avatarUrl: `/avatars/${encodeURIComponent(user)}.svg`,
    type: "user",
  };
}

function findOrg(ctx: Ctx, name: string) {
  const org = ctx.options.orgs.find((o) => o.name.toLowerCase() === name.toLowerCase());
  if (!org) throw notFound(`Organization ${name} not found`, "OrganizationNotFound");
  return org;
}

/** `GET /api/organizations/{org}/members` (huggingface_hub `list_organization_members`). */
export async function orgMembers(ctx: Ctx, name: string): Promise<Response> {
  const org = findOrg(ctx, name);
  const { page, headers } = paginate(ctx, org.members, pageSizeFor(ctx, DEFAULTS.treePageSize));
  return json(
    page.map((member) => userJson(ctx, member)),
    { headers },
  );
}

/** `GET /api/organizations/{org}/overview` (huggingface_hub `get_organization_overview`). */
export async function orgOverview(ctx: Ctx, name: string): Promise<Response> {
  const org = findOrg(ctx, name);
  const repos = ctx.hub.state.repos.filter((r) => r.namespace.toLowerCase() === org.name.toLowerCase());
  const count = (type: string) => repos.filter((r) => r.type === type && !r.private).length;
  return json({
    name: org.name,
    fullname: org.name,
    avatarUrl: `/avatars/${encodeURIComponent(org.name)}.svg`,
    type: "org",
    isVerified: false,
    isFollowing: false,
    numUsers: org.members.length,
    numModels: count("model"),
    numDatasets: count("dataset"),
    numSpaces: count("space"),
    numFollowers: 0,
    numPapers: 0,
  });
}
