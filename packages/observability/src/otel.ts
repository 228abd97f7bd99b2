import type { RequestEndEvent, RequestErrorEvent, RequestRetryEvent, RequestStartEvent } from "@hfkit/http";
import type { SpanAttributes, SpanEndEvent, SpanStartEvent } from "@hfkit/http/work";
import {
  type Attributes,
  type Context,
  context,
  createNoopMeter,
  type MeterProvider,
  metrics,
  ProxyTracer,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import { HFKIT_CHANNELS, type OperationMessage, subscribeChannels } from "./channels.js";

export interface OpenTelemetryOptions {
  /** Default: the global provider (`trace.setGlobalTracerProvider`, or what an SDK registered). */
  tracerProvider?: TracerProvider;
  /** Default: the global provider (`metrics.setGlobalMeterProvider`). */
  meterProvider?: MeterProvider;
}

const SCOPE = "@hfkit/observability";
/** How many ended work spans stay known as parents (see endedSpans). */
const ENDED_KEPT = 1024;

/** Work span attributes become `hfkit.<name>` (`hfkit.repo`, `hfkit.path`…). */
function hfkitAttributes(attributes: SpanAttributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[`hfkit.${key}`] = value;
  return out;
}

function serverOf(url: string): Attributes {
  try {
    const u = new URL(url);
    const port = u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
    return { "server.address": u.hostname, "server.port": port };
  } catch {
    return {};
  }
}

/**
 * Turns hfkit's diagnostics events into OpenTelemetry spans and metrics through
 * `@opentelemetry/api`: a span per long operation (`commit`, `download`, `xet.upload`…) holding
 * a span per phase (`commit.preupload`, `commit.lfs-upload`…) holding a CLIENT span per request
 * attempt, with HTTP semantic-convention attributes. An operation started inside a span of your
 * own (with an SDK's context manager registered) becomes its child. Metrics:
 * `http.client.request.duration` (s), `hfkit.http.requests`, `hfkit.http.retries`,
 * `hfkit.http.request.body.size` / `hfkit.http.response.body.size` (By),
 * `hfkit.operation.duration` (s) and `hfkit.upload.deduplicated` (By: bytes the storage
 * already had). Returns the function that unsubscribes. Call it after registering your SDK:
 * while neither a tracer nor a meter provider is registered it subscribes to nothing.
 */
export function instrumentOpenTelemetry(options: OpenTelemetryOptions = {}): () => void {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  // With no SDK registered (the global tracer is still a proxy without a delegate, the global
  // meter the no-op one) nothing would be recorded: subscribe to nothing, so the libraries keep
  // publishing nothing and pay nothing (ADR 0016 measures it). Register the SDK first.
  const noopMeter = createNoopMeter().constructor;
  if (tracer instanceof ProxyTracer && meter.constructor === noopMeter) return () => {};
  const requestDuration = meter.createHistogram("http.client.request.duration", {
    unit: "s",
    description: "Duration of HTTP client requests (one per attempt).",
  });
  const requests = meter.createCounter("hfkit.http.requests", {
    unit: "{request}",
    description: "Request attempts, by hfkit operation and response status.",
  });
  const retries = meter.createCounter("hfkit.http.retries", {
    unit: "{retry}",
    description: "Retries, by operation and reason (status or network error code).",
  });
  const bytesSent = meter.createCounter("hfkit.http.request.body.size", {
    unit: "By",
    description: "Request body bytes sent.",
  });
  const bytesReceived = meter.createCounter("hfkit.http.response.body.size", {
    unit: "By",
    description: "Response body bytes received (as declared by Content-Length).",
  });
  const operationDuration = meter.createHistogram("hfkit.operation.duration", {
    unit: "s",
    description: "Duration of long operations and their phases.",
  });
  const deduplicated = meter.createCounter("hfkit.upload.deduplicated", {
    unit: "By",
    description: "Bytes not uploaded because the storage already had them.",
  });

  const workSpans = new Map<number, Span>();
  // Work started inside a span may outlive it (a dataset push uploads each shard while the
  // next one is written, after the shard's span ended): such a child still belongs under its
  // parent, so the contexts of ended spans are kept, the most recent ENDED_KEPT of them.
  const endedSpans = new Map<number, SpanContext>();
  const requestSpans = new Map<string, Span>();
  const parentContext = (spanId: number | undefined): Context => {
    if (spanId === undefined) return context.active();
    const live = workSpans.get(spanId);
    if (live) return trace.setSpan(context.active(), live);
    const ended = endedSpans.get(spanId);
    return ended ? trace.setSpanContext(context.active(), ended) : context.active();
  };
  const requestKey = (e: { id: number; attempt: number }) => `${e.id}:${e.attempt}`;
  const requestAttributes = (e: RequestStartEvent | RequestEndEvent | RequestErrorEvent): Attributes => ({
    "http.request.method": e.method,
    "url.full": e.url,
    ...serverOf(e.url),
    ...(e.attempt > 1 ? { "http.request.resend_count": e.attempt - 1 } : {}),
    ...(e.operation ? { "hfkit.operation": e.operation } : {}),
  });
  const metricAttributes = (
    e: RequestEndEvent | RequestErrorEvent,
    status: number | undefined,
    errorType?: string,
  ) => ({
    "http.request.method": e.method,
    ...serverOf(e.url),
    ...(status !== undefined ? { "http.response.status_code": status } : {}),
    ...(errorType ? { "error.type": errorType } : {}),
    "hfkit.operation": e.operation ?? "request",
  });

  return subscribeChannels({
    [HFKIT_CHANNELS.spanStart]: (message) => {
      const e = message as SpanStartEvent;
      const span = tracer.startSpan(
        e.name,
        {
          kind: SpanKind.INTERNAL,
          attributes: { ...hfkitAttributes(e.attributes), "hfkit.span.kind": e.kind },
        },
        parentContext(e.parentId),
      );
      workSpans.set(e.id, span);
    },
    [HFKIT_CHANNELS.spanEnd]: (message) => {
      const e = message as SpanEndEvent;
      const span = workSpans.get(e.id);
      workSpans.delete(e.id);
      if (span) {
        endedSpans.set(e.id, span.spanContext());
        if (endedSpans.size > ENDED_KEPT) endedSpans.delete(endedSpans.keys().next().value!);
      }
      if (e.error) {
        span?.setStatus({ code: SpanStatusCode.ERROR, message: e.error.message });
        span?.addEvent("exception", {
          "exception.type": e.error.code ?? e.error.name,
          "exception.message": e.error.message,
        });
      }
      span?.end();
      operationDuration.record(e.durationMs / 1000, {
        "hfkit.operation": e.name,
        "hfkit.outcome": e.error ? "error" : "ok",
      });
    },
    [HFKIT_CHANNELS.requestStart]: (message) => {
      const e = message as RequestStartEvent;
      const span = tracer.startSpan(
        e.operation ? `${e.method} ${e.operation}` : e.method,
        { kind: SpanKind.CLIENT, attributes: requestAttributes(e) },
        parentContext(e.spanId),
      );
      requestSpans.set(requestKey(e), span);
    },
    [HFKIT_CHANNELS.requestEnd]: (message) => {
      const e = message as RequestEndEvent;
      const key = requestKey(e);
      const span = requestSpans.get(key);
      requestSpans.delete(key);
      const failed = e.status >= 400;
      if (span) {
        span.setAttribute("http.response.status_code", e.status);
        if (e.requestId) span.setAttribute("hfkit.request_id", e.requestId);
        if (e.bytesSent !== undefined) span.setAttribute("http.request.body.size", e.bytesSent);
        if (e.bytesReceived !== undefined) span.setAttribute("http.response.body.size", e.bytesReceived);
        if (failed) {
          span.setAttribute("error.type", String(e.status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      }
      const attributes = metricAttributes(e, e.status, failed ? String(e.status) : undefined);
      requestDuration.record(e.durationMs / 1000, attributes);
      requests.add(1, attributes);
      const op = { "hfkit.operation": e.operation ?? "request" };
      if (e.bytesSent) bytesSent.add(e.bytesSent, op);
      if (e.bytesReceived) bytesReceived.add(e.bytesReceived, op);
    },
    [HFKIT_CHANNELS.requestError]: (message) => {
      const e = message as RequestErrorEvent;
      const key = requestKey(e);
      const span = requestSpans.get(key);
      requestSpans.delete(key);
      const errorType = e.error.code ?? e.error.name;
      if (span) {
        span.setAttribute("error.type", errorType);
        span.setStatus({ code: SpanStatusCode.ERROR, message: e.error.message });
        span.end();
      }
      const attributes = metricAttributes(e, undefined, errorType);
      requestDuration.record(e.durationMs / 1000, attributes);
      requests.add(1, attributes);
    },
    [HFKIT_CHANNELS.requestRetry]: (message) => {
      const e = message as RequestRetryEvent;
      retries.add(1, { "hfkit.operation": e.operation ?? "request", "hfkit.retry.reason": e.reason });
      const parent = e.spanId === undefined ? undefined : workSpans.get(e.spanId);
      (parent ?? trace.getActiveSpan())?.addEvent("hfkit.retry", {
        "http.request.method": e.method,
        "url.full": e.url,
        "hfkit.retry.attempt": e.attempt,
        "hfkit.retry.reason": e.reason,
        "hfkit.retry.delay_ms": e.delayMs,
        "hfkit.retry.server_directed": e.serverDirected,
      });
    },
    [HFKIT_CHANNELS.commit]: (message) => {
      const { event } = message as OperationMessage;
      if (event.type === "lfs-object-skipped")
        deduplicated.add(Number(event.size) || 0, { "hfkit.storage": "lfs" });
    },
    [HFKIT_CHANNELS.xet]: (message) => {
      const { event } = message as OperationMessage;
      if (event.type === "xet-xorb-uploaded" && event.inserted === false)
        deduplicated.add(Number(event.bytes) || 0, { "hfkit.storage": "xet" });
    },
  });
}
