// One `hfkit datasets push` of a JSONL file, traced and timed (push-tail.mjs, push-emulators.mjs):
// wall time, the shard's close and the time after it (from `--trace-file` spans), process CPU and
// peak RSS from GNU time, the 1-minute load average.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The 2 M-row JSONL file datasets-push.mjs writes (it must have run once), or the file
 * $HFKIT_BENCH_PUSH_INPUT names (a small push: the bench's rows-20000.jsonl).
 */
export function pushInput() {
  const input =
    process.env.HFKIT_BENCH_PUSH_INPUT ??
    join(process.env.HFKIT_BENCH_DIR ?? tmpdir(), "hfkit-bench-datasets-push", "rows-2000000.jsonl");
  if (!existsSync(input)) throw new Error(`${input} is missing: run datasets-push.mjs once to write it`);
  return input;
}

/**
 * Every span of an OTLP JSON trace file, with start and end in seconds from the first span, or
 * from `origin` (Unix time in seconds) when given.
 */
export function spansOf(text, origin) {
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
  const start = origin ?? Math.min(...spans.map((s) => at(s.startTimeUnixNano)));
  return spans.map((s) => ({
    name: s.name,
    start: at(s.startTimeUnixNano) - start,
    end: at(s.endTimeUnixNano) - start,
  }));
}

/** The environment of one push to `endpoint`, its home and temporary files in `work`. */
export function pushEnv(endpoint, work, mode) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HF_ENDPOINT: endpoint,
    HF_TOKEN: "hf_bench_token_not_secret",
    HF_HOME: join(work, "home"),
    TMPDIR: work,
    HF_HUB_DISABLE_TELEMETRY: "1",
    ...(mode === "lfs" ? { HF_HUB_DISABLE_XET: "1" } : {}),
  };
}

/** `mode` "lfs" pushes with HF_HUB_DISABLE_XET=1. */
export function tracedPush(cli, endpoint, repo, input, mode) {
  const work = mkdtempSync(join(tmpdir(), "hfkit-push-tail-"));
  try {
    const trace = join(work, "trace.json");
    const times = join(work, "time.txt");
    const env = pushEnv(endpoint, work, mode);
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
    // The last shard's span starts once its rows are all read (for a one-shard split, the whole
    // input): what follows is closing it and the upload, whatever work moves between the two.
    const lastShard = Math.max(...spans.filter((s) => s.name === "datasets.shard").map((s) => s.start));
    const round = (x) => Math.round(x * 100) / 100;
    return {
      wall: round(wall),
      close: round(close),
      tail: round(end - close),
      afterRead: round(end - lastShard),
      cpu: round(user + system),
      rssMB: Math.round(rss / 1024),
      load: round(loadavg()[0]),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
