// One-file uploads of two hfkit builds (and Python) interleaved in `pnpm bench`'s own setting:
// one warm emulator on CPU 1 for every sample, each sample a new file of random bytes, a new
// repo and a fresh HF_HOME, the client alone in its process on CPU 0 (client-once.mjs of each
// build, py_once.py). Prints one JSON line per sample (the call's seconds and CPU, as the
// bench's clients report them), then the medians and, per contender, the median of its
// per-round ratio to the first contender with how many rounds it was faster.
//   HFKIT_BASE=<a built checkout, e.g. main> node upload-ab.mjs <xet|lfs> <rounds> <contenders> [fileMiB]
// HFKIT_BENCH_PHASES=1 (LFS uploads): each client also logs its requests (client-once.mjs,
// py_once.py), and the call is split into phases, medians per contender: `batch` (the clock's
// start to the LFS batch request: set-up, preupload, hashing), `toPut` (to the first part PUT),
// `puts` (to the last PUT's answer), `tail` (completion and commit), with the per-round ratio
// of each contender's `puts` to the first contender's.
// Contenders, comma-separated, rotated each round: hfkit (this checkout), base ($HFKIT_BASE), py.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { basename, join } from "node:path";
import { ensurePython } from "@hfkit/testing/python";
import { BENCH_DIR, freshHome, jsOnce, newRepo, pinned, startEmulator, TOKEN } from "./cases/context.mjs";
import { lfsPhases, median, randomFile as newRandomFile } from "./lib.mjs";

const [mode, rounds, list, mib = "32"] = process.argv.slice(2);
if (!["xet", "lfs", "download"].includes(mode) || !rounds || !list)
  throw new Error("usage: upload-ab.mjs <xet|lfs|download> <rounds> <contenders> [fileMiB]");
const order = list.split(",");
if (order.includes("base") && !process.env.HFKIT_BASE) throw new Error("set HFKIT_BASE");
const { python } = order.includes("py") ? await ensurePython() : {};
const { endpoint, stop } = await startEmulator();
/** A new file of random bytes in `home`. */
function randomFile(home) {
  return newRandomFile(join(home, "model.bin"), Number(mib));
}
// A download reads one file, uploaded once through Xet by this checkout.
let stored;
if (mode === "download") {
  const home = freshHome();
  const repo = await newRepo(endpoint, "ab");
  jsOnce("hfkit", "file", { endpoint, path: randomFile(home), repo, xet: true, home });
  stored = { file: join(home, "model.bin"), repo };
}

function sample(contender, file, repo, home) {
  const env = { ...process.env, HF_HOME: home };
  const [op, path] = mode === "download" ? ["download-file", basename(file)] : ["file", file];
  let command;
  if (contender === "py") {
    Object.assign(env, { HF_ENDPOINT: endpoint, HF_TOKEN: TOKEN, HF_HUB_DISABLE_PROGRESS_BARS: "1" });
    if (mode === "lfs") env.HF_HUB_DISABLE_XET = "1";
    command = [python, [join(BENCH_DIR, "py_once.py"), op, path, repo]];
  } else {
    if (mode !== "download") env.HFKIT_BENCH_XET = mode === "xet" ? "1" : "0";
    const tree = contender === "base" ? join(process.env.HFKIT_BASE, "tooling/bench") : BENCH_DIR;
    command = [process.execPath, [join(tree, "client-once.mjs"), "hfkit", op, endpoint, path, repo]];
  }
  const [bin, args] = pinned(...command);
  const out = execFileSync(bin, args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(out.trim().split("\n").at(-1));
}

const byRound = [];
try {
  for (let round = 0; round < Number(rounds); round++) {
    const results = {};
    for (const contender of [...order.slice(round % order.length), ...order.slice(0, round % order.length)]) {
      const home = freshHome();
      const file = stored ? stored.file : randomFile(home);
      execFileSync("sync"); // as `pnpm bench`: no sample pays for an earlier one's writeback
      const load = +loadavg()[0].toFixed(1);
      try {
        const { seconds, cpuSeconds, maxRssMB, requests } = sample(
          contender,
          file,
          stored ? stored.repo : await newRepo(endpoint, "ab"),
          home,
        );
        results[contender] = {
          seconds,
          cpuSeconds,
          ...(requests ? { phases: lfsPhases(requests, seconds) } : {}),
        };
        console.log(JSON.stringify({ round, contender, load, seconds, cpuSeconds, maxRssMB }));
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    }
    byRound.push(results);
  }
} finally {
  stop();
}
for (const contender of order) {
  const ratios = byRound.map((r) => r[contender].seconds / r[order[0]].seconds);
  console.log(
    `${contender}: seconds ${median(byRound.map((r) => r[contender].seconds)).toFixed(3)}, CPU ${median(
      byRound.map((r) => r[contender].cpuSeconds),
    ).toFixed(3)}, ÷ ${order[0]} per round ${median(ratios).toFixed(3)} (faster in ${
      ratios.filter((x) => x < 1).length
    } of ${ratios.length})`,
  );
}
if (byRound.length > 0 && byRound.every((r) => order.every((c) => r[c].phases))) {
  for (const contender of order) {
    const phases = byRound.map((r) => r[contender].phases);
    const ratios = byRound.map((r) => r[contender].phases.puts / r[order[0]].phases.puts);
    console.log(
      `${contender} phases (ms): ${Object.keys(phases[0])
        .map((k) => `${k} ${median(phases.map((p) => p[k])).toFixed(1)}`)
        .join(", ")}; puts ÷ ${order[0]} per round ${median(ratios).toFixed(3)}`,
    );
  }
}
