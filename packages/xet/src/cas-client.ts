import {
  type HubClient,
  HubError,
  type HubResponse,
  type JsonRequest,
  type RawRequest,
  type RawResponseData,
  type RawResponseType,
  type RepoDesignation,
} from "@hfkit/http";
import { getXetToken, type XetConnection } from "./get-xet-token.js";

/** Fetches a fresh CAS connection (token, URL, expiry). */
export type XetTokenSource = (signal?: AbortSignal) => Promise<XetConnection>;

/** A CAS request: a path on the CAS (`/v1/xorbs/…`) plus the usual request fields. */
export type CasRequest<Q extends JsonRequest<unknown> | RawRequest> = Omit<Q, "path" | "url" | "auth"> & {
  path: string;
};

/**
 * The CAS side of Xet, through the client's one seam (retries, diagnostics, typed errors):
 * the CAS token goes in `Authorization` to the CAS origin only, and the Hub token never
 * does (`auth: false`, whatever the origins). The token is refreshed before it expires and
 * once more when the CAS answers 401 (hub-docs docs/xet/auth.md).
 */
export interface CasClient {
  /** The current connection (refreshed when close to expiry). */
  connection(signal?: AbortSignal): Promise<XetConnection>;
  request<T>(request: CasRequest<JsonRequest<T>>): Promise<HubResponse<T>>;
  request<R extends RawResponseType>(
    request: CasRequest<RawRequest<R>>,
  ): Promise<HubResponse<RawResponseData[R]>>;
}

export interface CasClientOptions {
  /**
   * Refresh this many seconds before expiry. Default 60, as the JS client (the docs say ≥ 30);
   * a token living less than twice that is refreshed half-way through its life.
   */
  refreshMarginSeconds?: number;
  /** A connection already in hand (e.g. from the LFS batch negotiation), used until it expires. */
  initial?: XetConnection;
  /** Clock in seconds since the epoch; tests inject one. */
  now?: () => number;
}

export function createCasClient(
  client: HubClient,
  source: XetTokenSource,
  options: CasClientOptions = {},
): CasClient {
  const margin = options.refreshMarginSeconds ?? 60;
  const now = options.now ?? (() => Date.now() / 1000);
  let current: XetConnection | undefined = options.initial;
  // A token is refreshed `margin` seconds before expiry, or half-way through its life when it
  // lives shorter than twice that: a Hub handing out 30 s tokens must not cost one token
  // exchange per CAS request.
  let refreshAt = current ? refreshTime(current, now(), margin) : 0;
  let refreshing: Promise<XetConnection> | undefined;

  const refresh = (signal?: AbortSignal): Promise<XetConnection> => {
    // One refresh at a time, shared by every request waiting for it.
    refreshing ??= source(signal)
      .then((connection) => {
        current = connection;
        refreshAt = refreshTime(connection, now(), margin);
        return connection;
      })
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };

  const connection = async (signal?: AbortSignal): Promise<XetConnection> => {
    if (current && now() < refreshAt) return current;
    return refresh(signal);
  };

  // One body for both request kinds: the overloads of `CasClient.request` keep callers typed.
  type AnyCasRequest = CasRequest<JsonRequest<unknown>> | CasRequest<RawRequest>;
  const send = (conn: XetConnection, request: AnyCasRequest): Promise<HubResponse<unknown>> => {
    const { path, headers, ...rest } = request;
    return client.request({
      ...rest,
      url: conn.casUrl + path,
      headers: { ...headers, authorization: `Bearer ${conn.accessToken}` },
      auth: false,
      // Errors and diagnostics of CAS requests never show the CAS token.
      secrets: [conn.accessToken],
    } as JsonRequest<unknown>);
  };

  return {
    connection,
    async request(request: AnyCasRequest): Promise<HubResponse<never>> {
      const conn = await connection(request.signal);
      try {
        return (await send(conn, request)) as HubResponse<never>;
      } catch (error) {
        if (!(HubError.isInstance(error) && error.status === 401)) throw error;
        // The token expired early or was revoked: one fresh token, one more try.
        const fresh = current === conn ? await refresh(request.signal) : await connection(request.signal);
        return (await send(fresh, request)) as HubResponse<never>;
      }
    },
  };
}

function refreshTime(connection: XetConnection, at: number, margin: number): number {
  const life = connection.expiresAt - at;
  return connection.expiresAt - Math.min(margin, Math.max(0, life / 2));
}

export interface HubTokenSourceOptions {
  repo: RepoDesignation;
  scope: "read" | "write";
  revision?: string;
  createPr?: boolean;
}

/** The usual token source: the Hub's token exchange for one repo and revision. */
export function hubXetTokenSource(client: HubClient, options: HubTokenSourceOptions): XetTokenSource {
  return (signal) => getXetToken(client, { ...options, signal });
}
