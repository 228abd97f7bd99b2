// Interleaved rounds of the bench's folder upload (client-once.mjs `folder`, py_once.py `folder`)
// with the CPU of both sides: hfkit (this checkout), hfkit from another built checkout
// (HFKIT_BASE) and Python `upload_folder`, each sample a new repo, a fresh HF_HOME, the client
// alone in its process on CPU 0 and one emulator on CPU 1 for all. Per sample: wall seconds,
// client CPU, the emulator's CPU during the sample (/proc) and, with --timeline, each request the
// emulator answered (ms from the first request's end, method, path, body bytes, ms on the server).
// Ends with medians and each contender's per-round ratio to the first (issue 19).
//   HFKIT_BASE=/work/main node folder-ab.mjs [--files 2000] [--rounds 6] [--contenders hfkit,base,py] [--timeline]
import { execFileSync, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ensurePython } from "@hfkit/testing/python";
import { BENCH_DIR, freshHome, newRepo, pinned, TOKEN } from "./cases/context.mjs";
import { cpuOf, ensureFolder, median } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    files: { type: "string", default: "2000" },
    rounds: { type: "string", default: "6" },
    contenders: { type: "string", default: "hfkit,base,py" },
    timeline: { type: "boolean", default: false },
  },
});
const order = values.contenders.split(",");
if (order.includes("base") && !process.env.HFKIT_BASE) throw new Error("set HFKIT_BASE");
const { python } = order.includes("py") ? await ensurePython() : {};
const folder = ensureFolder(Number(values.files));

// The bench's emulator (emulator-serve.mjs), plus one stderr line per request answered.
const EMULATOR = `
import { subscribe } from "node:diagnostics_channel";
subscribe("hfkit:emulator:request", (e) => process.stderr.write("REQ " + JSON.stringify({ t: performance.timeOrigin + performance.now(), m: e.method, p: e.path, b: e.bodyBytes, d: e.durationMs }) + "\\n"));
await import(process.argv[1]);`;
const child = spawn(
  "taskset",
  ["-c", "1", process.execPath, "--input-type=module", "-e", EMULATOR, join(BENCH_DIR, "emulator-serve.mjs")],
  { stdio: ["ignore", "pipe", "pipe"] },
);
let requests = [];
let pending = "";
child.stderr.on("data", (d) => {
  pending += d;
  const lines = pending.split("\n");
  pending = lines.pop();
  for (const line of lines) {
    if (line.startsWith("REQ ")) requests.push(JSON.parse(line.slice(4)));
    else if (line) process.stderr.write(`${line}\n`);
  }
});
const endpoint = await new Promise((resolve) => child.stdout.once("data", (d) => resolve(String(d).trim())));
const settle = () => new Promise((resolve) => setTimeout(resolve, 50)); // the last REQ lines

function sample(contender, repo, home) {
  const env = { ...process.env, HF_HOME: home };
  let command;
  if (contender === "py") {
    Object.assign(env, { HF_ENDPOINT: endpoint, HF_TOKEN: TOKEN, HF_HUB_DISABLE_PROGRESS_BARS: "1" });
    command = [python, [join(BENCH_DIR, "py_once.py"), "folder", folder, repo]];
  } else {
    const tree = contender === "base" ? join(process.env.HFKIT_BASE, "tooling/bench") : BENCH_DIR;
    command = [process.execPath, [join(tree, "client-once.mjs"), "hfkit", "folder", endpoint, folder, repo]];
  }
  const [bin, args] = pinned(...command);
  const out = execFileSync(bin, args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(out.trim().split("\n").at(-1));
}

const byRound = [];
const loads = [loadavg()[0]];
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    const results = {};
    for (const name of [...order.slice(round % order.length), ...order.slice(0, round % order.length)]) {
      const home = freshHome();
      const repo = await newRepo(endpoint, "fab");
      execFileSync("sync");
      await settle();
      requests = [];
      const emuBefore = cpuOf(child.pid);
      try {
        const { seconds, cpuSeconds } = sample(name, repo, home);
        await settle();
        const serverCpu = cpuOf(child.pid) - emuBefore;
        results[name] = { seconds, cpuSeconds, serverCpu };
        console.log(
          JSON.stringify({ round, name, load: +loadavg()[0].toFixed(1), seconds, cpuSeconds, serverCpu }),
        );
        if (values.timeline) {
          const t0 = requests[0]?.t ?? 0;
          for (const r of requests)
            console.log(
              `  ${(r.t - t0).toFixed(0).padStart(5)} ms  ${r.m} ${r.p.replace(repo, "<repo>")} ${r.b} B, ${r.d.toFixed(1)} ms`,
            );
        }
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    }
    loads.push(loadavg()[0]);
    byRound.push(results);
  }
} finally {
  child.kill();
}
for (const name of order) {
  const col = (k) => median(byRound.map((r) => r[name][k])).toFixed(3);
  const ratios = byRound.map((r) => r[name].seconds / r[order[0]].seconds);
  console.log(
    `${name}: seconds ${col("seconds")}, client CPU ${col("cpuSeconds")}, emulator CPU ${col("serverCpu")}, ÷ ${order[0]} per round ${median(ratios).toFixed(3)} (slower in ${ratios.filter((x) => x > 1).length} of ${ratios.length})`,
  );
}
console.log(
  `files ${values.files}, rounds ${values.rounds}, load average (1 min) ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`,
);
