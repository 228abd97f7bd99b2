import type { EmulatorUser } from "./auth.js";

export interface EmulatorOptions {
  /** `"memory"` (default) or a directory that survives restarts. */
  storage?: "memory" | { dir: string };
  /** Accepted tokens. Default: any `hf_` token is the write user `local`. */
  users?: EmulatorUser[];
  /** Page size of every listing (tree, commits, repos, discussions). Default: see README. */
  pageSize?: number;
  /** Part size of LFS multipart uploads. Default 16 MiB. */
  multipartChunkSize?: number;
  /** Objects of at least this many bytes get a multipart action. Default 32 MiB. */
  multipartThreshold?: number;
  /**
   * Verify the SHA-256 of uploaded LFS objects, and of each new Xet file (its shard's SHA-256
   * metadata against the bytes its terms reconstruct). Default true; turn off only for benchmarks.
   */
  verifyLfsSha256?: boolean;
  /** Origin of the Hub API in absolute URLs. Default `http://hub.emulator.local`. */
  baseUrl?: string;
  /** Origin standing in for S3 / the LFS CDN. Default `http://storage.emulator.local`. */
  storageBaseUrl?: string;
  /** Keep at most this many request-log entries (oldest dropped). Default 10,000. */
  requestLogLimit?: number;
  /** Clock for commit dates, presigned URLs and Xet tokens (milliseconds). Default `Date.now`. */
  now?: () => number;
  /**
   * Serve Xet (token exchange, CAS, `transfer: "xet"`, Xet download headers). Default true, as
   * on the Hub; `false` leaves the LFS protocol only (clients then need their non-Xet path).
   */
  xet?: boolean;
  /** Lifetime of the CAS access tokens from `xet-{read,write}-token`, in seconds. Default 3600. */
  xetTokenSeconds?: number;
  /**
   * Organisations and their members: members may read and (with a write token) write in the
   * organisation's namespace, and it answers `/api/organizations/{name}/members`.
   */
  orgs?: EmulatorOrg[];
  /**
   * A folder of repos to start from: `{dir}/{models|datasets|spaces}/{namespace}/{name}/…files`.
   * Each repo not already in storage is created with those files as its initial commit.
   */
  seed?: string;
}

/** An organization and the users who belong to it (`--org NAME:USER,USER`). */
export interface EmulatorOrg {
  name: string;
  members: string[];
}

export const DEFAULTS = {
  baseUrl: "http://hub.emulator.local",
  storageBaseUrl: "http://storage.emulator.local",
  multipartChunkSize: 16 * 1024 * 1024,
  multipartThreshold: 32 * 1024 * 1024,
  /** Tree, repo lists: the Hub's documented 1000. Commits and discussions: 50. */
  treePageSize: 1000,
  commitsPageSize: 50,
  requestLogLimit: 10_000,
  /** Presigned URLs stay valid this long. */
  presignSeconds: 24 * 3600,
  xetTokenSeconds: 3600,
} as const;

export interface ResolvedOptions {
  baseUrl: string;
  storageBaseUrl: string;
  users: EmulatorUser[] | undefined;
  pageSize: number | undefined;
  multipartChunkSize: number;
  multipartThreshold: number;
  verifyLfsSha256: boolean;
  requestLogLimit: number;
  xet: boolean;
  xetTokenSeconds: number;
  orgs: EmulatorOrg[];
}

function origin(value: string, field: string): string {
  const url = new URL(value);
  if (url.pathname !== "/" || url.search)
    throw new TypeError(`${field} must be an origin such as http://127.0.0.1:8080`);
  return url.origin;
}

function positive(value: number | undefined, field: string): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new TypeError(`${field} must be a positive integer, got ${value}`);
  }
  return value;
}

export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  if (options.users) {
    for (const u of options.users) {
      if (!u.token || !u.user || (u.role !== "read" && u.role !== "write")) {
        throw new TypeError("each users[] entry needs a token, a user and a role of read or write");
      }
    }
  }
  return {
    baseUrl: origin(options.baseUrl ?? DEFAULTS.baseUrl, "baseUrl"),
    storageBaseUrl: origin(options.storageBaseUrl ?? DEFAULTS.storageBaseUrl, "storageBaseUrl"),
    users: options.users,
    pageSize: positive(options.pageSize, "pageSize"),
    multipartChunkSize:
      positive(options.multipartChunkSize, "multipartChunkSize") ?? DEFAULTS.multipartChunkSize,
    multipartThreshold:
      positive(options.multipartThreshold, "multipartThreshold") ?? DEFAULTS.multipartThreshold,
    verifyLfsSha256: options.verifyLfsSha256 ?? true,
    requestLogLimit: positive(options.requestLogLimit, "requestLogLimit") ?? DEFAULTS.requestLogLimit,
    xet: options.xet ?? true,
    xetTokenSeconds: positive(options.xetTokenSeconds, "xetTokenSeconds") ?? DEFAULTS.xetTokenSeconds,
    orgs: (options.orgs ?? []).map((org, i) => {
      if (!org || typeof org.name !== "string" || !org.name || !Array.isArray(org.members))
        throw new TypeError(`orgs[${i}] needs a name and a members array`);
      return { name: org.name, members: [...org.members] };
    }),
  };
}
