import { requestIdFrom } from "../classify.js";
import {
  DETAIL_BODY_LIMIT,
  detailChannel,
  endChannel,
  errorChannel,
  type RequestDetailEvent,
  startChannel,
} from "../diagnostics.js";
import { redactJson, redactText, redactUrl } from "../redact.js";
import type { Middleware } from "../types.js";
import { currentSpanId } from "../work/span.js";

function headerRecord(headers: Headers, hidden: readonly (string | undefined)[]): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return redactJson(out, hidden) as Record<string, string>;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

/**
 * Reads a copy of a JSON answer (the caller still gets every byte of the original), at most
 * `DETAIL_BODY_LIMIT` of it: past that the copy is cancelled and the body left out.
 */
async function jsonBody(
  response: Response,
  hidden: readonly (string | undefined)[],
): Promise<Pick<RequestDetailEvent, "responseBody" | "responseBodyOmitted">> {
  const none = { responseBody: undefined, responseBodyOmitted: undefined };
  if (!JSON_TYPE.test(response.headers.get("content-type") ?? "") || response.body === null) return none;
  const length = Number(response.headers.get("content-length") ?? Number.NaN);
  if (length > DETAIL_BODY_LIMIT) return { responseBody: undefined, responseBodyOmitted: "too-large" };
  const reader = response.clone().body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > DETAIL_BODY_LIMIT) {
      await reader.cancel();
      return { responseBody: undefined, responseBodyOmitted: "too-large" };
    }
    text += decoder.decode(value, { stream: true });
  }
  text += decoder.decode();
  try {
    return { responseBody: redactJson(JSON.parse(text), hidden), responseBodyOmitted: undefined };
  } catch {
    return { responseBody: undefined, responseBodyOmitted: "invalid-json" };
  }
}

/**
 * Publishes start / end / error for every attempt on `node:diagnostics_channel`, and, while the
 * `detail` channel is subscribed (`-vv`), the attempt's redacted headers and JSON answer.
 */
export function diagnosticsMiddleware(secrets: () => readonly (string | undefined)[]): Middleware {
  return async (context, next) => {
    if (
      !startChannel.hasSubscribers &&
      !endChannel.hasSubscribers &&
      !errorChannel.hasSubscribers &&
      !detailChannel.hasSubscribers
    ) {
      return next(context);
    }
    const { request } = context;
    const hidden = [...secrets(), ...request.secrets];
    const base = {
      id: context.callId,
      operation: request.operation,
      method: request.method,
      url: redactUrl(request.url, hidden),
      attempt: context.attempt,
      spanId: currentSpanId(),
    };
    const started = performance.now();
    startChannel.publish({ ...base, bytesSent: request.contentLength });
    try {
      const response = await next(context);
      if (detailChannel.hasSubscribers) {
        const detail: RequestDetailEvent = {
          ...base,
          status: response.status,
          requestHeaders: headerRecord(request.headers, hidden),
          responseHeaders: headerRecord(response.headers, hidden),
          ...(await jsonBody(response, hidden)),
        };
        detailChannel.publish(detail);
      }
      const length = response.headers.get("content-length");
      endChannel.publish({
        ...base,
        status: response.status,
        durationMs: performance.now() - started,
        bytesSent: request.contentLength,
        bytesReceived: length === null ? undefined : Number(length),
        requestId: requestIdFrom(response.headers),
      });
      return response;
    } catch (error) {
      const e = error as { name?: string; message?: string; code?: string };
      errorChannel.publish({
        ...base,
        durationMs: performance.now() - started,
        error: {
          name: e?.name ?? "Error",
          message: redactText(String(e?.message ?? error), hidden),
          code: e?.code,
        },
      });
      throw error;
    }
  };
}
