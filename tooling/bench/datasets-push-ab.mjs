// A small push (pushDataset) of two builds, interleaved: each round runs datasets-run.mjs
// hfkit-push of every build on the same JSONL file, each to a fresh emulator (this checkout's),
// the builds alternating which goes first: wall time of the library call (modules loaded before
// the clock, as datasets-run.mjs times it). Nothing pinned, as the datasets-push case runs.
//   node datasets-push-ab.mjs <rounds> <jsonl> <checkout> [<checkout>…]
// A checkout is a built hfkit tree (its tooling/bench/datasets-run.mjs runs with its packages).
// Prints one JSON line per push, then per build the median wall (ms) and, per round, the ratio
// of its wall to the first build's.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { buildRounds, loadLine, median } from "./lib.mjs";

const [rounds = "5", input, ...checkouts] = process.argv.slice(2);
if (!input || checkouts.length === 0)
  throw new Error("usage: node datasets-push-ab.mjs <rounds> <jsonl> <checkout> [<checkout>…]");
const { samples, load } = await buildRounds(
  Number(rounds),
  checkouts.length,
  "push-ab",
  (i, round, endpoint, out) => {
    const run = spawnSync(
      process.execPath,
      [join(checkouts[i], "tooling/bench/datasets-run.mjs"), "hfkit-push", input, out],
      {
        encoding: "utf8",
        env: { ...process.env, HFKIT_BENCH_ENDPOINT: endpoint, HFKIT_BENCH_REPO: "local/push-ab" },
      },
    );
    if (run.status !== 0) throw new Error(`${checkouts[i]}: ${run.stderr}`);
    const { ms } = JSON.parse(run.stdout.trim().split("\n").pop());
    const sample = { build: checkouts[i], round, ms: Math.round(ms), wall: ms };
    console.log(JSON.stringify({ build: sample.build, round, ms: sample.ms }));
    return sample;
  },
);
for (let i = 0; i < checkouts.length; i++) {
  const ratios = i === 0 ? [] : samples[i].map((s, round) => s.wall / samples[0][round].wall);
  console.log(
    `${checkouts[i]}: median ${Math.round(median(samples[i].map((s) => s.ms)))} ms` +
      (ratios.length
        ? `, ÷ first build per round: median ${median(ratios).toFixed(2)}× (${ratios.map((r) => r.toFixed(2)).join(" ")})`
        : ""),
  );
}
console.log(loadLine(load));
