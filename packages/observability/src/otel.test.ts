import { channel } from "node:diagnostics_channel";
import { uploadFolder } from "@hfkit/commit";
import { createEmulator, type Emulator } from "@hfkit/emulator";
import { createHubClient, type HubClient } from "@hfkit/http";
import { createRepo, downloadFile } from "@hfkit/repo";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HFKIT_CHANNELS } from "./channels.js";
import { instrumentOpenTelemetry } from "./otel.js";
import { noise, tempFolder } from "./test-utils/index.js";

// The real OpenTelemetry SDK with its in-memory exporters, fed by a real upload and download
// against the in-process emulator.
const MiB = 1 << 20;
const TOKEN = "hf_OtelSecretTokenTheTestChose";
let emulator: Emulator;
let hub: HubClient;
const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({
  exporter: metricExporter,
  exportIntervalMillis: 3_600_000,
});
const meterProvider = new MeterProvider({ readers: [reader] });
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  emulator = createEmulator({ multipartThreshold: 4 * MiB, multipartChunkSize: 2 * MiB, xet: false });
  hub = createHubClient({
    endpoint: emulator.baseUrl,
    fetch: emulator.fetch,
    token: TOKEN,
    env: {},
    retry: { initialDelayMs: 5, random: () => 1 },
  });
});
afterAll(async () => {
  context.disable();
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
});
beforeEach(() => {
  spans.reset();
  metricExporter.reset();
});

async function metricPoints(name: string) {
  await reader.forceFlush();
  const batches = metricExporter.getMetrics();
  const metrics = batches.at(-1)?.scopeMetrics.flatMap((s) => s.metrics) ?? [];
  return metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? [];
}

const children = (all: ReadableSpan[], parent: ReadableSpan) =>
  all.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);

