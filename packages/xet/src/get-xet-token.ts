import {
  encodeRevision,
  type HubClient,
  InvalidInputError,
  InvalidResponseError,
  parseRepoId,
  type RepoDesignation,
  repoApiPath,
} from "@hfkit/http";
import { XetTokenWire } from "./wire/cas.js";

/** Where and how to reach the CAS: what the Hub's token exchange answers. */
export interface XetConnection {
  /** CAS base URL, without a trailing slash. */
  casUrl: string;
  /** Bearer token for the CAS only; never sent anywhere else. */
  accessToken: string;
  /** Expiry, in seconds since the epoch. */
  expiresAt: number;
}

export interface GetXetTokenOptions {
  repo: RepoDesignation;
  /** `read` for downloads, `write` for uploads. */
  scope: "read" | "write";
  /** Branch, tag or commit the token is for. Default `main`. */
  revision?: string;
  /**
   * A write token for a new pull request. The Python client asks for
   * `xet-write-token/None?create_pr=1` then: the revision is left out on purpose and the Hub
   * issues a token valid for PR refs (huggingface_hub utils/_xet.py; hub-protocol.md 10.2).
   */
  createPr?: boolean;
  signal?: AbortSignal;
}

/**
 * Exchanges the Hub token for a CAS token: `GET /api/{type}s/{repo}/xet-{scope}-token/{rev}`
 * (hub-docs docs/xet/auth.md). Reads the JSON body, and the `X-Xet-*` headers some Hub
 * versions send instead.
 *
 * @example
 * const cas = await getXetToken(hub, { repo: "me/model", scope: "write" });
 */
export async function getXetToken(client: HubClient, options: GetXetTokenOptions): Promise<XetConnection> {
  const repo = parseRepoId(options.repo);
  if (options.scope !== "read" && options.scope !== "write") {
    throw new InvalidInputError(`scope: expected "read" or "write", not ${JSON.stringify(options.scope)}.`, {
      field: "scope",
    });
  }
  if (options.createPr && options.scope !== "write") {
    throw new InvalidInputError("createPr: only write tokens are asked for a pull request; drop createPr.", {
      field: "createPr",
    });
  }
  const revision = options.createPr ? "None" : encodeRevision(options.revision ?? "main");
  const response = await client.request({
    path: `${repoApiPath(repo)}/xet-${options.scope}-token/${revision}`,
    query: options.createPr ? { create_pr: "1" } : undefined,
    schema: XetTokenWire,
    signal: options.signal,
    operation: "getXetToken",
  });
  const { data, headers } = response;
  const accessToken = data?.accessToken ?? headers.get("x-xet-access-token") ?? undefined;
  const casUrl = data?.casUrl ?? headers.get("x-xet-cas-url") ?? undefined;
  const exp = data?.exp ?? Number(headers.get("x-xet-token-expiration") ?? Number.NaN);
  if (!accessToken || !casUrl || !Number.isFinite(exp)) {
    throw new InvalidResponseError(
      `The Hub's Xet token answer (${response.url}) lacks ${!accessToken ? "accessToken" : !casUrl ? "casUrl" : "exp"}.`,
      { status: response.status, url: response.url, requestId: response.requestId },
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(casUrl);
  } catch (cause) {
    throw new InvalidResponseError(`The Hub's Xet token answer names a CAS URL that is not a URL.`, {
      url: response.url,
      cause,
    });
  }
  return { casUrl: parsed.toString().replace(/\/+$/, ""), accessToken, expiresAt: exp };
}
