import { z } from "zod";
import { assertCanWrite, ownsNamespace, requireSignedIn } from "../core/auth.js";
import { type Ctx, json, readableRepo, repoUrl, xetOn } from "../core/context.js";
import { badRequest, conflict, forbidden } from "../core/errors.js";
import { parseBody } from "../core/validate.js";
import { assertPathInRepo, assertRepoName } from "../model/names.js";
import type { Repo, RepoType } from "../model/types.js";
import { objectId } from "./repo-info.js";

const repoType = z.enum(["model", "dataset", "space"]);
const visibility = z.enum(["public", "private", "protected"]);

const CreateBody = z.object({
  name: z.string().min(1),
  organization: z.string().nullish(),
  type: repoType.nullish(),
  private: z.boolean().nullish(),
  visibility: visibility.nullish(),
  sdk: z.string().nullish(),
  license: z.string().nullish(),
  files: z
    .array(
      z.object({ path: z.string(), content: z.string(), encoding: z.enum(["base64", "utf-8"]).nullish() }),
    )
    .nullish(),
});

function assertCanCreate(ctx: Ctx, type: RepoType, namespace: string): string {
  const who = requireSignedIn(ctx.principal);
  if (!ownsNamespace(who, namespace)) {
    throw forbidden(`You don't have the rights to create a ${type} under the namespace "${namespace}"`);
  }
  if (who.role !== "write") throw forbidden("This token has read access only; a write token is required");
  return who.user;
}

/**
 * The README the Hub writes into a new repo: a Space gets its configuration block (title,
 * emoji, colors, sdk, pinned; hub-docs `spaces-config-reference.md`) and a pointer to the
 * reference; a repo created with a `license` gets it as metadata. The Hub picks the emoji and
 * colors at random; the emulator always picks the same ones.
 */
function initialReadme(type: RepoType, name: string, sdk?: string, license?: string): string | undefined {
  if (type === "space") {
    const lines = [
      `title: ${JSON.stringify(name)}`,
      "emoji: 🚀",
      "colorFrom: blue",
      "colorTo: green",
      `sdk: ${sdk}`,
      "pinned: false",
      ...(license ? [`license: ${yamlScalar(license)}`] : []),
    ];
    return `---\n${lines.join("\n")}\n---\n\nCheck out the configuration reference at https://huggingface.co/docs/hub/spaces-config-reference\n`;
  }
  return license ? `---\nlicense: ${yamlScalar(license)}\n---\n` : undefined;
}

const yamlScalar = (value: string) => (/^[\w.+-]+$/.test(value) ? value : JSON.stringify(value));

/** `POST /api/repos/create`: both `private` (older clients) and `visibility` (PY ≥ 1.8) are accepted. */
export async function createRepo(ctx: Ctx): Promise<Response> {
  const body = parseBody(CreateBody, await ctx.body.json(), "create request");
  const type = body.type ?? "model";
  let name = body.name;
  let namespace = body.organization ?? undefined;
  if (name.includes("/") && !namespace) [namespace, name] = name.split("/", 2) as [string, string];
  namespace ??= requireSignedIn(ctx.principal).user;
  assertRepoName(namespace, "namespace");
  assertRepoName(name, "repo name");
  const author = assertCanCreate(ctx, type, namespace);
  if (type === "space" && !body.sdk)
    throw badRequest("A space needs an sdk: gradio, streamlit, docker or static");
  const existing = ctx.hub.findRepo(type, namespace, name);
  if (existing) {
    throw conflict(`You already created this ${type} repo`, { url: repoUrl(ctx, existing) });
  }
  const files = (body.files ?? []).map((f) => {
    assertPathInRepo(f.path, "files[].path");
    return { path: f.path, content: Buffer.from(f.content, f.encoding === "base64" ? "base64" : "utf8") };
  });
  const readme = initialReadme(type, name, body.sdk ?? undefined, body.license ?? undefined);
  if (readme && !files.some((f) => f.path === "README.md"))
    files.push({ path: "README.md", content: Buffer.from(readme) });
  const repo = await ctx.hub.createRepo({
    type,
    namespace,
    name,
    private: body.visibility ? body.visibility === "private" : (body.private ?? false),
    author,
    files,
    ...(body.sdk ? { sdk: body.sdk } : {}),
    ...(body.license ? { license: body.license } : {}),
  });
  return json({ id: objectId(repo), name: `${namespace}/${name}`, url: repoUrl(ctx, repo) });
}

