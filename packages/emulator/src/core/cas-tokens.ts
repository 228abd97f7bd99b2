import { createHmac, timingSafeEqual } from "node:crypto";
import { EmulatorHttpError, forbidden } from "./errors.js";

/**
 * CAS access tokens, as the Hub's `xet-{read,write}-token` hands them out (hub-docs
 * `docs/xet/auth.md`): short-lived, scoped `read` or `write`, tied to one repo. The emulator's
 * are `xet_<payload>.<HMAC>` keyed by the state's secret, so they survive a restart and
 * nothing else (the Hub token above all) is ever accepted by the CAS routes.
 */
export interface CasGrant {
  /** The repo's stable uid (survives a rename). */
  repo: string;
  scope: "read" | "write";
  /** Expiry, unix seconds. */
  exp: number;
}

const PREFIX = "xet_";

function mac(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(`xet-cas-token\n${payload}`).digest("base64url");
}

export function signCasToken(secret: string, grant: CasGrant): string {
  const payload = Buffer.from(JSON.stringify(grant)).toString("base64url");
  return `${PREFIX}${payload}.${mac(secret, payload)}`;
}

const unauthorized = (message: string) => new EmulatorHttpError(401, "Unauthorized", message);

/**
 * The grant behind `Authorization: Bearer <token>` on a CAS route: 401 for a missing,
 * foreign, altered or expired token (clients then refresh it), 403 for a read token on a
 * write route (hub-docs `docs/xet/api.md`, "Error Cases").
 */
export function verifyCasToken(
  secret: string,
  header: string | null,
  nowSeconds: number,
  need: "read" | "write",
): CasGrant {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  if (!token)
    throw unauthorized("CAS requests need Authorization: Bearer <Xet access token> (see xet-read-token)");
  if (!token.startsWith(PREFIX)) {
    throw unauthorized(
      "CAS accepts only Xet access tokens from /api/{type}s/{repo}/xet-{read,write}-token, never a Hub token",
    );
  }
  const [payload, signature] = token.slice(PREFIX.length).split(".");
  const expected = payload ? mac(secret, payload) : "";
  if (
    !signature ||
    signature.length !== expected.length ||
    !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  )
    throw unauthorized("Invalid Xet access token (altered, or from another emulator)");
  const grant = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as CasGrant;
  if (!(grant.exp > nowSeconds)) throw unauthorized("Xet access token expired: fetch a new one");
  if (need === "write" && grant.scope !== "write")
    throw forbidden("This Xet token has read scope; uploads need a token from xet-write-token");
  return grant;
}
