// Where a dataset push's time goes after the shard closes, for two builds of the CLI in the same
// run: each push of a JSONL file (the one datasets-push.mjs writes) runs with `--trace-file`, and
// its spans give the time to the last shard's close and from there to the commit, which a
// loaded VM disturbs less than the wall time. Pushes alternate which build goes first (the load
// of a shared VM drifts: always running one build first biases the comparison).
//   node push-tail.mjs <cli-a> <cli-b> [rounds] [xet|lfs]
//   e.g. node push-tail.mjs /work/main/apps/cli/bin/hfkit.js ../../apps/cli/bin/hfkit.js 4 xet
// Prints one JSON line per push (wall, close, tail, the time after the last shard's rows were
// read: its close and upload, whichever does the work, process CPU and peak RSS from GNU time, the
// 1-minute load average), then the medians per build.
import { join } from "node:path";
import { median, startProcess } from "./lib.mjs";
import { pushInput, tracedPush } from "./push-lib.mjs";

const here = import.meta.dirname;
const [a, b, rounds = "3", mode = "xet"] = process.argv.slice(2);
if (!a || !b) throw new Error("usage: node push-tail.mjs <cli-a> <cli-b> [rounds] [xet|lfs]");
const input = pushInput();

const server = await startProcess(join(here, "emulator-serve.mjs"));
const results = { a: [], b: [] };
try {
  // Not counted: the emulator checks the SHA-256 of a file hash it registers for the first time
  // (reconstructing the whole file) and stores each xorb once, so the first push of the content
  // has more to wait for than the others (both builds write the same shard).
  tracedPush(a, server.line, "datasets/local/tail-warm-up", input, mode);
  for (let round = 0; round < Number(rounds); round++) {
    for (const which of round % 2 ? ["b", "a"] : ["a", "b"]) {
      const result = tracedPush(
        which === "a" ? a : b,
        server.line,
        `datasets/local/tail-${which}-${round}`,
        input,
        mode,
      );
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
    `${which} (${which === "a" ? a : b}): median wall ${of("wall")} s, close ${of("close")} s, tail ${of("tail")} s, after the last shard's rows ${of("afterRead")} s, CPU ${of("cpu")} s`,
  );
}
