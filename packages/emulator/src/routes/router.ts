import { type Ctx, readableRepo } from "../core/context.js";
import { badRequest, EmulatorHttpError, notFound, repoNotFound } from "../core/errors.js";
import type { RepoType } from "../model/types.js";
import {
  askAccess,
  authCheck,
  grantAccess,
  handleAccessRequest,
  listAccessRequests,
} from "./access-requests.js";
import { dedupQuery, headFile, headXorb, uploadXorb } from "./cas.js";
import { batchReconstruction, getReconstruction } from "./cas-reconstruction.js";
import { uploadShard, uploadShardV2 } from "./cas-shards.js";
import {
  addCollectionItem,
  createCollection,
  deleteCollection,
  deleteCollectionItem,
  getCollection,
  listCollections,
  updateCollection,
  updateCollectionItem,
} from "./collections.js";
import { commit } from "./commit.js";
import {
  commentAction,
  createDiscussion,
  discussionAction,
  getDiscussion,
  listDiscussions,
} from "./discussions.js";
import { lfsBatch } from "./lfs-batch.js";
import { deleteLfsFiles, listLfsFiles } from "./lfs-files.js";
import { like, likers, unlike, userLikes } from "./likes.js";
import { preupload } from "./preupload.js";
import {
  createBranch,
  createTag,
  deleteBranch,
  deleteTag,
  listCommits,
  listRefs,
  superSquash,
} from "./refs.js";
import { listRepos, repoInfo } from "./repo-info.js";
import { createRepo, deleteRepo, moveRepo, updateSettings } from "./repos.js";
import { resolveFile } from "./resolve.js";
import { completeMultipart, getObject, putObject, putPart } from "./storage.js";
import { listTree, pathsInfo } from "./tree.js";
import { orgMembers, orgOverview } from "./users.js";
import { validateYaml } from "./validate-yaml.js";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  setWebhookDisabled,
  updateWebhook,
} from "./webhooks.js";
import { whoami } from "./whoami.js";
import { getXetFile, getXorbRanges } from "./xet-downloads.js";
import { xetToken } from "./xet-token.js";

const PLURAL: Record<string, RepoType> = { models: "model", datasets: "dataset", spaces: "space" };
const PREFIX: Record<string, RepoType> = { datasets: "dataset", spaces: "space" };

const methodNotAllowed = (method: string, path: string) =>
  new EmulatorHttpError(405, "MethodNotAllowed", `${method} is not supported on ${path}`);
const noRoute = (path: string) => notFound(`No such endpoint in the emulator: ${path}`, "RouteNotFound");

/** Path segments, each percent-decoded (so `refs%2Fpr%2F1` is one segment `refs/pr/1`). */
function segmentsOf(pathname: string): string[] {
  try {
    return pathname.split("/").slice(1).map(decodeURIComponent);
  } catch {
    throw badRequest(`Malformed percent-encoding in ${pathname}`);
  }
}

export async function routeStorage(ctx: Ctx): Promise<Response> {
  const [kind, ...rest] = segmentsOf(ctx.url.pathname);
  const m = ctx.method;
  if (kind === "upload" && m === "PUT") return putObject(ctx, rest);
  if (kind === "part" && m === "PUT") return putPart(ctx, rest);
  if (kind === "lfs" && (m === "GET" || m === "HEAD")) return getObject(ctx, rest);
  if (kind === "xorbs" && m === "GET") return getXorbRanges(ctx, rest);
  if (kind === "xet-file" && (m === "GET" || m === "HEAD")) return getXetFile(ctx, rest);
  if (kind === "v1" || kind === "v2") return routeCas(ctx, kind, rest);
  throw noRoute(ctx.url.pathname);
}

/** The Xet CAS API (hub-docs `docs/xet/api.md`), on the storage origin. */
function routeCas(ctx: Ctx, version: "v1" | "v2", [area, a, b, ...extra]: string[]): Promise<Response> {
  const m = ctx.method;
  const v1 = version === "v1";
  if (extra.length === 0) {
    if (v1 && area === "xorbs" && m === "POST") return uploadXorb(ctx, a, b);
    if (v1 && area === "xorbs" && m === "HEAD") return headXorb(ctx, a, b);
    if (v1 && area === "chunks" && m === "GET") return dedupQuery(ctx, a, b);
    if (area === "shards" && a === undefined && m === "POST")
      return v1 ? uploadShard(ctx) : uploadShardV2(ctx);
    if (area === "reconstructions" && b === undefined) {
      if (a !== undefined && m === "GET") return getReconstruction(ctx, v1 ? 1 : 2, a);
      if (v1 && a === undefined && (m === "GET" || m === "POST")) return batchReconstruction(ctx);
    }
    if (v1 && area === "files" && b === undefined && (m === "HEAD" || m === "GET")) return headFile(ctx, a);
  }
  throw noRoute(ctx.url.pathname);
}

