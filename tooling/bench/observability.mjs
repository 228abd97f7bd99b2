// Cost of observing hfkit (ADR 0016), in one process, interleaved rounds, medians:
// 1. a log record (a request's end, 11 fields) through @hfkit/observability's logger, JSON and
//    human, vs pino 10 writing JSON, each to a sink that drops the line;
// 2. a request through the hfkit seam (an in-process fetch that answers at once) with nobody
//    subscribed, vs with instrumentOpenTelemetry() while no OpenTelemetry SDK is registered.
// Usage: node observability.mjs [rounds]
import { createHubClient } from "@hfkit/http";
import { createLogger, instrumentOpenTelemetry } from "@hfkit/observability";
import pino from "pino";
import { median } from "./lib.mjs";

const rounds = Number(process.argv[2] ?? 7);
const RECORDS = 200_000;
const REQUESTS = 20_000;

const fields = {
  event: "http.request",
  operation: "lfsUpload",
  method: "PUT",
  url: "https://s3.example/part/0c9f/2?X-Amz-Signature=%5BREDACTED%5D",
  status: 200,
  durationMs: 431.2,
  attempt: 1,
  bytesSent: 16_777_216,
  bytesReceived: 0,
  requestId: "Root=1-abc",
  callId: 42,
};

const drop = () => {};
const contenders = {
  "hfkit logger, json": createLogger({ level: "debug", format: "json", sink: drop }),
  "hfkit logger, human": createLogger({ level: "debug", format: "human", sink: drop }),
  "hfkit logger, level off": createLogger({ level: "info", format: "json", sink: drop }),
  "pino 10, json": pino({ level: "debug" }, { write: drop }),
};

function perRecordNs(logger) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < RECORDS; i++) logger.debug(fields, "PUT /part/0c9f/2 200 431.2ms");
  return Number(process.hrtime.bigint() - started) / RECORDS;
}
// pino takes (fields, msg); ours takes (msg, fields): adapt ours to one call shape.
const adapt = (logger) => ({ debug: (f, m) => logger.debug(m, f) });

const fetch = async () => new Response("{}", { headers: { "content-type": "application/json" } });
const client = createHubClient({
  endpoint: "https://hub.test",
  token: "hf_bench_token_0000",
  fetch,
  env: {},
});
async function perRequestUs() {
  const started = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i++) await client.request({ path: "/api/whoami-v2", responseType: "none" });
  return Number(process.hrtime.bigint() - started) / REQUESTS / 1000;
}

const log = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
const requests = { "nobody subscribed": [], "instrumentOpenTelemetry, no SDK": [] };
for (const [name, logger] of Object.entries(contenders))
  perRecordNs(name.startsWith("pino") ? logger : adapt(logger));
await perRequestUs();
for (let r = 0; r < rounds; r++) {
  for (const [name, logger] of Object.entries(contenders))
    log[name].push(perRecordNs(name.startsWith("pino") ? logger : adapt(logger)));
  requests["nobody subscribed"].push(await perRequestUs());
  const stop = instrumentOpenTelemetry();
  requests["instrumentOpenTelemetry, no SDK"].push(await perRequestUs());
  stop();
}
console.log(`Node ${process.version}, ${rounds} rounds, medians`);
console.log("\nper log record (ns):");
for (const [name, values] of Object.entries(log))
  console.log(`  ${name.padEnd(28)} ${median(values).toFixed(0)}`);
console.log("\nper request through the seam, in-process fetch (µs):");
for (const [name, values] of Object.entries(requests))
  console.log(`  ${name.padEnd(34)} ${median(values).toFixed(2)}`);
