import * as z from "@hfkit/http/zod";

// `POST /api/{type}/{repo}/preupload/{rev}` answer (hub-protocol.md 6.2). `oid` is what the
// revision holds at that path now: a git blob id, or the SHA-256 of an LFS file.
export const WirePreuploadResponse = z.object({
  files: z.array(
    z.object({
      path: z.string(),
      uploadMode: z.enum(["lfs", "regular"]),
      shouldIgnore: z.boolean().nullish(),
      oid: z.string().nullish(),
    }),
  ),
  commitOid: z.string().nullish(),
});

export type WirePreuploadResponse = z.infer<typeof WirePreuploadResponse>;
