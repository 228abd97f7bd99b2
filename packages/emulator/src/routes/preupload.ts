import { z } from "zod";
import { assertCanWrite, requireSignedIn } from "../core/auth.js";
import { type Ctx, json } from "../core/context.js";
import { badRequest, forbidden } from "../core/errors.js";
import { parseBody } from "../core/validate.js";
import { lfsMatcher } from "../model/gitattributes.js";
import { assertPathInRepo } from "../model/names.js";
import type { Repo } from "../model/types.js";

/** Files of at least this size always go through LFS (the Hub rejects larger regular files). */
export const REGULAR_FILE_LIMIT = 10 * 1024 * 1024;

const PreuploadBody = z.object({
  files: z.array(
    z.object({ path: z.string(), size: z.number().int().nonnegative(), sample: z.string().optional() }),
  ),
  gitAttributes: z.string().optional(),
  gitIgnore: z.string().optional(),
});

/**
 * Writes to a branch need write access to the repo; opening a PR (`create_pr=1`, or an LFS
 * upload without `ref`) any signed-in user's write token: a `read` token "can only be used to
 * provide read access" (hub-docs `security-tokens.md`).
 */
export function assertCanCommit(ctx: Ctx, repo: Repo, createPr: boolean): string {
  if (!createPr) return assertCanWrite(repo, ctx.principal).user;
  const who = requireSignedIn(ctx.principal);
  if (who.role !== "write") throw forbidden("This token has read access only; a write token is required");
  return who.user;
}

export function isCreatePr(ctx: Ctx): boolean {
  const value = ctx.url.searchParams.get("create_pr");
  return value === "1" || value === "true";
}

/**
 * `POST /api/{type}s/{repo}/preupload/{rev}`. The rule (the Hub's exact heuristics are not
 * public): a file is `lfs` when it matches a `filter=lfs` pattern of the `.gitattributes`
 * sent with the request (or else the one at `rev`), or is at least 10 MiB, or its sample
 * contains a NUL byte; empty files are always `regular`. `shouldIgnore` follows the
 * `gitIgnore` sent (or the repo's `.gitignore`).
 */
export async function preupload(ctx: Ctx, repo: Repo, rev: string): Promise<Response> {
  assertCanCommit(ctx, repo, isCreatePr(ctx));
  const body = parseBody(PreuploadBody, await ctx.body.json(), "preupload request");
  const { commit } = ctx.hub.resolve(repo, rev);
  const files = ctx.hub.files(commit);
  const readText = async (path: string) => {
    const entry = files.get(path);
    if (!entry || entry.lfs) return "";
    return Buffer.from(await ctx.hub.storage.readBytes(`git/${entry.oid}`)).toString("utf8");
  };
  const isLfs = lfsMatcher(body.gitAttributes ?? (await readText(".gitattributes")));
  const isIgnored = lfsMatcherFromIgnore(body.gitIgnore ?? (await readText(".gitignore")));
  const out = body.files.map((file) => {
    assertPathInRepo(file.path, "files[].path");
    const sample = file.sample ? Buffer.from(file.sample, "base64") : Buffer.alloc(0);
    if (sample.byteLength > 512) throw badRequest(`The sample of ${file.path} is longer than 512 bytes`);
    const lfs = file.size > 0 && (isLfs(file.path) || file.size >= REGULAR_FILE_LIMIT || sample.includes(0));
    const current = files.get(file.path);
    return {
      path: file.path,
      uploadMode: lfs ? "lfs" : "regular",
      shouldIgnore: isIgnored(file.path),
      ...(current ? { oid: current.lfs ? current.lfs.oid : current.oid } : {}),
    };
  });
  return json({ files: out, commitOid: commit.id });
}

/** `.gitignore` patterns, reduced to the glob subset `lfsMatcher` understands. */
function lfsMatcherFromIgnore(gitignore: string): (path: string) => boolean {
  const lines = gitignore
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const asAttributes = lines
    .map((l) => (l.startsWith("!") ? `${l.slice(1)} -filter` : `${l.replace(/\/$/, "/**")} filter=lfs`))
    .join("\n");
  return lfsMatcher(asAttributes);
}
