import * as z from "@hfkit/http/zod";

// Git LFS batch answer as the Hub sends it (hub-protocol.md 7.2). `header` is a bag of
// strings: for multipart it holds `chunk_size` and one presigned URL per part ("00001"…).
const WireAction = z.object({
  href: z.string(),
  header: z.record(z.string(), z.string()).nullish(),
  expires_at: z.string().nullish(),
});

export const WireLfsBatchResponse = z.object({
  transfer: z.string().nullish(),
  objects: z.array(
    z.object({
      oid: z.string(),
      size: z.number(),
      actions: z.object({ upload: WireAction.nullish(), verify: WireAction.nullish() }).nullish(),
      error: z.object({ code: z.number(), message: z.string() }).nullish(),
    }),
  ),
});

export type WireLfsBatchResponse = z.infer<typeof WireLfsBatchResponse>;
export type WireLfsAction = z.infer<typeof WireAction>;
