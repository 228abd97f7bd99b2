import * as z from "@hfkit/http/zod";

// `GET /api/{type}/{repo}[/revision/{rev}]` and the items of `GET /api/{models|datasets|spaces}`
// (hub-protocol §3.3, §3.4). Lenient: every field but `id` may be missing (listings and `expand`
// return subsets), and unknown keys pass so expanded properties reach `raw`.
export const WireSibling = z
  .object({
    rfilename: z.string(),
    size: z.number().nullish(),
    blobId: z.string().nullish(),
    lfs: z
      .object({ sha256: z.string(), size: z.number(), pointerSize: z.number().nullish() })
      .loose()
      .nullish(),
  })
  .loose();

export const WireRepoInfo = z
  .object({
    id: z.string(),
    author: z.string().nullish(),
    sha: z.string().nullish(),
    private: z.boolean().nullish(),
    gated: z.union([z.boolean(), z.string()]).nullish(),
    disabled: z.boolean().nullish(),
    lastModified: z.string().nullish(),
    createdAt: z.string().nullish(),
    downloads: z.number().nullish(),
    likes: z.number().nullish(),
    tags: z.array(z.string()).nullish(),
    siblings: z.array(WireSibling).nullish(),
    cardData: z.record(z.string(), z.unknown()).nullish(),
    // models
    pipeline_tag: z.string().nullish(),
    library_name: z.string().nullish(),
    // datasets
    description: z.string().nullish(),
    citation: z.string().nullish(),
    // spaces
    sdk: z.string().nullish(),
    subdomain: z.string().nullish(),
  })
  .loose();

export type WireRepoInfo = z.infer<typeof WireRepoInfo>;
