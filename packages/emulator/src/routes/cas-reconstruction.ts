import { z } from "zod";
import { type Ctx, json } from "../core/context.js";
import { badRequest, notFound } from "../core/errors.js";
import { parseRange } from "../core/serve-blob.js";
import { parseBody } from "../core/validate.js";
import type { Frozen, Repo, XetFileRecord } from "../model/types.js";
import { byteRange, mergeRanges, type Plan, planRange, type Term, termsOf } from "../xet/reconstruct.js";
import { casAuth, hashParam } from "./cas.js";

/** A file the token's repo may read: registered for it through a shard. */
function readableFile(ctx: Ctx, repo: Repo, hash: string): Frozen<XetFileRecord> {
  const file = ctx.hub.state.xet.files[hash];
  if (!file || repo.xet?.[file.sha256] !== hash)
    throw notFound(`No file ${hash} in this repo's Xet storage`, "FileNotFound");
  return file;
}

/** The plan for the whole file, or for the `Range` asked (416 when it starts past the end). */
async function plan(ctx: Ctx, file: Frozen<XetFileRecord>): Promise<Plan> {
  const terms = termsOf(file.terms);
  const range = parseRange(ctx.request.headers.get("range"), file.size);
  if (!range) return { offset: 0, terms, length: file.size };
  return planRange(terms, file.size, range, (x) => ctx.xet.indexOf(x));
}

/** A presigned URL on the storage origin for byte ranges of a xorb (hub-docs `download-protocol.md`). */
function xorbUrl(ctx: Ctx, xorb: string, ranges: ReadonlyArray<{ start: number; end: number }>): string {
  return ctx.signer.sign(ctx.options.storageBaseUrl, `/xorbs/default/${xorb}`, {
    "X-Xet-Signed-Range": `bytes=${ranges.map((r) => `${r.start}-${r.end}`).join(",")}`,
  });
}

const wireTerm = (t: Term) => ({
  hash: t.xorb,
  unpacked_length: t.length,
  range: { start: t.start, end: t.end },
});

/** v1's `fetch_info`: one presigned URL per merged chunk range, each covering whole terms. */
async function fetchInfo(ctx: Ctx, terms: readonly Term[]) {
  const out: Record<string, unknown[]> = {};
  for (const [xorb, ranges] of mergeRanges(terms)) {
    const index = await ctx.xet.indexOf(xorb);
    out[xorb] = ranges.map((r) => {
      const bytes = byteRange(index, r.start, r.end);
      return { range: r, url: xorbUrl(ctx, xorb, [bytes]), url_range: bytes };
    });
  }
  return out;
}

/** v2's `xorbs`: one presigned multi-range URL per xorb. */
async function multiRangeFetch(ctx: Ctx, terms: readonly Term[]) {
  const out: Record<string, unknown[]> = {};
  for (const [xorb, ranges] of mergeRanges(terms)) {
    const index = await ctx.xet.indexOf(xorb);
    const described = ranges.map((r) => ({ chunks: r, bytes: byteRange(index, r.start, r.end) }));
    out[xorb] = [
      {
        url: xorbUrl(
          ctx,
          xorb,
          described.map((d) => d.bytes),
        ),
        ranges: described,
      },
    ];
  }
  return out;
}

/** `GET /v1/reconstructions/{file}` and `GET /v2/reconstructions/{file}`, with optional `Range`. */
export async function getReconstruction(
  ctx: Ctx,
  version: 1 | 2,
  hashText: string | undefined,
): Promise<Response> {
  const { repo } = casAuth(ctx, "read");
  const file = readableFile(ctx, repo, hashParam(hashText, "file"));
  const { offset, terms } = await plan(ctx, file);
  return json({
    offset_into_first_range: offset,
    terms: terms.map(wireTerm),
    ...(version === 1
      ? { fetch_info: await fetchInfo(ctx, terms) }
      : { xorbs: await multiRangeFetch(ctx, terms) }),
  });
}

const BatchBody = z.array(z.object({ prefix: z.string(), hash: z.string() }));

/** `GET /v1/reconstructions?file_id=…` (xet-core) and `POST /v1/reconstructions` (hub-docs): v1 shape for several files. */
export async function batchReconstruction(ctx: Ctx): Promise<Response> {
  const { repo } = casAuth(ctx, "read");
  let ids: string[];
  if (ctx.method === "POST") {
    const keys = parseBody(BatchBody, await ctx.body.json(), "batch reconstruction request");
    for (const key of keys)
      if (key.prefix !== "default") throw badRequest(`Unknown prefix "${key.prefix}": use default`);
    ids = keys.map((k) => k.hash);
  } else {
    ids = ctx.url.searchParams.getAll("file_id");
  }
  if (!ids.length) throw badRequest("Name at least one file (file_id=… or a JSON array of {prefix, hash})");
  const files: Record<string, unknown[]> = {};
  const all: Term[] = [];
  for (const id of new Set(ids)) {
    const terms = termsOf(readableFile(ctx, repo, hashParam(id, "file")).terms);
    files[id] = terms.map(wireTerm);
    all.push(...terms);
  }
  return json({ files, fetch_info: await fetchInfo(ctx, all) });
}
