import { requestIdFrom } from "../classify.js";
import { endChannel, errorChannel, startChannel } from "../diagnostics.js";
import { redactText, redactUrl } from "../redact.js";
import type { Middleware } from "../types.js";
import { currentSpanId } from "../work/span.js";

/** Publishes start / end / error for every attempt on `node:diagnostics_channel`. */
export function diagnosticsMiddleware(secrets: () => readonly (string | undefined)[]): Middleware {
  return async (context, next) => {
    if (!startChannel.hasSubscribers && !endChannel.hasSubscribers && !errorChannel.hasSubscribers) {
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
