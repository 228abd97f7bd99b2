import type { Repo } from "../model/types.js";
import { forbidden, unauthorized } from "./errors.js";

export interface EmulatorUser {
  token: string;
  user: string;
  role: "read" | "write";
  /** Organisations the user belongs to: they may read and (with a write token) write there. */
  orgs?: string[];
}

export interface Principal {
  user: string;
  role: "read" | "write";
  orgs: string[];
  tokenName: string;
}

/**
 * Maps the `Authorization` header to a user. With no configured users, any `hf_` token is
 * the write user `local`; otherwise only the configured tokens are accepted. A header that
 * is present but not valid is a 401 even on public reads, as on the Hub.
 */
export function authenticate(
  header: string | null,
  users: readonly EmulatorUser[] | undefined,
  orgs: ReadonlyArray<{ name: string; members: readonly string[] }> = [],
): Principal | undefined {
  const principal = tokenUser(header, users);
  if (!principal) return principal;
  // Organisations given with their members (`--org NAME:USER,USER`) add to the user's own list.
  const user = principal.user.toLowerCase();
  for (const org of orgs) {
    if (org.members.some((m) => m.toLowerCase() === user) && !principal.orgs.includes(org.name))
      principal.orgs = [...principal.orgs, org.name];
  }
  return principal;
}

function tokenUser(header: string | null, users: readonly EmulatorUser[] | undefined): Principal | undefined {
  if (header === null) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized();
  const token = match[1]!;
  if (!users) {
    if (!token.startsWith("hf_")) throw unauthorized();
    return { user: "local", role: "write", orgs: [], tokenName: "emulator" };
  }
  const found = users.find((u) => u.token === token);
  if (!found) throw unauthorized();
  return {
    user: found.user,
    role: found.role,
    orgs: found.orgs ?? [],
    tokenName: `${found.user}-${found.role}`,
  };
}

export function ownsNamespace(principal: Principal | undefined, namespace: string): boolean {
  if (!principal) return false;
  const ns = namespace.toLowerCase();
  return principal.user.toLowerCase() === ns || principal.orgs.some((o) => o.toLowerCase() === ns);
}

export function canRead(repo: Repo, principal: Principal | undefined): boolean {
  return !repo.private || ownsNamespace(principal, repo.namespace);
}

export function requireSignedIn(principal: Principal | undefined): Principal {
  if (!principal)
    throw unauthorized("You must be authenticated to do this (send an Authorization header with a token)");
  return principal;
}

/** Writes need a write token of the repo's namespace (its user or one of their orgs). */
export function assertCanWrite(repo: Repo, principal: Principal | undefined): Principal {
  const who = requireSignedIn(principal);
  if (!ownsNamespace(who, repo.namespace)) {
    throw forbidden(`You don't have the rights to write to ${repo.namespace}/${repo.name}`);
  }
  if (who.role !== "write") throw forbidden("This token has read access only; a write token is required");
  return who;
}