export async function routeHub(ctx: Ctx): Promise<Response> {
  const segs = segmentsOf(ctx.url.pathname);
  const m = ctx.method;
  if (segs[0] === "api") {
    const area = segs[1] ?? "";
    if (area === "whoami-v2" && m === "GET") return whoami(ctx);
    if (area === "validate-yaml" && m === "POST") return validateYaml(ctx);
    if (area === "repos" && segs.length === 3) {
      if (segs[2] === "create" && m === "POST") return createRepo(ctx);
      if (segs[2] === "delete" && m === "DELETE") return deleteRepo(ctx);
      if (segs[2] === "move" && m === "POST") return moveRepo(ctx);
    }
    if (area === "complete_multipart" && m === "POST") return completeMultipart(ctx);
    if (area === "collections") return routeCollections(ctx, segs.slice(2));
    if (area === "settings" && segs[2] === "webhooks") return routeWebhooks(ctx, segs.slice(3));
    if (area === "users" && segs.length === 4 && segs[3] === "likes" && m === "GET")
      return userLikes(ctx, segs[2]!);
    if (area === "organizations" && segs.length === 4 && m === "GET") {
      if (segs[3] === "members") return orgMembers(ctx, segs[2]!);
      if (segs[3] === "overview") return orgOverview(ctx, segs[2]!);
    }
    const type = PLURAL[area];
    if (type && segs.length === 2 && m === "GET") return listRepos(ctx, type);
    // A canonical id without namespace (`gpt2`): the emulator holds none, so it is a missing
    // repo, which is what `repo_exists` and `model_info` expect (not a missing route).
    if (type && segs.length === 3 && segs[2]) throw repoNotFound(!ctx.principal);
    if (type && segs.length >= 4)
      return routeRepoApi(ctx, type, segs[2]!, segs[3]!, segs[4] ?? "", segs.slice(5));
    throw noRoute(ctx.url.pathname);
  }
  const type = PREFIX[segs[0] ?? ""] ?? "model";
  const [ns, rawName, action, ...rest] = type === "model" ? segs : segs.slice(1);
  if (!ns || !rawName) throw noRoute(ctx.url.pathname);
  // `/gpt2/resolve/main/config.json`: a canonical id without namespace (see above).
  if (
    (rawName === "resolve" || rawName === "raw") &&
    action !== undefined &&
    action !== "resolve" &&
    action !== "raw"
  ) {
    if (m !== "GET" && m !== "HEAD") throw methodNotAllowed(m, ctx.url.pathname);
    throw repoNotFound(!ctx.principal);
  }
  if (rawName.endsWith(".git") && action === "info" && rest.join("/") === "lfs/objects/batch") {
    if (m !== "POST") throw methodNotAllowed(m, ctx.url.pathname);
    return lfsBatch(ctx, readableRepo(ctx, type, ns, rawName.slice(0, -4)));
  }
  if (action === "ask-access" && rest.length === 0) {
    if (m !== "POST") throw methodNotAllowed(m, ctx.url.pathname);
    return askAccess(ctx, readableRepo(ctx, type, ns, rawName));
  }
  if (action === "resolve" || action === "raw") {
    if (m !== "GET" && m !== "HEAD") throw methodNotAllowed(m, ctx.url.pathname);
    return resolveFile(ctx, type, ns, rawName, action, rest);
  }
  throw noRoute(ctx.url.pathname);
}

