// Where a dataset push's time goes after the shard closes, for two builds of the CLI in the same
// run: each push of a JSONL file (the one datasets-push.mjs writes) runs with `--trace-file`, and
// its spans give the time to the last shard's close and from there to the commit, which a
// loaded VM disturbs less than the wall time. Pushes alternate which build goes first (the load
// of a shared VM drifts: always running one build first biases the comparison).
//   node push-tail.mjs <cli-a> <cli-b> [rounds] [xet|lfs]
//   e.g. node push-tail.mjs /work/main/apps/cli/bin/hfkit.js ../../apps/cli/bin/hfkit.js 4 xet
// Prints one JSON line per push (wall, close, tail, process CPU and peak RSS from GNU time, the
// 1-minute load average), then the medians per build.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { median, startProcess } from "./lib.mjs";

const here = import.meta.dirname;
const [a, b, rounds = "3", mode = "xet"] = process.argv.slice(2);
const input = join(
  process.env.HFKIT_BENCH_DIR ?? tmpdir(),
  "hfkit-bench-datasets-push",
  "rows-2000000.jsonl",
);
if (!a || !b) throw new Error("usage: node push-tail.mjs <cli-a> <cli-b> [rounds] [xet|lfs]");
if (!existsSync(input)) throw new Error(`${input} is missing: run datasets-push.mjs once to write it`);

/** Every span of an OTLP JSON trace file, with start and end in seconds from the first span. */
function spansOf(text) {
  const spans = [];
  const walk = (o) => {
    if (Array.isArray(o)) o.forEach(walk);
    else if (o && typeof o === "object") {
      if (o.spanId && o.name) spans.push(o);
      else Object.values(o).forEach(walk);
    }
  };
  walk(JSON.parse(text));
  const at = (ns) => Number(BigInt(ns)) / 1e9;
  const start = Math.min(...spans.map((s) => at(s.startTimeUnixNano)));
  return spans.map((s) => ({
    name: s.name,
    start: at(s.startTimeUnixNano) - start,
    end: at(s.endTimeUnixNano) - start,
  }));
}

function push(cli, endpoint, repo) {
  const work = mkdtempSync(join(tmpdir(), "hfkit-push-tail-"));
  try {
    const trace = join(work, "trace.json");
    const times = join(work, "time.txt");
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HF_ENDPOINT: endpoint,
      HF_TOKEN: "hf_bench_token_not_secret",
      HF_HOME: join(work, "home"),
      TMPDIR: work,
      HF_HUB_DISABLE_TELEMETRY: "1",
      ...(mode === "lfs" ? { HF_HUB_DISABLE_XET: "1" } : {}),
    };
    const started = performance.now();
    execFileSync(
      "/usr/bin/time",
      [
        "-f",
        "%U %S %M",
        "-o",
        times,
        process.execPath,
        cli,
        "--trace-file",
        trace,
        "datasets",
        "push",
        repo,
        input,
      ],
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    const wall = (performance.now() - started) / 1000;
    const [user, system, rss] = readFileSync(times, "utf8").trim().split("\n").at(-1).split(" ").map(Number);
    const spans = spansOf(readFileSync(trace, "utf8"));
    // The writer's spans end when the last shard is closed (and renamed).
    const close = Math.max(
      ...spans.filter((s) => s.name.startsWith("datasets.") && s.name !== "datasets.push").map((s) => s.end),
    );
    const end = Math.max(...spans.map((s) => s.end));
    const round = (x) => Math.round(x * 100) / 100;
    return {
      wall: round(wall),
      close: round(close),
      tail: round(end - close),
      cpu: round(user + system),
      rssMB: Math.round(rss / 1024),
      load: round(loadavg()[0]),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const server = await startProcess(join(here, "emulator-serve.mjs"));
const results = { a: [], b: [] };
try {
  // Not counted: the emulator checks the SHA-256 of a file hash it registers for the first time
  // (reconstructing the whole file) and stores each xorb once, so the first push of the content
  // has more to wait for than the others (both builds write the same shard).
  push(a, server.line, "datasets/local/tail-warm-up");
  for (let round = 0; round < Number(rounds); round++) {
    for (const which of round % 2 ? ["b", "a"] : ["a", "b"]) {
      const result = push(which === "a" ? a : b, server.line, `datasets/local/tail-${which}-${round}`);
      results[which].push(result);
      console.log(JSON.stringify({ build: which, mode, ...result }));
    }
  }
} finally {
  server.stop();
}
for (const which of ["a", "b"]) {
  const of = (key) => Math.round(median(results[which].map((r) => r[key])) * 100) / 100;
  console.log(
    `${which} (${which === "a" ? a : b}): median wall ${of("wall")} s, close ${of("close")} s, tail ${of("tail")} s, CPU ${of("cpu")} s`,
  );
}
