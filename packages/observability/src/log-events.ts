import type { RequestDetailEvent, RequestEndEvent, RequestErrorEvent, RequestRetryEvent } from "@hfkit/http";
import type { SpanEndEvent, SpanStartEvent } from "@hfkit/http/work";
import { HFKIT_CHANNELS, type HfkitChannel, type OperationMessage, subscribeChannels } from "./channels.js";
import { formatBytes } from "./format.js";
import type { Logger } from "./logger.js";

export interface LogEventsOptions {
  /** Also log what the in-process emulator served (`hfkit:emulator:request`). Default false. */
  emulator?: boolean;
  /**
   * Also log each request attempt's redacted request and response headers and, for the
   * operations in `bodies`, its JSON answer (`hfkit -vv`). Subscribing to `@hfkit/http`'s
   * `detail` channel makes the client copy those answers, so it is off by default.
   */
  details?: boolean;
  /** Operations whose JSON answers `details` logs. Default `DETAIL_BODY_OPERATIONS`. */
  bodies?: readonly string[];
}

/**
 * The answers `-vv` shows: what the Hub decided about each file (preupload), where the bytes
 * go (LFS batch, with its presigned URLs and headers redacted), the commit made, and the Xet
 * token answer (its `accessToken` replaced).
 */
export const DETAIL_BODY_OPERATIONS: readonly string[] = [
  "preupload",
  "lfsBatch",
  "createCommit",
  "getXetToken",
];

const ms = (value: number) => Math.round(value * 10) / 10;

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname;
  } catch {
    return url;
  }
}

/**
 * Logs what the hfkit libraries publish: at `debug`, one record per request attempt (method,
 * URL, status, duration, attempt, bytes), each span start and end and each operation event;
 * at `warn`, retries (why, and how long the wait) and failed attempts; at `trace`, progress.
 * Returns the function that unsubscribes every listener.
 */
