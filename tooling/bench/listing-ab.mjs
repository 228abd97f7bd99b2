// Interleaved rounds of the listing case with client CPU: hfkit (this checkout), hfkit from
// another checkout (`--base DIR`, built), Python `list_repo_tree` and `@huggingface/hub`, each
// sample in its own process on CPU 0 (client-once.mjs / py_once.py), the emulator on CPU 1.
// Prints each round's seconds and cpuSeconds, the medians and the 1-minute load average; on a
// shared machine compare the CPU columns (issue 19).
// Usage: node listing-ab.mjs [--files 20000] [--rounds 8] [--base /path/to/other/checkout]
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freshHome, jsOnce, newRepo, pyOnce, startEmulator } from "./cases/context.mjs";
import { ensureFolder } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    files: { type: "string", default: "20000" },
    rounds: { type: "string", default: "8" },
    base: { type: "string" },
  },
});
const files = Number(values.files);
const emulator = await startEmulator();
const { endpoint } = emulator;
const repo = await newRepo(endpoint, "folder");
jsOnce("hfkit", "folder", { endpoint, path: ensureFolder(files), repo });

/** client-once.mjs of another checkout, the same way jsOnce runs this one's. */
function otherOnce(dir) {
  const home = freshHome();
  try {
    const out = execFileSync(
      "taskset",
      [
        "-c",
        "0",
        process.execPath,
        join(dir, "tooling/bench/client-once.mjs"),
        "hfkit",
        "list",
        endpoint,
        "",
        repo,
      ],
      { env: { ...process.env, HF_HOME: home }, encoding: "utf8" },
    );
    return JSON.parse(out.trim().split("\n").at(-1));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
let python;
try {
  ({ python } = await (await import("@hfkit/testing/python")).ensurePython());
} catch {}
const contenders = {
  ...(values.base ? { base: () => otherOnce(values.base) } : {}),
  hfkit: () => jsOnce("hfkit", "list", { endpoint, repo }),
  ...(python ? { python: () => pyOnce(python, "list", { endpoint, repo }) } : {}),
  official: () => jsOnce("official", "list", { endpoint, repo }),
};
const names = Object.keys(contenders);
const samples = Object.fromEntries(names.map((n) => [n, { s: [], cpu: [] }]));
const loads = [loadavg()[0]];
try {
  for (let i = 0; i < Number(values.rounds); i++) {
    const line = [];
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + i) % names.length];
      const r = contenders[name]();
      if (r.files < files) throw new Error(`${name} listed ${r.files} files, not ${files}`);
      samples[name].s.push(r.seconds);
      samples[name].cpu.push(r.cpuSeconds);
      line.push(`${name} ${r.seconds.toFixed(3)} s / ${r.cpuSeconds.toFixed(3)} s CPU`);
    }
    loads.push(loadavg()[0]);
    console.log(`round ${i + 1}: ${line.join(", ")}`);
  }
} finally {
  emulator.stop();
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) / 2)];
for (const name of names) {
  const { s, cpu } = samples[name];
  console.log(`${name}: median ${median(s).toFixed(3)} s, CPU ${median(cpu).toFixed(3)} s`);
}
console.log(
  `files ${files}, load average (1 min) ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`,
);
