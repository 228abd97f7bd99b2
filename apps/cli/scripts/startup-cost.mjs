// The CPU time (user + sys) and wall time of hfkit commands, two builds interleaved: each round
// runs every command once with each build, in a fresh process, in alternating order, so that a
// shared machine's load weighs on both alike. Prints the medians and the median of the per-round
// ratios (B / A). The CPU time is bash's `times` for its one child: millisecond resolution.
//
//   node apps/cli/scripts/startup-cost.mjs [--rounds 15] <entry A> <entry B> -- "--version" "repo info acme/bert" …
//
// An entry is a script that runs the CLI (apps/cli/bin/hfkit.js, or a copy of an older build's
// launcher and dist). Point HF_ENDPOINT (and HF_TOKEN, HF_HOME) at an emulator for Hub commands.
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2);
let rounds = 15;
if (args[0] === "--rounds") {
  rounds = Number(args[1]);
  args.splice(0, 2);
}
const dash = args.indexOf("--");
const entries = args.slice(0, dash);
const commands = args.slice(dash + 1);
if (dash !== 2 || commands.length === 0) {
  console.error('usage: startup-cost.mjs [--rounds N] <entry A> <entry B> -- "<command>"…');
  process.exit(2);
}

const quote = (word) => `'${word.replace(/'/g, `'\\''`)}'`;
const seconds = (text) => {
  const [, m, s] = /^(\d+)m([\d.]+)s$/.exec(text) ?? [];
  return Number(m) * 60 + Number(s);
};

/** One run: the child's user + sys CPU and the wall time, in ms. */
function run(entry, command) {
  const line = [process.execPath, entry, ...command.split(" ")].map(quote).join(" ");
  const start = performance.now();
  const { stdout, status } = spawnSync("bash", ["-c", `${line} >/dev/null 2>&1; echo "exit $?"; times`], {
    encoding: "utf8",
  });
  const wall = performance.now() - start;
  const lines = stdout.trim().split("\n");
  if (status !== 0 || lines[0] !== "exit 0") throw new Error(`${entry} ${command}: ${lines[0]}`);
  const [user, sys] = lines[2].split(" ").map(seconds);
  return { cpu: (user + sys) * 1000, wall };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const command of commands) {
  const runs = [[], []];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) runs[i].push(run(entries[i], command));
  }
  const [a, b] = runs;
  const ratio = median(a.map((x, i) => b[i].cpu / Math.max(x.cpu, 1)));
  console.log(
    `hfkit ${command}: CPU ${median(a.map((x) => x.cpu)).toFixed(0)} → ${median(b.map((x) => x.cpu)).toFixed(0)} ms (B/A ${ratio.toFixed(2)}), wall ${median(a.map((x) => x.wall)).toFixed(0)} → ${median(b.map((x) => x.wall)).toFixed(0)} ms, ${rounds} rounds`,
  );
}
