// First-use CPU of @hfkit/xet's WebAssembly in a fresh process, interleaved with a built
// checkout: `HFKIT_BASE=<checkout> node tooling/bench/xet-cold.mjs [runs]` (without
// HFKIT_BASE, this checkout alone). Each sample is a new Node process (on CPU 0 where taskset
// exists) that imports the built @hfkit/xet and measures process.cpuUsage around
// `preloadXetWasm()` until the Xet hashes are loaded (BLAKE3 and LZ4), the first `Chunker`
// (gear hash), and the hash of a first MiB; it prints the medians (ms) and the load average.
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { pinned } from "./cases/context.mjs";

const runs = Number(process.argv[2] ?? 15);
const checkouts = [["this checkout", join(import.meta.dirname, "../..")]];
if (process.env.HFKIT_BASE) checkouts.unshift(["HFKIT_BASE", process.env.HFKIT_BASE]);

const sample = `
const xet = await import(process.argv[1]);
const cpu = (since) => { const c = process.cpuUsage(since); return (c.user + c.system) / 1000; };
let start = process.cpuUsage();
xet.preloadXetWasm();
await xet.loadXetHashes();
await new Promise((resolve) => setTimeout(resolve, 20));
const preload = cpu(start);
start = process.cpuUsage();
new xet.Chunker();
const chunker = cpu(start);
start = process.cpuUsage();
await xet.hashXetFile({ content: new Uint8Array(1 << 20).fill(7) });
console.log(JSON.stringify({ preload, chunker, firstMiB: cpu(start) }));
`;

const samples = checkouts.map(() => []);
const loads = [loadavg()[0]];
for (let round = 0; round < runs; round++) {
  for (let k = 0; k < checkouts.length; k++) {
    const i = (k + round) % checkouts.length;
    const dist = pathToFileURL(join(checkouts[i][1], "packages/xet/dist/index.js")).href;
    const [bin, args] = pinned(process.execPath, ["--input-type=module", "-e", sample, dist]);
    samples[i].push(JSON.parse(execFileSync(bin, args, { encoding: "utf8" }).trim().split("\n").at(-1)));
  }
}
loads.push(loadavg()[0]);
const median = (xs) => xs.toSorted((a, b) => a - b)[xs.length >> 1];
console.log(`${runs} rounds, load average ${loads.map((l) => l.toFixed(1)).join(" -> ")}; CPU ms, medians:`);
checkouts.forEach(([name, dir], i) => {
  const m = (key) => median(samples[i].map((s) => s[key])).toFixed(1);
  console.log(
    `${name} (${dir}): preload ${m("preload")}, first Chunker ${m("chunker")}, first MiB ${m("firstMiB")}`,
  );
});
