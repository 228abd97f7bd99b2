import { randomBytes } from "node:crypto";
import type { Ctx } from "../core/context.js";
import { EmulatorHttpError, forbidden, notFound } from "../core/errors.js";
import { parseRange } from "../core/serve-blob.js";
import { planRange, reconstruct, termsOf } from "../xet/reconstruct.js";
import { hashParam } from "./cas.js";
import { assertPresigned } from "./storage.js";

interface Span {
  start: number;
  end: number;
}

function parseSpans(text: string, what: string): Span[] {
  const match = /^bytes=(\d+-\d+(?:,\d+-\d+)*)$/.exec(text.replace(/\s+/g, ""));
  if (!match) throw new EmulatorHttpError(400, "InvalidRange", `Malformed ${what}: ${text}`);
  return match[1]!.split(",").map((part) => {
    const [start, end] = part.split("-").map(Number) as [number, number];
    if (start > end) throw new EmulatorHttpError(400, "InvalidRange", `Malformed ${what}: ${text}`);
    return { start, end };
  });
}

async function* pieces(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  yield* stream as unknown as AsyncIterable<Uint8Array>;
}

/**
 * `GET /xorbs/default/{hash}?X-Xet-Signed-Range=…` (the reconstruction answers' presigned
 * xorb URLs; hub-docs `download-protocol.md`): the signature authorizes exactly the byte
 * ranges in `X-Xet-Signed-Range`, the client must send a `Range` inside them, and several
 * ranges come back as one `multipart/byteranges` answer.
 */
export async function getXorbRanges(ctx: Ctx, segments: string[]): Promise<Response> {
  assertPresigned(ctx);
  const [prefix, hashText] = segments;
  if (prefix !== "default") throw notFound("The specified key does not exist.", "NoSuchKey");
  const hash = hashParam(hashText, "xorb");
  const size = await ctx.hub.storage.size(`xorb/${hash}`);
  if (size === undefined) throw notFound("The specified key does not exist.", "NoSuchKey");
  const signed = parseSpans(ctx.url.searchParams.get("X-Xet-Signed-Range") ?? "", "X-Xet-Signed-Range");
  const header = ctx.request.headers.get("range");
  if (!header)
    throw forbidden("Send a Range header within X-Xet-Signed-Range: the URL authorizes only those bytes");
  const asked = parseSpans(header, "Range header");
  for (const span of asked) {
    if (!signed.some((s) => s.start <= span.start && span.end <= s.end))
      throw forbidden(`Range ${span.start}-${span.end} is outside the signed ranges of this URL`);
    if (span.end >= size)
      throw new EmulatorHttpError(416, "RangeNotSatisfiable", `Range past the end of the xorb`);
  }
  const key = `xorb/${hash}`;
  if (asked.length === 1) {
    const [span] = asked as [Span];
    return new Response(ctx.hub.storage.read(key, span), {
      status: 206,
      headers: {
        "content-type": "application/octet-stream",
        "content-range": `bytes ${span.start}-${span.end}/${size}`,
        "content-length": String(span.end - span.start + 1),
      },
    });
  }
  const boundary = randomBytes(12).toString("hex");
  const encoder = new TextEncoder();
  const parts = asked.map((span, i) =>
    encoder.encode(
      `${i ? "\r\n" : ""}--${boundary}\r\ncontent-type: application/octet-stream\r\ncontent-range: bytes ${span.start}-${span.end}/${size}\r\n\r\n`,
    ),
  );
  const closing = encoder.encode(`\r\n--${boundary}--\r\n`);
  const length =
    parts.reduce((n, p) => n + p.byteLength, 0) +
    asked.reduce((n, s) => n + s.end - s.start + 1, 0) +
    closing.byteLength;
  const storage = ctx.hub.storage;
  async function* body(): AsyncIterable<Uint8Array> {
    for (const [i, span] of asked.entries()) {
      yield parts[i]!;
      yield* pieces(storage.read(key, span));
    }
    yield closing;
  }
  return new Response(ReadableStream.from(body()), {
    status: 206,
    headers: {
      "content-type": `multipart/byteranges; boundary=${boundary}`,
      "content-length": String(length),
    },
  });
}

/**
 * `GET|HEAD /xet-file/{hash}` (presigned): the whole file rebuilt from its xorbs, with `Range`,
 * for clients that do not speak Xet; `/resolve` redirects them here, as the Hub's Git LFS
 * bridge does (hub-docs `docs/hub/xet/legacy-git-lfs.md`).
 */
export async function getXetFile(ctx: Ctx, segments: string[]): Promise<Response> {
  assertPresigned(ctx);
  const hash = hashParam(segments[0], "file");
  const file = ctx.hub.state.xet.files[hash];
  if (!file) throw notFound("The specified key does not exist.", "NoSuchKey");
  const range = parseRange(ctx.request.headers.get("range"), file.size);
  const start = range?.start ?? 0;
  const end = range?.end ?? file.size - 1;
  const headers: Record<string, string> = {
    "content-type": "application/octet-stream",
    "accept-ranges": "bytes",
    etag: `"${file.sha256}"`,
    "content-length": String(Math.max(end - start + 1, 0)),
  };
  if (range) headers["content-range"] = `bytes ${start}-${end}/${file.size}`;
  const disposition = ctx.url.searchParams.get("response-content-disposition");
  if (disposition) headers["content-disposition"] = disposition;
  const status = range ? 206 : 200;
  if (ctx.method === "HEAD" || file.size === 0) return new Response(null, { status, headers });
  const terms = termsOf(file.terms);
  const indexOf = (x: string) => ctx.xet.indexOf(x);
  const plan = await planRange(terms, file.size, { start, end }, indexOf);
  return new Response(ReadableStream.from(reconstruct(ctx.hub.storage, ctx.xet.hasher, plan, indexOf)), {
    status,
    headers,
  });
}
