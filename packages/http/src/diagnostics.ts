import { publisher as channel } from "./platform.js";

/**
 * Names of the `node:diagnostics_channel` channels `@hfkit/http` publishes on. Libraries never
 * print; subscribe to these (or use `@hfkit/observability`) to log, meter or trace requests.
 * Every URL in these events is redacted and no event carries a token.
 */
export const HTTP_CHANNELS = {
  start: "hfkit:http:request:start",
  end: "hfkit:http:request:end",
  error: "hfkit:http:request:error",
  retry: "hfkit:http:request:retry",
  /** Headers and small JSON answers, for `-vv`: only read (and published) while subscribed. */
  detail: "hfkit:http:request:detail",
} as const;

interface RequestEventBase {
  /** Local id shared by the events of one call (all its attempts). */
  id: number;
  operation: string | undefined;
  method: string;
  /** Redacted URL. */
  url: string;
  attempt: number;
  /** Id of the innermost work span (`WORK_CHANNELS` of `@hfkit/http/work`) around the call. */
  spanId: number | undefined;
}

export interface RequestStartEvent extends RequestEventBase {
  /** Bytes in the request body, when known. */
  bytesSent: number | undefined;
}

export interface RequestEndEvent extends RequestEventBase {
  status: number;
  durationMs: number;
  bytesSent: number | undefined;
  /** `Content-Length` of the response, when the server sent one. */
  bytesReceived: number | undefined;
  requestId: string | undefined;
}

export interface RequestErrorEvent extends RequestEventBase {
  durationMs: number;
  /** Error name and redacted message (never the token). */
  error: { name: string; message: string; code?: string | undefined };
}

export interface RequestRetryEvent extends RequestEventBase {
  /** Why: an HTTP status, or the network error's code. */
  reason: string;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  /** Whether the delay came from the server (`Retry-After` / `RateLimit`). */
  serverDirected: boolean;
}

/**
 * What an attempt sent and got back, redacted, published after its response headers (and, for
 * a JSON answer, its body) arrived and before its `end` event. Reading the body costs a copy of
 * it, so nothing here is computed unless the `detail` channel has a subscriber.
 */
export interface RequestDetailEvent extends RequestEventBase {
  status: number;
  /** Request headers, names lower-cased; `Authorization` and other credentials replaced. */
  requestHeaders: Record<string, string>;
  /** Response headers, names lower-cased; cookies and Xet token headers replaced. */
  responseHeaders: Record<string, string>;
  /**
   * The parsed answer when it is JSON (`application/json`) of at most `DETAIL_BODY_LIMIT`
   * bytes, with tokens, credential fields (`accessToken`, `authorization`…) and presigned URL
   * signatures replaced; undefined otherwise.
   */
  responseBody: unknown;
  /** Why `responseBody` is missing from a JSON answer: `too-large` or `invalid-json`. */
  responseBodyOmitted: "too-large" | "invalid-json" | undefined;
}

/** Largest JSON answer the `detail` channel carries (preupload, LFS batch and commit answers are far smaller). */
export const DETAIL_BODY_LIMIT = 64 * 1024;

export const startChannel = channel(HTTP_CHANNELS.start);
export const endChannel = channel(HTTP_CHANNELS.end);
export const errorChannel = channel(HTTP_CHANNELS.error);
export const retryChannel = channel(HTTP_CHANNELS.retry);
export const detailChannel = channel(HTTP_CHANNELS.detail);