describe("instrumentOpenTelemetry", () => {
  it("nests a push under the caller's span: commit > phases > request attempts, with the retry", async () => {
    await createRepo(hub, { repo: "local/traced" });
    const dir = await tempFolder({ "README.md": "# traced\n", "big.bin": noise(5 * MiB, 3) });
    emulator.faults.inject({ method: "PUT", path: /^\/part\/[^/]+\/2$/, status: 503, times: 1 });
    emulator.clearRequestLog();
    const stop = instrumentOpenTelemetry({ tracerProvider, meterProvider });
    const tracer = tracerProvider.getTracer("my-app");
    try {
      await tracer.startActiveSpan("my push", async (root) => {
        await uploadFolder(hub, { repo: "local/traced", folder: dir });
        root.end();
      });
    } finally {
      stop();
    }
    const all = spans.getFinishedSpans();
    const root = all.find((s) => s.name === "my push")!;
    const [commit] = children(all, root);
    expect(commit).toMatchObject({
      name: "commit",
      kind: SpanKind.INTERNAL,
      attributes: { "hfkit.repo": "local/traced", "hfkit.revision": "main", "hfkit.span.kind": "operation" },
    });
    expect(
      children(all, commit!)
        .map((s) => s.name)
        .sort(),
    ).toEqual(["commit.create", "commit.hash", "commit.lfs-batch", "commit.lfs-upload", "commit.preupload"]);
    const upload = children(all, commit!).find((s) => s.name === "commit.lfs-upload")!;
    expect(upload.attributes).toMatchObject({ "hfkit.path": "big.bin", "hfkit.size": 5 * MiB });
    const attempts = children(all, upload);
    // 3 parts, one of them twice, and the completion call.
    expect(attempts.map((s) => s.name).sort()).toEqual([
      "POST lfsCompleteMultipart",
      "PUT lfsUpload",
      "PUT lfsUpload",
      "PUT lfsUpload",
      "PUT lfsUpload",
    ]);
    const failed = attempts.find((s) => s.attributes["http.response.status_code"] === 503)!;
    expect(failed.kind).toBe(SpanKind.CLIENT);
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes).toMatchObject({ "http.request.method": "PUT", "error.type": "503" });
    const resent = attempts.find((s) => s.attributes["http.request.resend_count"] === 1)!;
    expect(resent.attributes["http.response.status_code"]).toBe(200);
    expect(resent.attributes["url.full"]).toContain("X-Amz-Signature=%5BREDACTED%5D");
    const retry = upload.events.find((e) => e.name === "hfkit.retry")!;
    expect(retry.attributes).toMatchObject({ "hfkit.retry.reason": "503", "hfkit.retry.delay_ms": 5 });
    const create = children(all, commit!).find((s) => s.name === "commit.create")!;
    expect(children(all, create).map((s) => s.name)).toEqual(["POST createCommit"]);
    expect(new Set(all.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(JSON.stringify(all.map((s) => [s.attributes, s.events]))).not.toContain(TOKEN);

    // Metric counts match what the emulator served.
    const served = emulator.requestLog;
    const counted = await metricPoints("hfkit.http.requests");
    expect(counted.reduce((sum, p) => sum + (p.value as number), 0)).toBe(served.length);
    const by = (status: number) =>
      counted
        .filter((p) => p.attributes["http.response.status_code"] === status)
        .reduce((sum, p) => sum + (p.value as number), 0);
    expect(by(503)).toBe(served.filter((r) => r.status === 503).length);
    expect(by(200)).toBe(served.filter((r) => r.status === 200).length);
    const retries = await metricPoints("hfkit.http.retries");
    expect(retries.map((p) => [p.attributes, p.value])).toEqual([
      [{ "hfkit.operation": "lfsUpload", "hfkit.retry.reason": "503" }, 1],
    ]);
    const sent = await metricPoints("hfkit.http.request.body.size");
    const putBytes = sent.find((p) => p.attributes["hfkit.operation"] === "lfsUpload")!.value;
    expect(putBytes).toBe(5 * MiB + 2 * MiB); // the retried part went twice
    const durations = await metricPoints("http.client.request.duration");
    const histogramCount = durations.reduce((sum, p) => sum + (p.value as { count: number }).count, 0);
    expect(histogramCount).toBe(served.length);
  });

  it("counts bytes a second upload did not send as deduplicated, and traces a download", async () => {
    await createRepo(hub, { repo: "local/dedup" });
    const dir = await tempFolder({ "a.bin": noise(300_000, 4) });
    await uploadFolder(hub, { repo: "local/dedup", folder: dir });
    const stop = instrumentOpenTelemetry({ tracerProvider, meterProvider });
    try {
      await uploadFolder(hub, { repo: "local/dedup", folder: dir, pathInRepo: "copy" });
      await downloadFile(hub, { repo: "local/dedup", path: "a.bin", cacheDir: `${dir}/.cache` });
    } finally {
      stop();
    }
    const dedup = await metricPoints("hfkit.upload.deduplicated");
    expect(dedup.map((p) => [p.attributes, p.value])).toEqual([[{ "hfkit.storage": "lfs" }, 300_000]]);
    const all = spans.getFinishedSpans();
    const download = all.find((s) => s.name === "download")!;
    expect(download.parentSpanContext).toBeUndefined();
    expect(children(all, download).map((s) => s.name)).toEqual(["HEAD getFileMetadata", "GET downloadFile"]);
    const get = children(all, download)[1]!;
    expect(get.attributes["http.response.body.size"]).toBe(300_000);
  });

  it("leaves no listener behind once stopped, and stopping twice is harmless", () => {
    const channels = Object.values(HFKIT_CHANNELS).map((name) => channel(name));
    expect(channels.filter((c) => c.hasSubscribers)).toEqual([]);
    const stop = instrumentOpenTelemetry({ tracerProvider, meterProvider });
    expect(channel(HFKIT_CHANNELS.requestEnd).hasSubscribers).toBe(true);
    stop();
    stop();
    expect(channels.filter((c) => c.hasSubscribers)).toEqual([]);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it("subscribes to nothing while no SDK is registered, so the libraries publish nothing", () => {
    const stop = instrumentOpenTelemetry();
    expect(Object.values(HFKIT_CHANNELS).filter((name) => channel(name).hasSubscribers)).toEqual([]);
    stop();
  });
});
