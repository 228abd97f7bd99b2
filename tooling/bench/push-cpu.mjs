// Where a dataset push's CPU goes after the shard closes, for one or more CLI builds in the same
// run: each push of the JSONL file datasets-push.mjs writes goes to a fresh emulator (a first
// push, as datasets-push.mjs measures it: every xorb built, sent and checked), the builds
// alternating which goes first. The CPU of every thread of the push and of the emulator is read
// from /proc every 10 ms, so the time after the shard's close (from `--trace-file` spans) splits
// into the push's main thread, its other threads (V8's compiler and GC, libuv) and the emulator;
// the main thread's wait for a core (schedstat) says how much of the tail was the VM's load. Over
// the whole push: the CPU of all threads, of the main thread and of the busiest other (the writer).
//   node push-cpu.mjs <rounds> <xet|lfs> <cli> [<cli>…]
// Prints one JSON line per push, then the medians per build (seconds).
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { median, startProcess } from "./lib.mjs";
import { pushEnv, pushInput, spansOf } from "./push-lib.mjs";

const here = import.meta.dirname;
const [rounds = "3", mode = "xet", ...clis] = process.argv.slice(2);
if (clis.length === 0) throw new Error("usage: node push-cpu.mjs <rounds> <xet|lfs> <cli> [<cli>…]");
const input = pushInput();
const TICKS = 100; // USER_HZ

/** CPU seconds per thread of `pid` (the main thread's run-queue wait under key -1). */
function threads(pid) {
  const out = new Map();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / TICKS);
        if (Number(tid) === pid) {
          const [, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ");
          out.set(-1, Number(wait) / 1e9);
        }
      } catch {
        // the thread ended between the listing and the read
      }
    }
  } catch {
    // the process ended
  }
  return out;
}

async function push(cli, server, repo) {
  const work = mkdtempSync(join(tmpdir(), "hfkit-push-cpu-"));
  try {
    const trace = join(work, "trace.json");
    const env = pushEnv(server.line, work, mode);
    const started = Date.now();
    const child = spawn(process.execPath, [cli, "--trace-file", trace, "datasets", "push", repo, input], {
      env,
      stdio: "ignore",
    });
    const samples = [];
    const timer = setInterval(
      () => samples.push({ at: Date.now(), push: threads(child.pid), emulator: threads(server.child.pid) }),
      10,
    );
    const code = await new Promise((resolve) => child.on("exit", resolve));
    clearInterval(timer);
    const wall = (Date.now() - started) / 1000;
    if (code !== 0) throw new Error(`the push exited with ${code}`);
    const spans = spansOf(readFileSync(trace, "utf8"), started / 1000);
    const close = Math.max(
      ...spans.filter((s) => s.name.startsWith("datasets.") && s.name !== "datasets.push").map((s) => s.end),
    );
    const end = Math.max(...spans.map((s) => s.end));
    // Each thread's last reading up to a time (a thread that ended keeps its last one).
    const upTo = (key, time) => {
      const cpu = new Map();
      for (const s of samples) if (s.at - started <= time * 1000) for (const [t, v] of s[key]) cpu.set(t, v);
      return cpu;
    };
    const after = (key, which) => {
      const [from, to] = [upTo(key, close), upTo(key, Number.POSITIVE_INFINITY)];
      let sum = 0;
      for (const [t, v] of to) if (which(t)) sum += v - (from.get(t) ?? 0);
      return sum;
    };
    const r = (x) => Math.round(x * 100) / 100;
    const pid = child.pid;
    return {
      wall: r(wall),
      close: r(close),
      tail: r(end - close),
      cpu: r([...upTo("push", Number.POSITIVE_INFINITY)].reduce((s, [t, v]) => (t >= 0 ? s + v : s), 0)),
      // the whole push: its main thread, and its busiest other thread (the Parquet writer's)
      cpuMain: r(upTo("push", Number.POSITIVE_INFINITY).get(pid) ?? 0),
      cpuWriter: r(
        Math.max(
          0,
          ...[...upTo("push", Number.POSITIVE_INFINITY)]
            .filter(([t]) => t >= 0 && t !== pid)
            .map(([, v]) => v),
        ),
      ),
      tailMain: r(after("push", (t) => t === pid)),
      tailOther: r(after("push", (t) => t >= 0 && t !== pid)),
      tailMainWait: r(after("push", (t) => t === -1)),
      tailEmulator: r(after("emulator", (t) => t >= 0)),
      load: r(loadavg()[0]),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const results = clis.map(() => []);
for (let round = 0; round < Number(rounds); round++) {
  const order = clis.map((_, i) => i);
  if (round % 2) order.reverse();
  for (const i of order) {
    const server = await startProcess(join(here, "emulator-serve.mjs"));
    try {
      const result = await push(clis[i], server, `datasets/local/cpu-${i}-${round}`);
      results[i].push(result);
      console.log(JSON.stringify({ build: i, round, mode, ...result }));
    } finally {
      server.stop();
    }
  }
}
for (const [i, pushes] of results.entries()) {
  const of = (key) => Math.round(median(pushes.map((p) => p[key])) * 100) / 100;
  console.log(
    `${i} (${clis[i]}): median wall ${of("wall")} s, close ${of("close")} s, tail ${of("tail")} s, CPU ${of("cpu")} s (main thread ${of("cpuMain")} s, writer thread ${of("cpuWriter")} s); after the close: main thread ${of("tailMain")} s (waiting for a core ${of("tailMainWait")} s), other threads ${of("tailOther")} s, emulator ${of("tailEmulator")} s`,
  );
}
