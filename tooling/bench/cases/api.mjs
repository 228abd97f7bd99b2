// The request-rate cases of `pnpm bench`: small GETs per second through the hfkit client
// against a bare undici loop (the same discarding server, sequential calls), and the
// emulator's own requests per second against a bare node:http server that does nothing.
import { join } from "node:path";
import { createHubClient } from "@hfkit/http";
import { Agent, Pool, request } from "undici";
import { startProcess } from "../lib.mjs";
import { BENCH_DIR, newRepo, rounds, startEmulator, TOKEN } from "./context.mjs";

async function perSecond(calls, fn) {
  for (let i = 0; i < Math.min(200, calls); i++) await fn(); // warm-up
  const start = performance.now();
  for (let i = 0; i < calls; i++) await fn();
  return { value: calls / ((performance.now() - start) / 1000) };
}

export const apiOverhead = {
  id: "api-overhead",
  unit: "req/s",
  higherIsBetter: true,
  title: (s) =>
    `Small JSON GETs, one at a time, ${s.apiCalls.toLocaleString("en")} calls per sample (requests per second, in this process)`,
  async run(ctx) {
    const url = ctx.discardUrl;
    const hub = createHubClient({ endpoint: url, token: false, env: {} });
    const dispatcher = new Agent();
    try {
      return await rounds(
        [
          {
            name: "hfkit client (hub.request, JSON parsed and checked)",
            reference: true,
            run: () => perSecond(ctx.sizes.apiCalls, () => hub.request({ path: "/small" })),
          },
          {
            name: "bare undici.request loop (floor)",
            run: () =>
              perSecond(ctx.sizes.apiCalls, async () =>
                (await request(`${url}/small`, { dispatcher })).body.json(),
              ),
          },
        ],
        ctx.runs,
        ctx.log,
      );
    } finally {
      await hub.close();
      await dispatcher.close();
    }
  },
};

/** `total` GETs of `path`, `concurrency` at a time over a keep-alive pool. */
async function blast(origin, path, total, concurrency, headers = {}) {
  const pool = new Pool(origin, { connections: concurrency });
  let next = 0;
  const worker = async () => {
    while (next++ < total) {
      const res = await pool.request({ path, method: "GET", headers });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode}`);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const value = total / ((performance.now() - start) / 1000);
  await pool.close();
  return { value };
}

export const emulatorRps = {
  id: "emulator-rps",
  unit: "req/s",
  higherIsBetter: true,
  title: (s) =>
    `Server requests per second: ${s.serverRequests.toLocaleString("en")} GETs, 8 at a time (the server on CPU 1)`,
  async run(ctx) {
    const emulator = await startEmulator();
    const bare = await startProcess(join(BENCH_DIR, "discard-server.mjs"), [], 1);
    try {
      const repo = await newRepo(emulator.endpoint, "rps");
      const auth = { authorization: `Bearer ${TOKEN}` };
      const n = ctx.sizes.serverRequests;
      return await rounds(
        [
          {
            name: "hfkit emulator: GET /api/models/{id}",
            reference: true,
            run: () => blast(emulator.endpoint, `/api/models/${repo}`, n, 8, auth),
          },
          {
            name: "hfkit emulator: GET /{id}/resolve/main/.gitattributes",
            run: () => blast(emulator.endpoint, `/${repo}/resolve/main/.gitattributes`, n, 8, auth),
          },
          {
            name: "bare node:http server answering {} (floor)",
            run: () => blast(`http://127.0.0.1:${bare.line}`, "/small", n, 8),
          },
        ],
        ctx.runs,
        ctx.log,
      );
    } finally {
      emulator.stop();
      bare.stop();
    }
  },
};
