import { uploadFile } from "@hfkit/commit";
import { createHubClient } from "@hfkit/http";
import { createLogger, instrumentOpenTelemetry, logHfkitEvents } from "@hfkit/observability";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

// 1. Your OpenTelemetry SDK, registered as usual (any exporter: console, OTLP, Jaeger…).
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] }),
);

// 2. hfkit's spans and metrics join it; every request is also logged as a JSON line on stderr.
const stopTracing = instrumentOpenTelemetry();
const stopLogging = logHfkitEvents(createLogger({ level: "debug", format: "json" }));

const hub = createHubClient(); // HF_TOKEN, HF_ENDPOINT
await trace.getTracer("my-app").startActiveSpan("publish weights", async (span) => {
  await uploadFile(hub, { repo: "me/my-model", file: "./model.safetensors" });
  span.end();
});
stopTracing();
stopLogging();
// publish weights
// └─ commit                      hfkit.repo=me/my-model hfkit.revision=main
//    ├─ commit.preupload         └─ POST preupload
//    ├─ commit.hash
//    ├─ commit.lfs-batch         └─ POST lfsBatch
//    ├─ commit.lfs-upload        ├─ PUT lfsUpload ×N (one per part and attempt) └─ POST lfsCompleteMultipart
//    └─ commit.create            └─ POST createCommit
