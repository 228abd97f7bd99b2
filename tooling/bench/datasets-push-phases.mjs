// A small push (pushDatasetIter) of two or more builds, interleaved, timed by phase: each round
// pushes the JSONL file with every build, each to a fresh emulator (this checkout's), the order
// alternating. Per push, from the call (modules loaded before the clock): when the writer thread
// was started, when the push's events came (the input read through: shards-planned; the repo
// created; the shard closed: shard-written; its upload done: shard-uploaded), the end, and the
// process's CPU over the call, and the span from the last upload to the end (the final commit).
// The phases move less with the machine's load than the end does.
//   node datasets-push-phases.mjs <rounds> <jsonl> <checkout> [<checkout>…]
// A checkout is a built hfkit tree. Prints per phase the median (ms) of each build and the median
// per round of each build's value ÷ the first build's, and the load average before and after.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildRounds, loadLine, median } from "./lib.mjs";

const PHASES = ["thread", "shards-planned", "repo-created", "shard-written", "shard-uploaded", "end", "cpu"];
/** Spans between two phases, printed after them: the final commit after the last upload. */
const SPANS = { "uploaded→end": ["shard-uploaded", "end"] };

if (process.argv[2] === "--one") {
  // one push in this process: <checkout> <jsonl> <endpoint> <dir>
  const [checkout, input, endpoint, dir] = process.argv.slice(3);
  const threads = createRequire(import.meta.url)("node:worker_threads");
  let threadAt;
  const Worker = threads.Worker;
  threads.Worker = class extends Worker {
    constructor(...args) {
      threadAt ??= performance.now();
      super(...args);
    }
  };
  syncBuiltinESMExports();
  const load = (pkg) => import(pathToFileURL(join(checkout, "packages", pkg, "dist/index.js")).href);
  const [datasets, http] = [await load("datasets"), await load("http")];
  mkdirSync(dir, { recursive: true });
  const hub = http.createHubClient({ endpoint, token: "hf_bench_token_not_secret", env: { HF_HOME: dir } });
  const at = {};
  const cpu = process.cpuUsage();
  const start = performance.now();
  const push = datasets.pushDatasetIter(hub, { repo: "datasets/local/phases", data: input, tempDir: dir });
  for (;;) {
    const next = await push.next();
    if (next.done) break;
    if (PHASES.includes(next.value.type)) at[next.value.type] ??= performance.now() - start;
  }
  at.end = performance.now() - start;
  const used = process.cpuUsage(cpu);
  at.cpu = (used.user + used.system) / 1000;
  at.thread = threadAt - start;
  await hub.close();
  console.log(JSON.stringify(at));
  process.exit(0);
}

const [rounds = "10", input, ...checkouts] = process.argv.slice(2);
if (!input || checkouts.length === 0)
  throw new Error("usage: node datasets-push-phases.mjs <rounds> <jsonl> <checkout> [<checkout>…]");
const { samples, load } = await buildRounds(
  Number(rounds),
  checkouts.length,
  "push-phases",
  (i, _round, endpoint, dir) => {
    const run = spawnSync(
      process.execPath,
      [import.meta.filename, "--one", checkouts[i], input, endpoint, dir],
      {
        encoding: "utf8",
      },
    );
    if (run.status !== 0) throw new Error(`${checkouts[i]}: ${run.stderr}`);
    return JSON.parse(run.stdout.trim().split("\n").pop());
  },
);
for (const [span, [from, to]] of Object.entries(SPANS))
  for (const s of samples) for (const x of s) x[span] = x[to] - x[from];
for (const phase of [...PHASES, ...Object.keys(SPANS)]) {
  const medians = samples.map((s) => Math.round(median(s.map((x) => x[phase]))));
  const ratios = samples
    .slice(1)
    .map((s) => median(s.map((x, round) => x[phase] / samples[0][round][phase])).toFixed(2));
  console.log(
    `${phase.padEnd(15)} ${medians.join(" / ")} ms${ratios.length ? `, ÷ first build ${ratios.join(" / ")}×` : ""}`,
  );
}
console.log(`builds: ${checkouts.join(" / ")}; ${rounds} rounds`);
console.log(loadLine(load));
