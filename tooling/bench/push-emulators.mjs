// Two builds of the emulator under the same CLI: for each build in turn (alternating which goes
// first each round), a fresh emulator process gets `pushes` pushes of the JSONL file
// datasets-push.mjs writes. Push 1 is the content's first sight (every xorb new, each file's
// SHA-256 checked by rebuilding it), push 2 sends new xorbs (global dedup reshapes them) of a
// known file, later pushes re-send stored xorbs. Per push: wall, close, tail, client CPU (GNU
// time), the emulator's CPU during the push (/proc), the 1-minute load average.
//   node push-emulators.mjs <emulator-dist-a> <emulator-dist-b> [rounds] [pushes] [xet|lfs]
//   e.g. node push-emulators.mjs /tmp/base/dist/index.js ../../packages/emulator/dist/index.js 3 3
// HFKIT_BENCH_CLI picks the CLI (default: this checkout's apps/cli/bin/hfkit.js).
import { join } from "node:path";
import { cpuOf, median, startProcess } from "./lib.mjs";
import { pushInput, tracedPush } from "./push-lib.mjs";

const here = import.meta.dirname;
const [a, b, rounds = "3", pushes = "3", mode = "xet"] = process.argv.slice(2);
if (!a || !b)
  throw new Error(
    "usage: node push-emulators.mjs <emulator-dist-a> <emulator-dist-b> [rounds] [pushes] [xet|lfs]",
  );
const cli = process.env.HFKIT_BENCH_CLI ?? join(here, "..", "..", "apps", "cli", "bin", "hfkit.js");
const input = pushInput();

const results = [];
for (let round = 0; round < Number(rounds); round++) {
  for (const which of round % 2 ? ["b", "a"] : ["a", "b"]) {
    process.env.HFKIT_BENCH_EMULATOR = which === "a" ? a : b;
    const server = await startProcess(join(here, "emulator-serve.mjs"));
    try {
      for (let push = 1; push <= Number(pushes); push++) {
        const before = cpuOf(server.child.pid);
        const result = tracedPush(
          cli,
          server.line,
          `datasets/local/emu-${which}-${round}-${push}`,
          input,
          mode,
        );
        const emulatorCpu = Math.round((cpuOf(server.child.pid) - before) * 100) / 100;
        results.push({ build: which, round, push, ...result, emulatorCpu });
        console.log(JSON.stringify(results.at(-1)));
      }
    } finally {
      server.stop();
    }
  }
}
for (let push = 1; push <= Number(pushes); push++) {
  for (const which of ["a", "b"]) {
    const mine = results.filter((r) => r.build === which && r.push === push);
    const of = (key) => Math.round(median(mine.map((r) => r[key])) * 100) / 100;
    console.log(
      `push ${push}, ${which}: median wall ${of("wall")} s, close ${of("close")} s, tail ${of("tail")} s, client CPU ${of("cpu")} s, emulator CPU ${of("emulatorCpu")} s`,
    );
  }
}
