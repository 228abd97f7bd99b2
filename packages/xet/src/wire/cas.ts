import * as z from "@hfkit/http/zod";

// Wire JSON of the Xet token exchange and the CAS API (hub-docs docs/xet/auth.md, api.md,
// download-protocol.md). Lenient: unknown keys pass.

/** `GET /api/{type}s/{repo}/xet-{read|write}-token/{rev}`. Fields may also come as X-Xet-* headers. */
export const XetTokenWire = z
  .object({
    accessToken: z.string().optional(),
    exp: z.number().optional(),
    casUrl: z.string().optional(),
  })
  .nullable();

/** `POST /v1/xorbs/default/{hash}`. */
export const UploadXorbWire = z.object({ was_inserted: z.boolean().optional() });

/** `POST /v1/shards`. */
export const UploadShardWire = z.object({ result: z.number().optional() });

const ChunkRange = z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() });

const Term = z.object({
  hash: z.string(),
  unpacked_length: z.number().int().nonnegative(),
  range: ChunkRange,
});

/** `GET /v2/reconstructions/{file}`. */
export const ReconstructionV2Wire = z.object({
  offset_into_first_range: z.number().int().nonnegative().default(0),
  terms: z.array(Term),
  xorbs: z.record(
    z.string(),
    z.array(
      z.object({
        url: z.string(),
        ranges: z.array(z.object({ chunks: ChunkRange, bytes: ChunkRange })),
      }),
    ),
  ),
});

/** `GET /v1/reconstructions/{file}` (deprecated; the fallback when v2 answers 404 or 501). */
export const ReconstructionV1Wire = z.object({
  offset_into_first_range: z.number().int().nonnegative().default(0),
  terms: z.array(Term),
  fetch_info: z.record(
    z.string(),
    z.array(
      z.object({
        range: ChunkRange,
        url: z.string(),
        url_range: ChunkRange,
      }),
    ),
  ),
});
