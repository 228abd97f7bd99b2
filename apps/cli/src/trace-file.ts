import { writeFile } from "node:fs/promises";
import { VERSION } from "./version.js";

/**
 * `--trace-file FILE`: records the run's spans with the OpenTelemetry SDK (loaded only then: it
 * is not worth its start-up cost on other runs) and, when the run ends, writes them as OTLP
 * JSON, so a user can look at a push without running a collector. Returns the function that
 * stops recording and writes the file.
 */
/**
 * The trace's resource: `service.name` hfkit and its version, with the standard
 * `OTEL_RESOURCE_ATTRIBUTES` (`key=value,…`, values percent-encoded) and `OTEL_SERVICE_NAME`
 * (which wins, as the OpenTelemetry environment specification says) applied.
 */
export function traceResource(env: Record<string, string | undefined>): Record<string, string> {
  const resource: Record<string, string> = { "service.name": "hfkit", "service.version": VERSION };
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? "").split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    try {
      resource[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      // A malformed pair is skipped, as the specification asks, rather than failing the run.
    }
  }
  if (env.OTEL_SERVICE_NAME) resource["service.name"] = env.OTEL_SERVICE_NAME;
  return resource;
}

export async function startTraceFile(
  file: string,
  env: Record<string, string | undefined> = {},
): Promise<() => Promise<void>> {
  const [sdk, observability] = await Promise.all([
    import("@opentelemetry/sdk-trace-base"),
    import("@hfkit/observability"),
  ]);
  const exporter = new sdk.InMemorySpanExporter();
  const provider = new sdk.BasicTracerProvider({ spanProcessors: [new sdk.SimpleSpanProcessor(exporter)] });
  const stop = observability.instrumentOpenTelemetry({ tracerProvider: provider });
  return async () => {
    stop();
    await provider.forceFlush();
    const document = observability.otlpTraceJson(exporter.getFinishedSpans(), traceResource(env));
    await writeFile(file, `${JSON.stringify(document)}\n`);
    await provider.shutdown();
  };
}
