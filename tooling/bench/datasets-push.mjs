// A JSONL file pushed end to end as a dataset to the same emulator, in the same run:
// `hfkit datasets push` (the built CLI) vs Python `load_dataset("json", …)` + `push_to_hub`
// (datasets 5.0.1 from @hfkit/testing/python). Each push is its own process, timed from spawn to
// exit (interpreter start and imports included), peak RSS from GNU time. Modes: `lfs` (both
// with HF_HUB_DISABLE_XET=1) and `xet` (both through the emulator's Xet CAS).
//   node datasets-push.mjs [rows] [runs] [modes]     default: 2000000 1 lfs,xet
//   HFKIT_BENCH_PIN=0 node datasets-push.mjs …       nothing pinned (see PIN below)
// Build first: pnpm turbo run build --filter=@hfkit/bench... --filter=@hfkit/cli
// For a bench runner: `import { benchDatasetsPush } from "./datasets-push.mjs"`.
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ensurePython } from "@hfkit/testing/python";
import { hasCommand, median, settle, startProcess } from "./lib.mjs";

const here = import.meta.dirname;
const CLI = join(here, "..", "..", "apps", "cli", "bin", "hfkit.js");
const TOKEN = "hf_bench_token_not_secret";

const PY_PUSH = `import sys
from datasets import load_dataset
ds = load_dataset("json", data_files=sys.argv[1], split="train", cache_dir=sys.argv[3])
ds.push_to_hub(sys.argv[2])
print(len(ds))`;

/**
 * `rows` lines of JSON `{ id, text, label, score }`, the text 80–120 characters of words drawn
 * from a fixed vocabulary by a xorshift generator (same bytes every run; written once).
 */
