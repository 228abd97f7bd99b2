// `hfkit emulator serve` for client benchmarks: memory storage and the SHA-256 check of
// uploads switched off (the emulator README's advice), in its own process so that it can be
// pinned to its own CPU. Prints the Hub URL on its first stdout line.
// HFKIT_BENCH_EMULATOR=<path of an emulator build's dist/index.js> serves that build instead
// (push-emulators.mjs compares two).
// HFKIT_BENCH_RTT_MS=<ms> delays every request by that much before serving it, as a Hub a round
// trip away would (the emulator's latency fault): what a push's serial requests cost then.
import { pathToFileURL } from "node:url";

const { startEmulatorServer } = process.env.HFKIT_BENCH_EMULATOR
  ? await import(pathToFileURL(process.env.HFKIT_BENCH_EMULATOR).href)
  : await import("@hfkit/emulator");
const server = await startEmulatorServer({ port: 0, verifyLfsSha256: false });
const rtt = Number(process.env.HFKIT_BENCH_RTT_MS ?? 0);
if (rtt > 0) server.emulator.faults.inject({ path: /^\//, latencyMs: rtt, times: Infinity });
process.stdout.write(`${server.url}\n`);
process.on("SIGTERM", () => server.close().then(() => process.exit(0)));
