import { retryChannel } from "../diagnostics.js";
import { discardBody } from "../discard.js";
import { copyHeaders } from "../prepare.js";
import { serverWaitMs } from "../rate-limit.js";
import { redactUrl } from "../redact.js";
import type { Middleware, MiddlewareContext, RetryOptions } from "../types.js";
import { sleep } from "../work/sleep.js";
import { currentSpanId } from "../work/span.js";

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  initialDelayMs: 1000,
  maxDelayMs: 8000,
  maxServerWaitMs: 60_000,
  statuses: [408, 429, 500, 502, 503, 504],
  random: Math.random,
};

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** The error code of a network failure (fetch wraps it in `cause`), or undefined if it is not one. */
export function networkErrorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
  }
  // undici's fetch reports every transport failure as `TypeError: fetch failed`.
  if (error instanceof TypeError && /fetch failed|failed to fetch|network|terminated/i.test(error.message))
    return "NETWORK";
  return undefined;
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoffDelay(attempt: number, options: RetryOptions): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(base / 2 + (base / 2) * options.random());
}

function canRetry(
  context: MiddlewareContext,
): context is MiddlewareContext & { request: { retry: RetryOptions } } {
  const { request } = context;
  return request.retry !== false && request.idempotent && (request.body === null || request.replayable);
}

/**
 * Retries idempotent requests on 408/429/5xx and network errors, waiting what the server asks
 * (`RateLimit`, `Retry-After`) or an exponential backoff; stops at `maxAttempts` and as soon
 * as the request's signal aborts. Non-idempotent requests (a commit) go out exactly once.
 */
export function retryMiddleware(): Middleware {
  return async (context, next) => {
    if (!canRetry(context)) return next(context);
    const options = context.request.retry;
    const signal = context.request.signal;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const attemptContext: MiddlewareContext = {
        ...context,
        attempt,
        request: { ...context.request, headers: copyHeaders(context.request.headers) },
      };
      let reason: string;
      let delayMs: number;
      let serverDirected = false;
      try {
        const response = await next(attemptContext);
        if (!options.statuses.includes(response.status) || attempt >= options.maxAttempts) return response;
        const asked = serverWaitMs(response.headers);
        // A server that asks for a long pause gets an error the caller can schedule around.
        if (asked !== undefined && asked > options.maxServerWaitMs) return response;
        reason = String(response.status);
        serverDirected = asked !== undefined;
        delayMs = asked ?? backoffDelay(attempt, options);
        discardBody(response);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const code = networkErrorCode(error);
        if (code === undefined || attempt >= options.maxAttempts) throw error;
        reason = code;
        delayMs = backoffDelay(attempt, options);
      }
      if (retryChannel.hasSubscribers) {
        retryChannel.publish({
          id: context.callId,
          operation: context.request.operation,
          method: context.request.method,
          url: redactUrl(context.request.url, context.request.secrets),
          attempt,
          spanId: currentSpanId(),
          reason,
          delayMs,
          serverDirected,
        });
      }
      await sleep(delayMs, signal);
    }
  };
}
