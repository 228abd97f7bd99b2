import type { Dispatcher } from "undici";
import { requestIdFrom } from "./classify.js";
import { createTransport } from "./client-transport.js";
import { type HubEnvironment, readHubEnvironment } from "./env.js";
import { HubError, InvalidInputError } from "./errors.js";
import { authMiddleware } from "./middleware/auth.js";
import { diagnosticsMiddleware } from "./middleware/diagnostics.js";
import { DEFAULT_RETRY, networkErrorCode, retryMiddleware } from "./middleware/retry.js";
import { buildUserAgent, userAgentMiddleware } from "./middleware/user-agent.js";
import { markDirectClient } from "./own-sockets.js";
import { itemsOf } from "./page-items.js";
import { type PageOptions, pagesOf } from "./paginate.js";
import { appendQuery, normaliseEndpoint, prepareRequest } from "./prepare.js";
import { redactText, redactUrl } from "./redact.js";
import { checkResponse, readResponse } from "./response.js";
import { chooseToken, type TokenOrigin, type TokenProvider } from "./token.js";
import type { FetchLike } from "./transport.js";
import type {
  HubRequest,
  HubResponse,
  JsonRequest,
  Middleware,
  MiddlewareContext,
  Next,
  QueryValue,
  RawRequest,
  RawResponseData,
  RawResponseType,
  RetryOptions,
} from "./types.js";

export interface HubClientOptions {
  /** Hub base URL. Default: `HF_ENDPOINT`, else `https://huggingface.co`. */
  endpoint?: string;
  /** Access token (`hf_…`), or `false` to send none. Default: `HF_TOKEN`, then the token file. */
  token?: string | false;
  /** Called before each request for a fresh token (OAuth, vaults). Exclusive with `token`. */
  tokenProvider?: TokenProvider;
  /** A fetch implementation (the emulator's in-process fetch, a test double). Default: the global fetch. */
  fetch?: FetchLike;
  /** undici dispatcher. Default: keep-alive agent honouring HTTP(S)_PROXY and NO_PROXY. */
  dispatcher?: Dispatcher;
  /** Retry settings for idempotent requests, or `false` to never retry. */
  retry?: Partial<RetryOptions> | false;
  /** Appended to `hfkit/<version>; node/<version>` in `User-Agent`. */
  userAgent?: string | readonly string[];
  /** Your own middleware; runs after the built-ins, once per attempt. */
  middleware?: readonly Middleware[];
  /** Environment to read instead of `process.env` (tests, sandboxes). */
  env?: Record<string, string | undefined>;
  /**
   * Aborts every request of this client, retries and backoff included, as if each had been
   * given it (a CLI's Ctrl-C). Requests may still pass their own `signal`.
   */
  signal?: AbortSignal;
}

/** A configured connection to one Hub. Create it once and pass it to every operation. */
export interface HubClient {
  /** The Hub base URL, without a trailing slash. */
  readonly endpoint: string;
  /** The resolved environment (cache folders, offline mode). */
  readonly environment: HubEnvironment;
  /**
   * Sends one request through the seam and reads its response. Throws a {@link HubError} on
   * failure. JSON answers need a zod `schema` and come back as its output type; other
   * `responseType`s give text, bytes, a stream, the raw `Response`, or nothing.
   */
  request<T>(request: JsonRequest<T>): Promise<HubResponse<T>>;
  request<R extends RawResponseType>(request: RawRequest<R>): Promise<HubResponse<RawResponseData[R]>>;
  /** Every item of a paginated list, following `Link: rel="next"`; stops fetching when you stop iterating. */
  paginate<T>(request: JsonRequest<T[]>): AsyncIterable<T>;
  /** The pages of a paginated list, with their headers (`X-Total-Count`…); `prefetch` fetches the next one ahead (Node). */
  pages<T>(request: JsonRequest<T[]>, options?: PageOptions): AsyncIterable<HubResponse<T[]>>;
  /** The absolute URL of a Hub path. */
  url(path: string, query?: Record<string, QueryValue>): URL;
  /** Removes this client's token (and anything token-shaped) from text meant for humans. */
  redact(text: string): string;
  /** Where the token comes from (`option`, `HF_TOKEN`, `tokenFile`…, or `none`); never its value. */
  tokenOrigin(): Promise<TokenOrigin>;
  /**
   * Closes the connections this client opened (its keep-alive agents and proxy dispatcher, not
   * a `dispatcher` you passed). Requests made afterwards are refused.
   */
  close(): Promise<void>;
}