const DeleteBody = z.object({
  name: z.string().min(1),
  organization: z.string().nullish(),
  type: repoType.nullish(),
});

/** `DELETE /api/repos/delete` with a JSON body. */
export async function deleteRepo(ctx: Ctx): Promise<Response> {
  const body = parseBody(DeleteBody, await ctx.body.json(), "delete request");
  let name = body.name;
  let namespace = body.organization ?? undefined;
  if (name.includes("/") && !namespace) [namespace, name] = name.split("/", 2) as [string, string];
  namespace ??= requireSignedIn(ctx.principal).user;
  const repo = readableRepo(ctx, body.type ?? "model", namespace, name);
  assertCanWrite(repo, ctx.principal);
  ctx.hub.deleteRepo(repo);
  return json({});
}

const MoveBody = z.object({ fromRepo: z.string(), toRepo: z.string(), type: repoType.nullish() });

/** `POST /api/repos/move`: rename or transfer; old resolve URLs redirect to the new name. */
export async function moveRepo(ctx: Ctx): Promise<Response> {
  const body = parseBody(MoveBody, await ctx.body.json(), "move request");
  const type = body.type ?? "model";
  const [fromNs, fromName] = body.fromRepo.split("/");
  const [toNs, toName] = body.toRepo.split("/");
  if (!fromNs || !fromName || !toNs || !toName)
    throw badRequest("fromRepo and toRepo must look like namespace/name");
  assertRepoName(toNs, "namespace");
  assertRepoName(toName, "repo name");
  const repo = readableRepo(ctx, type, fromNs, fromName);
  assertCanWrite(repo, ctx.principal);
  assertCanCreate(ctx, type, toNs);
  // The Hub's words, which huggingface_hub's tests match.
  if (ctx.hub.findRepo(type, toNs, toName))
    throw conflict(`A ${type} repository called ${toNs}/${toName} already exists`);
  ctx.hub.moveRepo(repo, toNs, toName);
  return json({});
}

const SettingsBody = z.object({
  private: z.boolean().nullish(),
  visibility: visibility.nullish(),
  gated: z.union([z.literal(false), z.enum(["auto", "manual"])]).nullish(),
  discussionsDisabled: z.boolean().nullish(),
  xetEnabled: z.boolean().nullish(),
});

/** `PUT /api/{type}s/{repo}/settings`. */
export async function updateSettings(ctx: Ctx, repo: Repo): Promise<Response> {
  assertCanWrite(repo, ctx.principal);
  const body = parseBody(SettingsBody, await ctx.body.json(), "settings");
  const isPrivate = body.visibility ? body.visibility === "private" : (body.private ?? undefined);
  ctx.hub.updateSettings(repo, {
    ...(isPrivate !== undefined ? { private: isPrivate } : {}),
    ...(body.gated !== undefined && body.gated !== null ? { gated: body.gated } : {}),
    ...(typeof body.discussionsDisabled === "boolean"
      ? { discussionsDisabled: body.discussionsDisabled }
      : {}),
    ...(typeof body.xetEnabled === "boolean" ? { xetEnabled: body.xetEnabled } : {}),
  });
  return json({
    private: repo.private,
    visibility: repo.private ? "private" : "public",
    gated: repo.gated,
    discussionsDisabled: repo.discussionsDisabled,
    xetEnabled: xetOn(ctx, repo),
  });
}
