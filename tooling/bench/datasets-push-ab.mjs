// A small push (pushDataset) of two builds, interleaved: each round runs datasets-run.mjs
// hfkit-push of every build on the same JSONL file, each to a fresh emulator (this checkout's),
// the builds alternating which goes first: wall time of the library call (modules loaded before
// the clock, as datasets-run.mjs times it). Nothing pinned, as the datasets-push case runs.
//   node datasets-push-ab.mjs <rounds> <jsonl> <checkout> [<checkout>…]
// A checkout is a built hfkit tree (its tooling/bench/datasets-run.mjs runs with its packages).
// Prints one JSON line per push, then per build the median wall (ms) and, per round, the ratio
// of its wall to the first build's.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { median, startProcess } from "./lib.mjs";

const [rounds = "5", input, ...checkouts] = process.argv.slice(2);
if (!input || checkouts.length === 0)
  throw new Error("usage: node datasets-push-ab.mjs <rounds> <jsonl> <checkout> [<checkout>…]");
const work = mkdtempSync(join(process.env.HFKIT_BENCH_DIR ?? tmpdir(), "push-ab-"));
const samples = checkouts.map(() => []);
const load = [loadavg()];
for (let round = 0; round < Number(rounds); round++) {
  const order = checkouts.map((_, i) => i);
  if (round % 2 === 1) order.reverse();
  const walls = [];
  for (const i of order) {
    const emulator = await startProcess(join(import.meta.dirname, "emulator-serve.mjs"), []);
    try {
      const out = join(work, `out-${i}`);
      const run = spawnSync(
        process.execPath,
        [join(checkouts[i], "tooling/bench/datasets-run.mjs"), "hfkit-push", input, out],
        {
          encoding: "utf8",
          env: { ...process.env, HFKIT_BENCH_ENDPOINT: emulator.line, HFKIT_BENCH_REPO: "local/push-ab" },
        },
      );
      if (run.status !== 0) throw new Error(`${checkouts[i]}: ${run.stderr}`);
      rmSync(out, { recursive: true, force: true });
      const { ms } = JSON.parse(run.stdout.trim().split("\n").pop());
      const sample = { build: checkouts[i], round, ms: Math.round(ms) };
      walls[i] = ms;
      samples[i].push(sample);
      console.log(JSON.stringify(sample));
    } finally {
      emulator.stop();
    }
  }
  for (let i = 1; i < checkouts.length; i++) samples[i].at(-1).ratio = walls[i] / walls[0];
}
load.push(loadavg());
rmSync(work, { recursive: true, force: true });
for (let i = 0; i < checkouts.length; i++) {
  const ratios = samples[i].map((s) => s.ratio).filter((r) => r !== undefined);
  console.log(
    `${checkouts[i]}: median ${Math.round(median(samples[i].map((s) => s.ms)))} ms` +
      (ratios.length
        ? `, ÷ first build per round: median ${median(ratios).toFixed(2)}× (${ratios.map((r) => r.toFixed(2)).join(" ")})`
        : ""),
  );
}
console.log(`load average ${load.map((l) => l.map((x) => x.toFixed(2)).join(" ")).join(" → ")}`);