function compose(middleware: readonly Middleware[], transport: Next): Next {
  return middleware.reduceRight<Next>((next, mw) => (context) => mw(context, next), transport);
}

/**
 * Creates a Hub client: the one transport seam every hfkit operation goes through. The steps
 * of one call each live in their own module: `prepare.ts` (URL, headers, body, retry settings,
 * signal), the middleware chain, `client-transport.ts` (which transport sends the attempt,
 * and the connections this client owns), `response.ts` (status check, then the body as
 * `responseType` says) and `paginate.ts` (`Link` paging).
 *
 * @example
 * import { createHubClient } from "@hfkit/http";
 * import { z } from "zod";
 * const hub = createHubClient(); // endpoint and token from HF_ENDPOINT / HF_TOKEN
 * const { data } = await hub.request({ path: "/api/whoami-v2", schema: z.object({ name: z.string() }) });
 */
export function createHubClient(options: HubClientOptions = {}): HubClient {
  const environment = readHubEnvironment(options.env);
  const endpoint = normaliseEndpoint(options.endpoint ?? environment.endpoint);
  const hubOrigin = new URL(endpoint).origin;
  const token = chooseToken(options, environment);
  const settings = {
    endpoint,
    retry: options.retry === false ? (false as const) : { ...DEFAULT_RETRY, ...options.retry },
    signal: options.signal,
  };
  const secrets = () => token.known();
  const transport = createTransport({
    fetch: options.fetch,
    dispatcher: options.dispatcher,
    proxy: environment.proxy,
  });
  const pipeline = compose(
    [
      userAgentMiddleware(buildUserAgent(options.userAgent)),
      authMiddleware(token.get),
      retryMiddleware(),
      diagnosticsMiddleware(secrets),
      ...(options.middleware ?? []),
    ],
    transport.send,
  );
  let callIds = 0;
  let closed = false;

  /** Sends through the middleware; a failure without a response becomes a NETWORK_ERROR. */
  async function send(context: MiddlewareContext): Promise<Response> {
    const { request } = context;
    try {
      return await pipeline(context);
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      if (HubError.isInstance(error)) throw error;
      const hidden = [...secrets(), ...request.secrets];
      const url = redactUrl(request.url, hidden);
      const detail = redactText(String((error as Error)?.message ?? error), hidden);
      const code = networkErrorCode(error);
      throw new HubError(
        `Network error on ${request.method} ${url}: ${detail}${code && code !== "NETWORK" ? ` (${code})` : ""}`,
        { code: "NETWORK_ERROR", url, method: request.method, retryable: true, cause: error },
      );
    }
  }

  /** One request, sent and read; also returns the final (unredacted) URL, for `Link` paging. */
  async function exchange(
    request: HubRequest<unknown>,
    list = false,
  ): Promise<{ result: HubResponse<unknown>; finalUrl: URL }> {
    if (closed) {
      throw new InvalidInputError("client: this client was closed; create a new one with createHubClient.", {
        field: "client",
      });
    }
    const prepared = prepareRequest(request, settings);
    const response = await send({ request: prepared, attempt: 1, hubOrigin, callId: ++callIds });
    const finalUrl = response.url ? new URL(response.url) : prepared.url;
    const hidden = [...secrets(), ...prepared.secrets];
    await checkResponse(response, prepared, request.okStatuses, hidden);
    const data = await readResponse(request, response, finalUrl, hidden, { list });
    const result = {
      data,
      status: response.status,
      headers: response.headers,
      url: redactUrl(finalUrl, hidden),
      requestId: requestIdFrom(response.headers),
    };
    return { result, finalUrl };
  }

  const pageExchange = <T>(request: JsonRequest<T[]>) =>
    exchange(request, true) as Promise<{ result: HubResponse<T[]>; finalUrl: URL }>;

  const client: HubClient = {
    endpoint,
    environment,
    request: (async (request: HubRequest<unknown>) =>
      (await exchange(request)).result) as HubClient["request"],
    pages: (request, pageOptions) => pagesOf(pageExchange, request, pageOptions),
    paginate: (request) => itemsOf(pagesOf(pageExchange, request)),
    url(path, query) {
      const url = new URL(endpoint + path);
      appendQuery(url, query);
      return url;
    },
    redact: (text) => redactText(text, secrets()),
    tokenOrigin: token.origin,
    async close() {
      closed = true;
      await transport.close();
    },
  };
  markDirectClient(client, options, environment);
  return client;
}
