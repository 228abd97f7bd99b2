import * as z from "@hfkit/http/zod";

// `GET /api/whoami-v2` (hub-protocol §3.5). Users, orgs and apps share `type`, `name`;
// the rest varies, so everything else is optional.
export const WireWhoAmI = z
  .object({
    type: z.string(),
    id: z.string().nullish(),
    name: z.string(),
    fullname: z.string().nullish(),
    email: z.string().nullish(),
    emailVerified: z.boolean().nullish(),
    isPro: z.boolean().nullish(),
    avatarUrl: z.string().nullish(),
    orgs: z
      .array(
        z
          .object({
            name: z.string(),
            fullname: z.string().nullish(),
            roleInOrg: z.string().nullish(),
            isEnterprise: z.boolean().nullish(),
          })
          .loose(),
      )
      .nullish(),
    auth: z
      .object({
        type: z.string().nullish(),
        accessToken: z
          .object({
            displayName: z.string().nullish(),
            role: z.string().nullish(),
            createdAt: z.string().nullish(),
          })
          .loose()
          .nullish(),
      })
      .loose()
      .nullish(),
  })
  .loose();
