// The emulator's side of multipart LFS uploads, part by part, in upload-ab.mjs's setting (one
// warm emulator on CPU 1, each sample a new client process on CPU 0 with a new random file, repo
// and HF_HOME), the emulator watched by emulator-part-probe.mjs. Prints per contender and part
// number the medians of the part's wall time from its headers to its last byte, the main
// thread's time on a CPU and waiting for one, the process's sleeps (voluntary context
// switches), page faults and kernel time; and the scavenges that fell inside a part. Linux only.
//   node emulator-parts.mjs <rounds> [contenders=hfkit,py] [fileMiB=32] [emulator node flags...]
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { appendFileSync, readFileSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { ensurePython } from "@hfkit/testing/python";
import { BENCH_DIR, cleanHomes, freshHome, newRepo, pinned, TOKEN } from "./cases/context.mjs";
import { hasCommand, median, randomFile } from "./lib.mjs";

const [rounds, list = "hfkit,py", mib = "32", ...flags] = process.argv.slice(2);
if (!rounds) throw new Error("usage: emulator-parts.mjs <rounds> [contenders] [fileMiB] [node flags...]");
const order = list.split(",");
const { python } = order.includes("py") ? await ensurePython() : {};
const logFile = join(freshHome(), "parts.jsonl");

const args = [
  ...flags,
  "--import",
  join(BENCH_DIR, "emulator-part-probe.mjs"),
  join(BENCH_DIR, "emulator-serve.mjs"),
];
const [bin, binArgs] = hasCommand("taskset")
  ? ["taskset", ["-c", "1", process.execPath, ...args]]
  : [process.execPath, args];
const emulator = spawn(bin, binArgs, {
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, HFKIT_PART_PROBE_LOG: logFile },
});
const [line] = await once(emulator.stdout, "data");
const endpoint = line.toString().trim();
emulator.stdout.resume();

const loads = [];
try {
  for (let round = 0; round < Number(rounds); round++) {
    for (const contender of [...order.slice(round % order.length), ...order.slice(0, round % order.length)]) {
      const home = freshHome();
      const file = randomFile(join(home, "model.bin"), Number(mib));
      const repo = await newRepo(endpoint, "parts");
      const env = { ...process.env, HF_HOME: home };
      let command;
      if (contender === "py") {
        Object.assign(env, { HF_ENDPOINT: endpoint, HF_TOKEN: TOKEN, HF_HUB_DISABLE_PROGRESS_BARS: "1" });
        env.HF_HUB_DISABLE_XET = "1";
        command = [python, [join(BENCH_DIR, "py_once.py"), "file", file, repo]];
      } else {
        env.HFKIT_BENCH_XET = "0";
        command = [
          process.execPath,
          [join(BENCH_DIR, "client-once.mjs"), "hfkit", "file", endpoint, file, repo],
        ];
      }
      loads.push(loadavg()[0]);
      appendFileSync(logFile, `${JSON.stringify({ sample: contender, round })}\n`);
      execFileSync(...pinned(...command), { env, stdio: ["ignore", "ignore", "inherit"] });
      rmSync(home, { recursive: true, force: true });
    }
  }
} finally {
  emulator.kill();
}

const parts = new Map();
const scavenges = [];
let contender;
for (const entry of readFileSync(logFile, "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l))) {
  if (entry.sample) contender = entry.sample;
  else if (entry.scavenge !== undefined) scavenges.push(entry);
  else if (contender && entry.path.startsWith("/part/")) {
    const key = `${contender} part ${entry.path.split("/").at(-1)}`;
    parts.set(key, [...(parts.get(key) ?? []), entry]);
  }
}
cleanHomes();
const fields = ["wall", "run", "wait", "sleeps", "faults", "sys"];
console.log(
  `load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}, ${rounds} rounds, ${mib} MiB`,
);
for (const [key, entries] of [...parts].sort()) {
  const inside = scavenges.filter((s) =>
    entries.some((e) => s.scavenge >= e.start && s.scavenge < e.start + e.wall),
  );
  const figures = fields.map((f) => `${f} ${median(entries.map((e) => e[f])).toFixed(1)}`).join(", ");
  console.log(
    `${key} (${entries.length}): ${figures}; scavenges inside ${inside.length}, pause ${
      inside.length ? median(inside.map((s) => s.pause)).toFixed(1) : "-"
    } ms`,
  );
}
