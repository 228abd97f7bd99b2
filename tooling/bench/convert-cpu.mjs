// CPU of a 2 M-row JSONL conversion (writeShards, as a push runs it: one shard, its SHA-256 while
// it is written) per thread, for one or more builds of @hfkit/datasets in the same run, each
// conversion in its own process, the builds alternating which goes first. Per-thread CPU from
// /proc/self/task: the main thread (JSONL reader, column builders, the shard's SHA-256), the
// busiest other thread (the Parquet writer) and all threads.
//   node convert-cpu.mjs <rounds> <datasets dist/index.js> [<datasets dist/index.js>…]
// Prints one JSON line per conversion, then the medians per build (seconds).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { median } from "./lib.mjs";
import { pushInput } from "./push-lib.mjs";

/** CPU seconds per thread of this process. */
function threads() {
  const out = new Map();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(tid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

if (process.argv[2] === "--one") {
  const datasets = await import(pathToFileURL(process.argv[3]).href);
  const out = mkdtempSync(join(tmpdir(), "hfkit-convert-cpu-"));
  try {
    const before = threads();
    let last = before;
    const timer = setInterval(() => {
      last = new Map([...last, ...threads()]);
    }, 20);
    const started = performance.now();
    await datasets.writeShards({ data: pushInput(), outputDir: out, tempDir: out, sha256: true });
    const wall = (performance.now() - started) / 1000;
    clearInterval(timer);
    const after = new Map([...last, ...threads()]);
    const used = (tid) => (after.get(tid) ?? 0) - (before.get(tid) ?? 0);
    const main = String(process.pid);
    const others = [...after.keys()].filter((tid) => tid !== main).map(used);
    const r = (x) => Math.round(x * 100) / 100;
    console.log(
      JSON.stringify({
        wall: r(wall),
        main: r(used(main)),
        writer: r(Math.max(0, ...others)),
        cpu: r(used(main) + others.reduce((s, v) => s + v, 0)),
        load: r(loadavg()[0]),
      }),
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
} else {
  const [rounds = "3", ...builds] = process.argv.slice(2);
  if (builds.length === 0) throw new Error("usage: node convert-cpu.mjs <rounds> <datasets dist/index.js>…");
  const results = builds.map(() => []);
  for (let round = 0; round < Number(rounds); round++) {
    const order = builds.map((_, i) => i);
    if (round % 2) order.reverse();
    for (const i of order) {
      const line = execFileSync(process.execPath, [import.meta.filename, "--one", builds[i]], {
        encoding: "utf8",
      });
      const result = JSON.parse(line.trim().split("\n").pop());
      results[i].push(result);
      console.log(JSON.stringify({ build: i, round, ...result }));
    }
  }
  for (const [i, runs] of results.entries()) {
    const of = (key) => Math.round(median(runs.map((x) => x[key])) * 100) / 100;
    console.log(
      `${i} (${builds[i]}): median wall ${of("wall")} s, CPU ${of("cpu")} s: main thread ${of("main")} s, writer thread ${of("writer")} s`,
    );
  }
}