async function routeRepoApi(
  ctx: Ctx,
  type: RepoType,
  ns: string,
  name: string,
  sub: string,
  rest: string[],
): Promise<Response> {
  const m = ctx.method;
  const repo = readableRepo(ctx, type, ns, name);
  const rev = rest.join("/");
  const table: Record<string, Partial<Record<string, () => Promise<Response>>>> = {
    "": { GET: () => repoInfo(ctx, repo) },
    revision: { GET: () => repoInfo(ctx, repo, rev) },
    settings: { PUT: () => updateSettings(ctx, repo) },
    tree: { GET: () => listTree(ctx, repo, rest) },
    "paths-info": { POST: () => pathsInfo(ctx, repo, rev) },
    preupload: { POST: () => preupload(ctx, repo, rev) },
    commit: { POST: () => commit(ctx, repo, rev) },
    refs: { GET: () => listRefs(ctx, repo) },
    branch: { POST: () => createBranch(ctx, repo, rev), DELETE: () => deleteBranch(ctx, repo, rev) },
    tag: { POST: () => createTag(ctx, repo, rev || "main"), DELETE: () => deleteTag(ctx, repo, rev) },
    commits: { GET: () => listCommits(ctx, repo, rest) },
    "super-squash": { POST: () => superSquash(ctx, repo, rev) },
    "xet-read-token": { GET: () => xetToken(ctx, repo, "read", rev) },
    "xet-write-token": { GET: () => xetToken(ctx, repo, "write", rev) },
    like: { POST: () => like(ctx, repo), DELETE: () => unlike(ctx, repo) },
    likers: { GET: () => likers(ctx, repo) },
  };
  if (sub === "auth-check" && (rev === "" || rev === "write")) {
    if (m !== "GET") throw methodNotAllowed(m, ctx.url.pathname);
    return authCheck(ctx, repo, rev === "write");
  }
  if (sub === "user-access-request" && rest.length === 1) {
    if (m === "GET" && rest[0] !== "handle" && rest[0] !== "grant")
      return listAccessRequests(ctx, repo, rest[0]!);
    if (m === "POST" && rest[0] === "handle") return handleAccessRequest(ctx, repo);
    if (m === "POST" && rest[0] === "grant") return grantAccess(ctx, repo);
    throw methodNotAllowed(m, ctx.url.pathname);
  }
  if (sub === "lfs-files") {
    if (rest.length === 0 && m === "GET") return listLfsFiles(ctx, repo);
    if (rest.length === 1 && rest[0] === "batch" && m === "POST") return deleteLfsFiles(ctx, repo);
    throw noRoute(ctx.url.pathname);
  }
  if (sub === "discussions") {
    if (rest.length === 0) {
      if (m === "GET") return listDiscussions(ctx, repo);
      if (m === "POST") return createDiscussion(ctx, repo);
    } else if (rest.length === 1 && m === "GET") return getDiscussion(repo, rest[0]);
    else if (rest.length === 2 && m === "POST") return discussionAction(ctx, repo, rest[0], rest[1]!);
    else if (rest.length === 4 && rest[1] === "comment" && m === "POST")
      return commentAction(ctx, repo, rest[0], rest[2]!, rest[3]!);
    throw noRoute(ctx.url.pathname);
  }
  const handlers = table[sub];
  if (!handlers) throw noRoute(ctx.url.pathname);
  const handler = handlers[m];
  if (!handler) throw methodNotAllowed(m, ctx.url.pathname);
  if (
    (sub === "revision" ||
      sub === "paths-info" ||
      sub === "preupload" ||
      sub === "commit" ||
      sub === "branch" ||
      sub === "super-squash") &&
    !rev
  ) {
    throw badRequest(`${sub} needs a revision in the path`);
  }
  return handler();
}

/** `/api/collections[/{owner}/{slug}[/items[/{itemId}]]]`. */
function routeCollections(ctx: Ctx, rest: string[]): Promise<Response> {
  const m = ctx.method;
  if (rest.length === 0) {
    if (m === "GET") return listCollections(ctx);
    if (m === "POST") return createCollection(ctx);
    throw methodNotAllowed(m, ctx.url.pathname);
  }
  const [owner, id, items, itemId, ...extra] = rest;
  if (!owner || !id || extra.length) throw noRoute(ctx.url.pathname);
  const slug = `${owner}/${id}`;
  if (items === undefined) {
    if (m === "GET") return getCollection(ctx, slug);
    if (m === "PATCH") return updateCollection(ctx, slug);
    if (m === "DELETE") return deleteCollection(ctx, slug);
    throw methodNotAllowed(m, ctx.url.pathname);
  }
  if (items !== "items") throw noRoute(ctx.url.pathname);
  if (itemId === undefined) {
    if (m === "POST") return addCollectionItem(ctx, slug);
  } else {
    if (m === "PATCH") return updateCollectionItem(ctx, slug, itemId);
    if (m === "DELETE") return deleteCollectionItem(ctx, slug, itemId);
  }
  throw methodNotAllowed(m, ctx.url.pathname);
}

/** `/api/settings/webhooks[/{id}[/enable|/disable]]`. */
function routeWebhooks(ctx: Ctx, [id, action, ...extra]: string[]): Promise<Response> {
  const m = ctx.method;
  if (extra.length) throw noRoute(ctx.url.pathname);
  if (id === undefined) {
    if (m === "GET") return listWebhooks(ctx);
    if (m === "POST") return createWebhook(ctx);
  } else if (action === undefined) {
    if (m === "GET") return getWebhook(ctx, id);
    if (m === "POST") return updateWebhook(ctx, id);
    if (m === "DELETE") return deleteWebhook(ctx, id);
  } else if ((action === "enable" || action === "disable") && m === "POST") {
    return setWebhookDisabled(ctx, id, action === "disable");
  } else throw noRoute(ctx.url.pathname);
  throw methodNotAllowed(m, ctx.url.pathname);
}