export function logHfkitEvents(logger: Logger, options: LogEventsOptions = {}): () => void {
  const bodies = new Set(options.bodies ?? DETAIL_BODY_OPERATIONS);
  // The detail of an attempt arrives just before its end event, which logs it.
  const details = new Map<string, RequestDetailEvent>();
  const detailFields = (e: RequestEndEvent): Record<string, unknown> => {
    const key = `${e.id}:${e.attempt}`;
    const detail = details.get(key);
    if (!detail) return {};
    details.delete(key);
    const body = e.operation !== undefined && bodies.has(e.operation);
    return {
      requestHeaders: detail.requestHeaders,
      responseHeaders: detail.responseHeaders,
      ...(body && detail.responseBody !== undefined ? { responseBody: detail.responseBody } : {}),
      ...(body && detail.responseBodyOmitted ? { responseBodyOmitted: detail.responseBodyOmitted } : {}),
    };
  };
  const listeners: Partial<Record<HfkitChannel, (message: unknown) => void>> = {
    [HFKIT_CHANNELS.requestEnd]: (message) => {
      if (!logger.enabled("debug")) return;
      const e = message as RequestEndEvent;
      const extra = detailFields(e);
      const msg = `${e.method} ${pathOf(e.url)} ${e.status} ${ms(e.durationMs)}ms`;
      if (logger.format === "human" && extra.requestHeaders !== undefined) {
        // People read one line per thing: the request, its headers, the answer's, its body.
        logger.debug(msg, {
          operation: e.operation,
          attempt: e.attempt,
          bytesSent: e.bytesSent,
          bytesReceived: e.bytesReceived,
          requestId: e.requestId,
        });
        logger.debug(`  > request headers`, { headers: extra.requestHeaders });
        logger.debug(`  < response headers`, { headers: extra.responseHeaders });
        if ("responseBody" in extra) logger.debug(`  < ${e.operation} answer`, { body: extra.responseBody });
        else if (extra.responseBodyOmitted)
          logger.debug(`  < ${e.operation} answer left out (${extra.responseBodyOmitted})`);
        return;
      }
      logger.debug(msg, {
        event: "http.request",
        operation: e.operation,
        method: e.method,
        url: e.url,
        status: e.status,
        durationMs: ms(e.durationMs),
        attempt: e.attempt,
        bytesSent: e.bytesSent,
        bytesReceived: e.bytesReceived,
        requestId: e.requestId,
        callId: e.id,
        spanId: e.spanId,
        ...extra,
      });
    },
    [HFKIT_CHANNELS.requestError]: (message) => {
      if (!logger.enabled("warn")) return;
      const e = message as RequestErrorEvent;
      logger.warn(`${e.method} ${pathOf(e.url)} failed: ${e.error.message}`, {
        event: "http.error",
        operation: e.operation,
        method: e.method,
        url: e.url,
        durationMs: ms(e.durationMs),
        attempt: e.attempt,
        error: e.error,
        callId: e.id,
        spanId: e.spanId,
      });
    },
    [HFKIT_CHANNELS.requestRetry]: (message) => {
      if (!logger.enabled("warn")) return;
      const e = message as RequestRetryEvent;
      logger.warn(`retrying ${e.method} ${pathOf(e.url)} in ${e.delayMs}ms (${e.reason})`, {
        event: "http.retry",
        operation: e.operation,
        method: e.method,
        url: e.url,
        attempt: e.attempt,
        reason: e.reason,
        delayMs: e.delayMs,
        serverDirected: e.serverDirected,
        callId: e.id,
        spanId: e.spanId,
      });
    },
    [HFKIT_CHANNELS.spanStart]: (message) => {
      if (!logger.enabled("debug")) return;
      const e = message as SpanStartEvent;
      logger.debug(`${e.name} started`, {
        event: "span.start",
        kind: e.kind,
        span: e.name,
        spanId: e.id,
        parentId: e.parentId,
        ...e.attributes,
      });
    },
    [HFKIT_CHANNELS.spanEnd]: (message) => {
      const e = message as SpanEndEvent;
      const level = e.error ? "warn" : "debug";
      if (!logger.enabled(level)) return;
      logger.log(level, e.error ? `${e.name} failed: ${e.error.message}` : `${e.name} done`, {
        event: "span.end",
        kind: e.kind,
        span: e.name,
        spanId: e.id,
        parentId: e.parentId,
        durationMs: ms(e.durationMs),
        error: e.error,
      });
    },
  };
  const operation = (source: string) => (message: unknown) => {
    const { event, ...label } = message as OperationMessage;
    const progress = event.type.endsWith("-progress");
    const level = progress ? "trace" : "debug";
    if (!logger.enabled(level)) return;
    logger.log(level, `${source} ${event.type}`, {
      event: `${source}.${event.type}`,
      ...label,
      ...event,
      type: undefined,
    });
  };
  listeners[HFKIT_CHANNELS.commit] = operation("commit");
  listeners[HFKIT_CHANNELS.download] = operation("download");
  listeners[HFKIT_CHANNELS.datasets] = operation("datasets");
  listeners[HFKIT_CHANNELS.xet] = operation("xet");
  if (options.emulator) {
    listeners[HFKIT_CHANNELS.emulatorRequest] = (message) => {
      if (!logger.enabled("debug")) return;
      const e = message as {
        method: string;
        path: string;
        status: number;
        bodyBytes: number;
        durationMs: number;
      };
      logger.debug(`emulator ${e.method} ${e.path} ${e.status} ${formatBytes(e.bodyBytes)}`, {
        event: "emulator.request",
        ...e,
        durationMs: ms(e.durationMs),
      });
    };
  }
  if (options.details) {
    listeners[HFKIT_CHANNELS.requestDetail] = (message) => {
      const e = message as RequestDetailEvent;
      details.set(`${e.id}:${e.attempt}`, e);
    };
  }
  return subscribeChannels(listeners);
}
