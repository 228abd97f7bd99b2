import { homeDir as homedir, joinPath as join, XET_AVAILABLE } from "./platform.js";

/** The Hub's public endpoint, used when neither an option nor `HF_ENDPOINT` names another. */
export const DEFAULT_ENDPOINT = "https://huggingface.co";

/**
 * Everything hfkit reads from the environment, resolved in this one place. Other modules
 * receive these values; none of them reads `process.env` itself.
 */
export interface HubEnvironment {
  /** `HF_ENDPOINT` with trailing slashes stripped, else the public Hub. */
  endpoint: string;
  /** `HF_TOKEN`, else `HUGGING_FACE_HUB_TOKEN`, cleaned; undefined when neither is set. */
  envToken: { value: string; source: "HF_TOKEN" | "HUGGING_FACE_HUB_TOKEN" } | undefined;
  /** `HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`. */
  hfHome: string;
  /** `HF_TOKEN_PATH`, else `$HF_HOME/token`. */
  tokenPath: string;
  /** `HF_HUB_CACHE`, else `HUGGINGFACE_HUB_CACHE`, else `$HF_HOME/hub`. */
  hubCache: string;
  /** `HF_HUB_OFFLINE` (or `TRANSFORMERS_OFFLINE`) is truthy. */
  offline: boolean;
  /** `HF_HUB_DISABLE_IMPLICIT_TOKEN` is truthy: send no token unless one is passed explicitly. */
  disableImplicitToken: boolean;
  /** `HF_HUB_DISABLE_XET` is truthy: upload and download through Git LFS only, as the peers do. */
  disableXet: boolean;
  /** `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY` (either case); empty strings when unset. */
  proxy: { http: string; https: string; noProxy: string };
}

type Env = Record<string, string | undefined>;

const TRUTHY = new Set(["1", "true", "yes", "on"]);

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && TRUTHY.has(value.trim().toLowerCase());
}

function expandUser(path: string): string {
  return path === "~" || path.startsWith("~/") ? join(homedir(), path.slice(1)) : path;
}

/** Tokens are cleaned as the Python client does: newlines removed, whitespace trimmed, empty = none. */
export function cleanToken(value: string | undefined | null): string | undefined {
  if (value == null) return undefined;
  const cleaned = value.replace(/[\r\n]/g, "").trim();
  return cleaned === "" ? undefined : cleaned;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** Reads the Hub-related environment variables (defaults to `process.env`). */
export function readHubEnvironment(env: Env = globalThis.process?.env ?? {}): HubEnvironment {
  const endpoint = (nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_ENDPOINT).replace(/\/+$/, "");
  const hfToken = cleanToken(env.HF_TOKEN);
  const legacyToken = cleanToken(env.HUGGING_FACE_HUB_TOKEN);
  const xdgCache = nonEmpty(env.XDG_CACHE_HOME);
  const hfHome = expandUser(
    nonEmpty(env.HF_HOME) ??
      (xdgCache ? join(xdgCache, "huggingface") : join(homedir(), ".cache", "huggingface")),
  );
  return {
    endpoint,
    envToken: hfToken
      ? { value: hfToken, source: "HF_TOKEN" }
      : legacyToken
        ? { value: legacyToken, source: "HUGGING_FACE_HUB_TOKEN" }
        : undefined,
    hfHome,
    tokenPath: expandUser(nonEmpty(env.HF_TOKEN_PATH) ?? join(hfHome, "token")),
    hubCache: expandUser(
      nonEmpty(env.HF_HUB_CACHE) ?? nonEmpty(env.HUGGINGFACE_HUB_CACHE) ?? join(hfHome, "hub"),
    ),
    offline: isTruthy(env.HF_HUB_OFFLINE) || isTruthy(env.TRANSFORMERS_OFFLINE),
    disableImplicitToken: isTruthy(env.HF_HUB_DISABLE_IMPLICIT_TOKEN),
    // The browser build has no Xet path yet (ADR 0017): it uploads and downloads through LFS.
    disableXet: !XET_AVAILABLE || isTruthy(env.HF_HUB_DISABLE_XET),
    proxy: {
      http: nonEmpty(env.http_proxy) ?? nonEmpty(env.HTTP_PROXY) ?? "",
      https: nonEmpty(env.https_proxy) ?? nonEmpty(env.HTTPS_PROXY) ?? "",
      noProxy: nonEmpty(env.no_proxy) ?? nonEmpty(env.NO_PROXY) ?? "",
    },
  };
}
