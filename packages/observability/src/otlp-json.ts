/** `[seconds, nanoseconds]`, as the OpenTelemetry SDK keeps times. */
type HrTime = [number, number];
type AttributeValue = string | number | boolean | readonly (string | number | boolean | null | undefined)[];

/** The fields of a finished SDK span (`ReadableSpan` of `@opentelemetry/sdk-trace-base`) this needs. */
export interface FinishedSpan {
  name: string;
  kind: number;
  spanContext(): { traceId: string; spanId: string };
  parentSpanContext?: { spanId: string } | undefined;
  startTime: HrTime;
  endTime: HrTime;
  attributes: Record<string, AttributeValue | undefined>;
  events: readonly { name: string; time: HrTime; attributes?: Record<string, AttributeValue | undefined> }[];
  status: { code: number; message?: string };
  instrumentationScope: { name: string; version?: string };
}

type OtlpValue =
  | { stringValue: string }
  | { intValue: string }
  | { doubleValue: number }
  | { boolValue: boolean }
  | { arrayValue: { values: OtlpValue[] } };

function otlpValue(value: AttributeValue | null | undefined): OtlpValue {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  if (typeof value === "number")
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map((v) => otlpValue(v)) } };
  return { stringValue: String(value) };
}

function attributesOf(attributes: Record<string, AttributeValue | undefined> | undefined) {
  return Object.entries(attributes ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ({ key, value: otlpValue(value) }));
}

// OTLP times are nanoseconds since the epoch, as decimal strings (64-bit integers in JSON).
const nanos = ([s, ns]: HrTime) => (BigInt(s) * 1_000_000_000n + BigInt(ns)).toString();

/**
 * Finished spans as an OTLP/JSON `ExportTraceServiceRequest` (opentelemetry-proto, JSON
 * encoding): what `--trace-file` writes and what an OTLP/HTTP collector accepts on `/v1/traces`
 * with `Content-Type: application/json`. Spans are grouped by instrumentation scope.
 */
export function otlpTraceJson(
  spans: readonly FinishedSpan[],
  resource: Record<string, AttributeValue> = { "service.name": "hfkit" },
): object {
  const scopes = new Map<string, { scope: { name: string; version?: string }; spans: object[] }>();
  for (const span of spans) {
    const { name, version } = span.instrumentationScope;
    const key = `${name}@${version ?? ""}`;
    let group = scopes.get(key);
    if (!group) {
      group = { scope: version ? { name, version } : { name }, spans: [] };
      scopes.set(key, group);
    }
    const context = span.spanContext();
    group.spans.push({
      traceId: context.traceId,
      spanId: context.spanId,
      ...(span.parentSpanContext ? { parentSpanId: span.parentSpanContext.spanId } : {}),
      name: span.name,
      // The API's SpanKind starts at INTERNAL = 0; the protocol's at UNSPECIFIED = 0.
      kind: span.kind + 1,
      startTimeUnixNano: nanos(span.startTime),
      endTimeUnixNano: nanos(span.endTime),
      attributes: attributesOf(span.attributes),
      events: span.events.map((e) => ({
        timeUnixNano: nanos(e.time),
        name: e.name,
        attributes: attributesOf(e.attributes),
      })),
      status: span.status.message
        ? { code: span.status.code, message: span.status.message }
        : { code: span.status.code },
    });
  }
  return {
    resourceSpans: [{ resource: { attributes: attributesOf(resource) }, scopeSpans: [...scopes.values()] }],
  };
}
