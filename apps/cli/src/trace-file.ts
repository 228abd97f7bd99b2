import { writeFile } from "node:fs/promises";
import { VERSION } from "./version.js";

/**
 * `--trace-file FILE`: records the run's spans with the OpenTelemetry SDK (loaded only then: it
 * is not worth its start-up cost on other runs) and, when the run ends, writes them as OTLP
 * JSON, so a user can look at a push without running a collector. Returns the function that
 * stops recording and writes the file.
 */
export async function startTraceFile(file: string): Promise<() => Promise<void>> {
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
    const document = observability.otlpTraceJson(exporter.getFinishedSpans(), {
      "service.name": "hfkit",
      "service.version": VERSION,
    });
    await writeFile(file, `${JSON.stringify(document)}\n`);
    await provider.shutdown();
  };
}
