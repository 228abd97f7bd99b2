import { z } from "zod";
import { assertCanWrite } from "../core/auth.js";
import { type Ctx, json, pageSizeFor, paginate } from "../core/context.js";
import { DEFAULTS } from "../core/options.js";
import { parseBody } from "../core/validate.js";
import type { Repo } from "../model/types.js";

// LFS objects of a repo, as huggingface_hub 1.33 lists and deletes them (`list_lfs_files`,
// `permanently_delete_lfs_files`): `GET /api/{type}s/{id}/lfs-files` (paginated
// `{fileOid, oid, filename, size, pushedAt, ref?}`) and `POST .../lfs-files/batch` with
// `{deletions: {sha: [...], rewriteHistory}}`. Both need write access, as on the Hub.

/** A path that points to `oid` in the newest commit holding it (branches first). */
function filenameOf(ctx: Ctx, repo: Repo, oid: string): { filename: string; ref?: string } {
  for (const [branch, head] of Object.entries(repo.branches)) {
    for (const [path, entry] of ctx.hub.files(repo.commits[head]!))
      if (entry.lfs?.oid === oid) return { filename: path, ref: `refs/heads/${branch}` };
  }
  for (const commit of Object.values(repo.commits)) {
    for (const [path, entry] of ctx.hub.files(commit)) if (entry.lfs?.oid === oid) return { filename: path };
  }
  return { filename: "" };
}

export async function listLfsFiles(ctx: Ctx, repo: Repo): Promise<Response> {
  assertCanWrite(repo, ctx.principal);
  const all = Object.entries(repo.lfs).map(([oid, size]) => ({
    fileOid: oid,
    oid,
    size,
    pushedAt: repo.lfsPushedAt?.[oid] ?? repo.createdAt,
    ...filenameOf(ctx, repo, oid),
  }));
  const { page, headers } = paginate(ctx, all, pageSizeFor(ctx, DEFAULTS.treePageSize));
  return json(page, { headers });
}

const DeleteBody = z.object({
  deletions: z.object({
    sha: z.array(z.string().regex(/^[0-9a-f]{64}$/, "each sha must be a 64-hex SHA-256")).min(1),
    rewriteHistory: z.boolean().optional(),
  }),
});

/**
 * Forgets the objects for this repo: downloads of files pointing to them then answer 404
 * `EntryNotFound`. With `rewriteHistory` (huggingface_hub's default), the files pointing to
 * them also leave every ref's history, as on the Hub (huggingface_hub's
 * test_list_and_delete_lfs_files lists main's files afterwards); without it the pointers stay.
 */
export async function deleteLfsFiles(ctx: Ctx, repo: Repo): Promise<Response> {
  assertCanWrite(repo, ctx.principal);
  const body = parseBody(DeleteBody, await ctx.body.json(), "LFS deletion");
  if (body.deletions.rewriteHistory) ctx.hub.rewriteHistoryWithout(repo, new Set(body.deletions.sha));
  ctx.hub.forgetLfs(repo, body.deletions.sha);
  return json({});
}
