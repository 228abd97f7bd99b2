import { z } from "zod";
import { type Ctx, json, pageSizeFor, paginate, xetHashOf } from "../core/context.js";
import { badRequest, EmulatorHttpError, entryNotFound } from "../core/errors.js";
import { DEFAULTS } from "../core/options.js";
import { parseBody } from "../core/validate.js";
import type { Repo, TreeItem } from "../model/types.js";

/** A tree entry as the Hub lists it (hub-protocol.md 4.1). */
function entryJson(ctx: Ctx, repo: Repo, head: string, path: string, item: TreeItem, expand: boolean) {
  const entry: Record<string, unknown> = {
    type: item.type,
    oid: item.oid,
    size: item.type === "file" ? item.size : 0,
    path,
  };
  if (item.lfs) {
    entry.lfs = { oid: item.lfs.oid, size: item.lfs.size, pointerSize: item.lfs.pointerSize };
    // Xet-stored files also name their Xet file id (huggingface_hub `RepoFile.xet_hash`).
    const xetHash = xetHashOf(ctx, repo, item.lfs.oid);
    if (xetHash) entry.xetHash = xetHash;
  }
  if (expand) {
    const last = ctx.hub.lastCommitFor(repo, head, path);
    entry.lastCommit = { id: last.id, title: last.title, date: last.date };
    if (item.type === "file") {
      entry.securityFileStatus = {
        status: "unscanned",
        avScan: { virusFound: false },
        pickleImportScan: null,
      };
    }
  }
  return entry;
}

function walk(
  ctx: Ctx,
  treeId: string,
  prefix: string,
  recursive: boolean,
  out: Array<[string, TreeItem]>,
): void {
  for (const item of ctx.hub.trees.items(treeId)) {
    const path = prefix + item.name;
    out.push([path, item]);
    if (recursive && item.type === "directory") walk(ctx, item.oid, `${path}/`, true, out);
  }
}

/** `GET /api/{type}s/{repo}/tree/{rev}[/{path}]?recursive=&expand=` with Link paging. */
export async function listTree(ctx: Ctx, repo: Repo, segments: string[]): Promise<Response> {
  const { rev, path } = ctx.hub.splitRevision(repo, segments, 0);
  const { commit } = ctx.hub.resolve(repo, rev);
  const recursive = ctx.url.searchParams.get("recursive") === "true";
  const expand = ctx.url.searchParams.get("expand") === "true";
  const item = ctx.hub.lookup(commit, path);
  if (!item) throw entryNotFound(path, { "x-repo-commit": commit.id });
  const items: Array<[string, TreeItem]> = [];
  if (item.type === "file") items.push([path, item]);
  else walk(ctx, item.oid, path ? `${path}/` : "", recursive, items);
  const size = pageSizeFor(ctx, expand ? DEFAULTS.commitsPageSize : DEFAULTS.treePageSize);
  const { page, headers } = paginate(ctx, items, size);
  return json(
    page.map(([p, i]) => entryJson(ctx, repo, commit.id, p, i, expand)),
    { headers },
  );
}

const PathsInfoJson = z.object({
  paths: z.union([z.string(), z.array(z.string())]),
  expand: z.union([z.boolean(), z.enum(["true", "false", "1", "0"])]).optional(),
});

/** More paths than this in one call is a 413, as on the Hub (hub-protocol.md 4.2). */
const MAX_PATHS = 1000;

/** `POST /api/{type}s/{repo}/paths-info/{rev}`, JSON (JS) or form-encoded (PY); unknown paths are omitted. */
export async function pathsInfo(ctx: Ctx, repo: Repo, rev: string): Promise<Response> {
  const { commit } = ctx.hub.resolve(repo, rev);
  const contentType = ctx.request.headers.get("content-type") ?? "";
  let paths: string[];
  let expand: boolean;
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    const form = new URLSearchParams(await ctx.body.text());
    paths = form.getAll("paths");
    expand = form.get("expand") === "true" || form.get("expand") === "1";
  } else {
    const body = parseBody(PathsInfoJson, await ctx.body.json(), "paths-info request");
    paths = typeof body.paths === "string" ? [body.paths] : body.paths;
    expand = body.expand === true || body.expand === "true" || body.expand === "1";
  }
  if (paths.length > MAX_PATHS) {
    throw new EmulatorHttpError(
      413,
      "PayloadTooLarge",
      `Too many paths (${paths.length}); send at most ${MAX_PATHS}`,
    );
  }
  const out = [];
  for (const raw of paths) {
    if (typeof raw !== "string") throw badRequest("paths must be strings");
    const path = raw.replace(/^\/+|\/+$/g, "");
    const item = ctx.hub.lookup(commit, path);
    if (item && path) out.push(entryJson(ctx, repo, commit.id, path, item, expand));
  }
  return json(out);
}
