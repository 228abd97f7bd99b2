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

export const startChannel = channel(HTTP_CHANNELS.start);
export const endChannel = channel(HTTP_CHANNELS.end);
export const errorChannel = channel(HTTP_CHANNELS.error);
export const retryChannel = channel(HTTP_CHANNELS.retry);
