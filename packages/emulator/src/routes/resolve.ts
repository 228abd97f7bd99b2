import { assertGateOpen, type Ctx, lfsObjectUrl, readableRepo, xetHashOf } from "../core/context.js";
import { entryNotFound, repoNotFound } from "../core/errors.js";
import { parseRange, serveBlob } from "../core/serve-blob.js";
import { lfsPointer } from "../git/objects.js";
import { TYPE_PREFIX } from "../model/hub.js";
import type { RepoType } from "../model/types.js";
import { readTokenUrl } from "./xet-token.js";

/** What the JS client sends in `Accept` to get a Xet file's info instead of a redirect. */
const XET_FILE_INFO = "application/vnd.xet-fileinfo+json";

function contentType(path: string): string {
  if (/\.(md|txt|py|csv|tsv|yaml|yml|gitattributes|gitignore)$/i.test(path) || !path.includes(".")) {
    return "text/plain; charset=utf-8";
  }
  if (path.endsWith(".json")) return "application/json; charset=utf-8";
  return "application/octet-stream";
}

/**
 * `GET|HEAD /{prefix}{repo}/resolve|raw/{rev}/{path}`. Regular files are served directly
 * (ETag = git blob sha1). On `resolve`, LFS files answer 302 to a presigned URL on the
 * storage origin with `X-Linked-Size` / `X-Linked-Etag` (the sha256) on the redirect
 * itself; `raw` returns the pointer file. Missing files are 404 `EntryNotFound` that still
 * carry `X-Repo-Commit` (PY caches the miss with it).
 */
export async function resolveFile(
  ctx: Ctx,
  type: RepoType,
  namespace: string,
  name: string,
  mode: "resolve" | "raw",
  segments: string[],
): Promise<Response> {
  const repo = ctx.hub.findRepo(type, namespace, name);
  if (!repo) {
    const moved = ctx.hub.state.moved[`${TYPE_PREFIX[type]}${namespace}/${name}`];
    if (moved) {
      const rest = ctx.url.pathname
        .split("/")
        .slice(type === "model" ? 3 : 4)
        .join("/");
      return new Response(null, { status: 307, headers: { location: `/${moved}/${rest}${ctx.url.search}` } });
    }
    throw repoNotFound(!ctx.principal);
  }
  readableRepo(ctx, type, namespace, name);
  assertGateOpen(ctx, repo);
  const { rev, path } = ctx.hub.splitRevision(repo, segments, 1);
  const { commit } = ctx.hub.resolve(repo, rev);
  const item = ctx.hub.lookup(commit, path);
  const base = { "x-repo-commit": commit.id };
  if (item?.type !== "file") throw entryNotFound(path, base);

  const lfs = item.lfs;
  if (lfs && mode === "resolve") {
    const etag = `"${lfs.oid}"`;
    const headers: Record<string, string> = {
      ...base,
      "x-linked-size": String(lfs.size),
      "x-linked-etag": etag,
      etag,
    };
    const xetHash = xetHashOf(ctx, repo, lfs.oid);
    if (xetHash) {
      // hub-protocol.md 5.2 / 5.3: the Xet file id, where to get a read token, and where to
      // ask for the reconstruction (huggingface_hub `utils/_xet.py`, the JS `fileDownloadInfo`).
      const refreshUrl = readTokenUrl(ctx, repo, commit.id);
      const reconstructionUrl = `${ctx.options.storageBaseUrl}/v1/reconstructions/${xetHash}`;
      headers["x-xet-hash"] = xetHash;
      headers.link = `<${refreshUrl}>; rel="xet-auth", <${reconstructionUrl}>; rel="xet-reconstruction-info"`;
      if ((ctx.request.headers.get("accept") ?? "").includes(XET_FILE_INFO)) {
        const body = JSON.stringify({
          etag: lfs.oid,
          hash: xetHash,
          reconstructionUrl,
          refreshUrl,
          size: lfs.size,
        });
        return new Response(ctx.method === "HEAD" ? null : body, {
          status: 200,
          headers: { ...headers, "content-type": XET_FILE_INFO },
        });
      }
    }
    if (ctx.request.headers.get("if-none-match") === etag)
      return new Response(null, { status: 304, headers });
    const filename = path.slice(path.lastIndexOf("/") + 1);
    const location = await lfsObjectUrl(ctx, repo, lfs.oid, {
      "response-content-disposition": `inline; filename="${filename.replace(/"/g, "")}"`,
    });
    if (!location) throw entryNotFound(path, base);
    return new Response(null, { status: 302, headers: { ...headers, location, "content-length": "0" } });
  }

  const etag = `"${item.oid}"`;
  const headers = { ...base, etag, "content-type": contentType(path) };
  if (mode === "resolve" && ctx.request.headers.get("if-none-match") === etag) {
    return new Response(null, { status: 304, headers });
  }
  if (lfs) {
    const pointer = Buffer.from(lfsPointer(lfs.oid, lfs.size));
    return serveBytes(ctx.request, pointer, headers);
  }
  return serveBlob(ctx.hub.storage, ctx.request, `git/${item.oid}`, item.size, headers);
}

function serveBytes(request: Request, bytes: Uint8Array, headers: Record<string, string>): Response {
  const range = parseRange(request.headers.get("range"), bytes.byteLength);
  const body = range ? bytes.subarray(range.start, range.end + 1) : bytes;
  const extra: Record<string, string> = range
    ? { "content-range": `bytes ${range.start}-${range.end}/${bytes.byteLength}` }
    : {};
  return new Response(request.method === "HEAD" ? null : body, {
    status: range ? 206 : 200,
    headers: { ...headers, ...extra, "accept-ranges": "bytes", "content-length": String(body.byteLength) },
  });
}