async function jsonlFile(path, rows) {
  if (existsSync(path)) return path;
  let x = 0x2545f491;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const words = Array.from({ length: 4096 }, (_, i) => i.toString(36).padStart(3, "q") + "aeiou"[i % 5]);
  const labels = ["neg", "pos", "neutral"];
  const out = createWriteStream(`${path}.partial`);
  let buffer = "";
  for (let id = 0; id < rows; id++) {
    const length = 80 + Math.floor(next() * 41);
    let text = "";
    while (text.length < length) text += `${words[Math.floor(next() * words.length)]} `;
    buffer += `${JSON.stringify({ id, text: text.slice(0, length), label: labels[id % 3], score: Math.round(next() * 1e4) / 100 })}\n`;
    if (buffer.length >= 1 << 20) {
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
  }
  out.end(buffer);
  await once(out, "finish");
  execFileSync("mv", [`${path}.partial`, path]);
  return path;
}

// The bench's convention (as in `pnpm bench`): each push alone on CPU 0, the emulator on CPU 1.
// HFKIT_BENCH_PIN=0 pins neither, as a user's machine runs them: every thread of the push (hfkit's
// reader and writer threads, pyarrow's reader threads) and the emulator then share both cores.
const PIN = hasCommand("taskset") && process.env.HFKIT_BENCH_PIN !== "0";

/**
 * Runs one push in its own process (pinned to CPU 0 unless told not to): wall seconds, CPU
 * seconds (user + system, every thread), peak RSS and the 1-minute load average at its end (on a
 * shared VM the wall ratio follows each tool's CPU time: compare both).
 */
function timedPush(command, args, env, work) {
  const rssFile = join(work, "rss.txt");
  const timeArgs = ["-f", "%M %U %S", "-o", rssFile, command, ...args];
  const [program, argv] = PIN
    ? ["taskset", ["-c", "0", "/usr/bin/time", ...timeArgs]]
    : ["/usr/bin/time", timeArgs];
  const start = performance.now();
  execFileSync(program, argv, { env, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
  const seconds = (performance.now() - start) / 1000;
  const [rss, user, system] = readFileSync(rssFile, "utf8").trim().split("\n").at(-1).split(" ").map(Number);
  return { seconds, cpuSeconds: user + system, maxRssMB: Math.round(rss / 1024), load: loadavg()[0] };
}

/**
 * Pushes a `rows`-row JSONL file with hfkit and with Python, `runs` times each per mode,
 * alternating which goes first. Returns every run and the medians per tool and mode.
 */
export async function benchDatasetsPush({
  rows = 2_000_000,
  runs = 1,
  modes = ["lfs", "xet"],
  dir = join(process.env.HFKIT_BENCH_DIR ?? tmpdir(), "hfkit-bench-datasets-push"),
  log = (line) => console.error(line),
} = {}) {
  if (!existsSync(CLI)) throw new Error(`build the CLI first (${CLI} is missing)`);
  if (!existsSync("/usr/bin/time")) throw new Error("GNU time (/usr/bin/time) measures peak RSS: install it");
  mkdirSync(dir, { recursive: true });
  const input = await jsonlFile(join(dir, `rows-${rows}.jsonl`), rows);
  const { python } = await ensurePython();
  const results = [];
  let repos = 0;
  for (let run = 0; run < runs; run++) {
    for (const mode of modes) {
      // A fresh emulator for each pair of pushes: in one that holds an earlier round's xorbs, an
      // Xet push of the same rows deduplicates nearly every chunk (its shard's bytes are those of
      // its tool's previous push) and measures a re-push, not an upload.
      const server = await startProcess(join(here, "emulator-serve.mjs"), [], PIN ? 1 : undefined);
      const endpoint = server.line;
      try {
        const order = (run + modes.indexOf(mode)) % 2 ? ["python", "hfkit"] : ["hfkit", "python"];
        for (const tool of order) {
          const work = mkdtempSync(join(dir, `${tool}-`));
          const repo = `local/push-${tool}-${mode}-${++repos}`;
          const env = {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            HF_ENDPOINT: endpoint,
            HF_TOKEN: TOKEN,
            HF_HOME: join(work, "home"),
            HF_HUB_DISABLE_TELEMETRY: "1",
            HF_HUB_DISABLE_PROGRESS_BARS: "1",
            HF_DATASETS_DISABLE_PROGRESS_BARS: "1",
            TMPDIR: work,
            ...(mode === "lfs" ? { HF_HUB_DISABLE_XET: "1" } : {}),
          };
          settle();
          const measured =
            tool === "hfkit"
              ? timedPush(process.execPath, [CLI, "datasets", "push", repo, input], env, work)
              : timedPush(python, ["-c", PY_PUSH, input, repo, join(work, "cache")], env, work);
          rmSync(work, { recursive: true, force: true });
          results.push({ tool, mode, run, ...measured });
          log(
            `run ${run + 1} ${mode} ${tool}: ${measured.seconds.toFixed(1)} s, CPU ${measured.cpuSeconds.toFixed(1)} s, peak RSS ${measured.maxRssMB} MB, load ${measured.load.toFixed(1)}`,
          );
        }
      } finally {
        server.stop();
      }
    }
  }
  const medians = modes.map((mode) => {
    const of = (tool, key) =>
      median(results.filter((r) => r.tool === tool && r.mode === mode).map((r) => r[key]));
    return {
      mode,
      hfkit: { seconds: of("hfkit", "seconds"), maxRssMB: of("hfkit", "maxRssMB") },
      python: { seconds: of("python", "seconds"), maxRssMB: of("python", "maxRssMB") },
      speedup: of("python", "seconds") / of("hfkit", "seconds"),
    };
  });
  return { rows, runs, inputBytes: readFileSync(input).byteLength, results, medians };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = Number(process.argv[2] ?? 2_000_000);
  const runs = Number(process.argv[3] ?? 1);
  const modes = (process.argv[4] ?? "lfs,xet").split(",");
  const { medians, inputBytes } = await benchDatasetsPush({ rows, runs, modes });
  console.log(
    `${rows.toLocaleString("en")} rows of JSONL (${(inputBytes / 1e6).toFixed(0)} MB) pushed to the emulator, medians of ${runs}, ${PIN ? "each push on CPU 0 and the emulator on CPU 1" : "nothing pinned"}:`,
  );
  for (const m of medians) {
    console.log(
      `  ${m.mode}: hfkit ${m.hfkit.seconds.toFixed(1)} s, ${m.hfkit.maxRssMB} MB | python ${m.python.seconds.toFixed(1)} s, ${m.python.maxRssMB} MB | hfkit ${m.speedup.toFixed(2)}x faster`,
    );
  }
}
