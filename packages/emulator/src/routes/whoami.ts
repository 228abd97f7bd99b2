import { requireSignedIn } from "../core/auth.js";
import { type Ctx, json } from "../core/context.js";

/** `GET /api/whoami-v2`: the shape of hub-protocol.md 3.5, for the token's user. */
export async function whoami(ctx: Ctx): Promise<Response> {
  const who = requireSignedIn(ctx.principal);
  return json({
    type: "user",
    id: Buffer.from(who.user).toString("hex").padEnd(24, "0").slice(0, 24),
    name: who.user,
    fullname: who.user,
    email: `${who.user}@users.noreply.emulator.local`,
    emailVerified: true,
    isPro: false,
    canPay: false,
    periodEnd: null,
    // Relative, as the Hub answers it (clients prefix the endpoint themselves).
    avatarUrl: `/avatars/${encodeURIComponent(who.user)}.svg`,
    billingMode: "prepaid",
    orgs: who.orgs.map((name) => ({
      type: "org",
      id: Buffer.from(name).toString("hex").padEnd(24, "0").slice(0, 24),
      name,
      fullname: name,
      avatarUrl: `/avatars/${encodeURIComponent(name)}.svg`,
      isEnterprise: false,
      roleInOrg: who.role === "write" ? "write" : "read",
    })),
    auth: {
      type: "access_token",
      accessToken: { displayName: who.tokenName, role: who.role, createdAt: "2025-01-01T00:00:00.000Z" },
    },
  });
}
