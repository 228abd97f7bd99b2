// The CPU of two builds of @hfkit/xet's chunker on the same random bytes in memory, interleaved
// (the order rotates each round): `node xet-chunker-ab.mjs <MiB> <rounds> <xet dist A> <xet dist B>`
// (`dist/index.js` paths, e.g. this checkout's and a built `$HFKIT_BASE`'s). Two measures per
// round and build: `chunker`, `Chunker.push` over <MiB> in 4 MiB pieces (copied into its input
// window, as for bytes not read into its own buffers), after checking that both builds cut
// the same boundaries; and `kernel`, the gear kernel alone (`candidates` over four 16 KiB lanes
// of bytes already in its memory, <MiB> in all). Prints the medians and minimums of B's CPU ÷
// A's (the machine is shared: minimums are the least disturbed samples) and the load average.
// Pin it to one CPU (`taskset -c 0`) as the other scripts are.
import { randomFillSync } from "node:crypto";
import { loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import { median } from "./lib.mjs";

const [mib, rounds, a, b] = process.argv.slice(2);
if (!mib || !rounds || !a || !b)
  throw new Error("usage: xet-chunker-ab.mjs <MiB> <rounds> <dist A> <dist B>");
const builds = { A: await import(pathToFileURL(a).href), B: await import(pathToFileURL(b).href) };
const data = new Uint8Array(Number(mib) << 20);
for (let at = 0; at < data.byteLength; at += 65536) randomFillSync(data.subarray(at, at + 65536));
const PIECE = 4 << 20;

const cpu = (run) => {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};
const cutsOf = (xet) => {
  const chunker = new xet.Chunker();
  const cuts = [];
  for (let at = 0; at < data.byteLength; at += PIECE)
    for (const cut of chunker.push(data.subarray(at, at + PIECE))) cuts.push(at + cut);
  return [...cuts, chunker.finish()];
};
if (cutsOf(builds.A).join() !== cutsOf(builds.B).join())
  throw new Error("the builds cut different boundaries");

// The kernel (the Chunker's own, a private field): 4 lanes of 16 KiB from its input window.
const INPUT = 4096;
const LANE = 16 << 10;
const CANDIDATES = INPUT + (1 << 20);
const kernels = {};
for (const [name, xet] of Object.entries(builds)) {
  const { kernel } = new xet.Chunker();
  kernel.bytes.set(data.subarray(0, 4 * LANE + 64), INPUT - 64);
  kernels[name] = kernel;
}
const calls = Math.ceil(data.byteLength / (4 * LANE));
const measures = {
  chunker: (name) => cpu(() => cutsOf(builds[name])),
  kernel: (name) =>
    cpu(() => {
      for (let i = 0; i < calls; i++) kernels[name].candidates(INPUT, LANE, CANDIDATES);
    }),
};
const samples = { chunker: { A: [], B: [] }, kernel: { A: [], B: [] } };
for (let round = 0; round < Number(rounds); round++) {
  for (const name of round % 2 ? ["B", "A"] : ["A", "B"]) {
    for (const [measure, run] of Object.entries(measures)) samples[measure][name].push(run(name));
  }
}
for (const [measure, { A, B }] of Object.entries(samples)) {
  console.log(
    JSON.stringify({
      measure,
      mib: Number(mib),
      rounds: Number(rounds),
      medianA: +median(A).toFixed(3),
      medianB: +median(B).toFixed(3),
      medianRatio: +(median(B) / median(A)).toFixed(3),
      minRatio: +(Math.min(...B) / Math.min(...A)).toFixed(3),
    }),
  );
}
console.log(JSON.stringify({ load: loadavg().map((x) => +x.toFixed(2)) }));
