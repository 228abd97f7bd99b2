// Transport choice (ADR 0002): how fast do global fetch (with an undici v7 dispatcher),
// undici.request, node:http and the hfkit seam move a large upload body and small JSON calls, against
// curl measured in the same run? Usage: node transport.mjs [sizeMiB=1024] [runs=5]
import { execFileSync } from "node:child_process";
import { createReadStream, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createHubClient } from "@hfkit/http";
import { Agent, request } from "undici";
import { ensureFile, hasCommand, median, pinSelf, startProcess, timed } from "./lib.mjs";

const sizeMiB = Number(process.argv[2] ?? 1024);
const runs = Number(process.argv[3] ?? 5);
const file = ensureFile(join(tmpdir(), `hfkit-bench-unique-${sizeMiB}MiB.bin`), sizeMiB << 20);
const size = statSync(file).size;
const server = await startProcess(new URL("./discard-server.mjs", import.meta.url).pathname, [], 1);
pinSelf(0);
const url = `http://127.0.0.1:${server.line}`;
const dispatcher = new Agent();
const readFile = () => createReadStream(file, { highWaterMark: 1 << 20 });

const uploads = {
  "curl -T": async () => {
    execFileSync("curl", ["-s", "-o", "/dev/null", "-T", file, `${url}/curl`]);
  },
  "undici.request": async () => {
    const res = await request(`${url}/undici`, {
      method: "PUT",
      body: readFile(),
      headers: { "content-length": String(size) },
      dispatcher,
    });
    await res.body.dump();
  },
  "global fetch + undici Agent": async () => {
    const res = await fetch(`${url}/fetch`, {
      method: "PUT",
      body: Readable.toWeb(readFile()),
      duplex: "half",
      headers: { "content-length": String(size) },
      dispatcher,
    });
    await res.arrayBuffer();
  },
  "hfkit seam, bulk, file body (node:http, reused buffers)": async () => {
    await hub.request({
      method: "PUT",
      url: `${url}/hfkit-file`,
      body: { file },
      bulk: true,
      responseType: "none",
    });
  },
  "hfkit seam, bulk, stream body (undici)": async () => {
    await hub.request({
      method: "PUT",
      url: `${url}/hfkit-bulk`,
      body: { binary: readFile, contentLength: size },
      bulk: true,
      responseType: "none",
    });
  },
  "hfkit seam, fetch": async () => {
    await hub.request({
      method: "PUT",
      url: `${url}/hfkit-fetch`,
      body: { binary: readFile, contentLength: size },
      responseType: "none",
    });
  },
};
const hub = createHubClient({ endpoint: url, token: false, env: {} });
if (!hasCommand("curl")) delete uploads["curl -T"];

const results = Object.fromEntries(Object.keys(uploads).map((k) => [k, []]));
for (let run = 0; run < runs; run++) {
  // Interleave the contenders so drift on this VM hits all of them alike.
  for (const [name, fn] of Object.entries(uploads)) results[name].push(await timed(fn));
}

const small = {
  "undici.request": async () => (await request(`${url}/small`, { dispatcher })).body.json(),
  "global fetch + undici Agent": async () => (await fetch(`${url}/small`, { dispatcher })).json(),
  "hfkit seam": async () => hub.request({ path: "/small" }),
};
const latency = {};
for (const [name, fn] of Object.entries(small)) {
  for (let i = 0; i < 200; i++) await fn(); // warm up
  const samples = [];
  for (let i = 0; i < 2000; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  latency[name] = median(samples);
}
server.stop();

const baseline = median(results["curl -T"] ?? results["undici.request"]);
console.log(
  `Upload of ${sizeMiB} MiB over loopback, median of ${runs} interleaved runs (server on CPU 1, client on CPU 0):`,
);
console.log("| contender | seconds | GB/s | time vs curl -T |");
console.log("|---|---|---|---|");
for (const [name, times] of Object.entries(results)) {
  const m = median(times);
  console.log(
    `| ${name} | ${m.toFixed(2)} | ${(size / m / 1e9).toFixed(2)} | ${(m / baseline).toFixed(2)}× |`,
  );
}
console.log("\nSmall JSON GET, sequential, p50 over 2000 calls:");
console.log("| contender | p50 ms | vs undici.request |");
console.log("|---|---|---|");
for (const [name, ms] of Object.entries(latency)) {
  console.log(`| ${name} | ${ms.toFixed(3)} | ${(ms / latency["undici.request"]).toFixed(2)}× |`);
}
process.exit(0);
