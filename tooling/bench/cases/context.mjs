// What every case of `pnpm bench` shares: an emulator in its own process (on CPU 1), repos,
// one client operation in its own process (on CPU 0; JS through client-once.mjs, Python
// through py_once.py) and a fresh HF_HOME per sample, so that no cache or local Xet record
// carries over from one sample to the next.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { hasCommand, settle, startProcess } from "../lib.mjs";

export const BENCH_DIR = dirname(import.meta.dirname);
export const TOKEN = "hf_bench_token_not_secret";
// This run's own folder of HF_HOMEs: two runs at once (or one left behind by a killed run) do not
// remove each other's homes.
const work = join(process.env.HFKIT_BENCH_DIR ?? tmpdir(), `hfkit-bench-run-${process.pid}`);

/** `[command, args]`, pinned to CPU 0 with taskset when there is one. */
export function pinned(command, args) {
  return hasCommand("taskset") ? ["taskset", ["-c", "0", command, ...args]] : [command, args];
}

/**
 * `hfkit emulator serve` (memory storage, no SHA-256 check of uploads, Xet on) on CPU 1, or on
 * any CPU with `{ pin: false }`.
 */
export async function startEmulator({ pin = true } = {}) {
  const server = await startProcess(join(BENCH_DIR, "emulator-serve.mjs"), [], pin ? 1 : undefined);
  return { endpoint: server.line, stop: server.stop };
}

let repoCount = 0;
/** A new empty repo on the emulator: `local/<prefix>-<n>` (the emulator's default user). */
export async function newRepo(endpoint, prefix = "bench", type = "model") {
  const name = `${prefix}-${process.pid}-${++repoCount}`;
  const res = await fetch(`${endpoint}/api/repos/create`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name, type }),
  });
  if (!res.ok) throw new Error(`create repo ${name}: ${res.status} ${await res.text()}`);
  return `local/${name}`;
}

/** A fresh, empty HF_HOME; removed by `cleanHomes()`. */
export function freshHome() {
  mkdirSync(work, { recursive: true });
  return mkdtempSync(join(work, "home-"));
}

export function cleanHomes() {
  rmSync(work, { recursive: true, force: true });
}

function lastJsonLine(out) {
  return JSON.parse(out.trim().split("\n").at(-1));
}

function run(command, args, env, pin = true) {
  const [bin, rest] = pin ? pinned(command, args) : [command, args];
  return lastJsonLine(
    execFileSync(bin, rest, {
      env: { ...process.env, ...env },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 16 << 20,
    }),
  );
}

/** One operation by a JS client (`hfkit` or `official`); see client-once.mjs. */
export function jsOnce(client, op, { endpoint, path = "", repo, xet, home = freshHome() }) {
  const env = { HF_HOME: home, ...(xet === undefined ? {} : { HFKIT_BENCH_XET: xet ? "1" : "0" }) };
  try {
    return run(process.execPath, [join(BENCH_DIR, "client-once.mjs"), client, op, endpoint, path, repo], env);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** One operation by Python huggingface_hub / datasets (on CPU 0 unless `pin: false`); see py_once.py. */
export function pyOnce(
  python,
  op,
  { endpoint, path = "", repo, xet = true, pin = true, home = freshHome() },
) {
  const env = {
    HF_ENDPOINT: endpoint,
    HF_TOKEN: TOKEN,
    HF_HOME: home,
    HF_HUB_DISABLE_PROGRESS_BARS: "1",
    HF_HUB_DISABLE_TELEMETRY: "1",
    ...(xet ? {} : { HF_HUB_DISABLE_XET: "1" }),
  };
  try {
    return run(python, [join(BENCH_DIR, "py_once.py"), op, path, repo], env, pin);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * Why a contender did not run, in one line: the error line of a failed child's stderr (Node ends
 * an uncaught error with its version line, Python with the exception), else its last line, else
 * the error's message.
 */
export function reason(error) {
  const lines = String(error?.stderr ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const line =
    lines.findLast((l) => /^(\w*Error|error)\b|^\w+(\.\w+)*(Error|Exception):/.test(l)) ??
    lines.at(-1) ??
    String(error?.message ?? error);
  return line.slice(0, 160).replaceAll("|", "/");
}

/** The end of a failed child's stderr, for the log (the table keeps one line). */
function stderrTail(error) {
  return String(error?.stderr ?? "")
    .trimEnd()
    .split("\n")
    .slice(-30)
    .map((l) => `    ${l}`)
    .join("\n");
}

/** `--contenders`: name parts a contender must contain to run (the reference always runs). */
let contenderFilter = [];
export function chooseContenders(parts) {
  contenderFilter = parts.filter(Boolean);
}

/**
 * Runs `runs` rounds of the contenders, in a rotated order each round so that drift on a
 * shared machine hits all of them alike; `rounds` keeps which round each sample came from.
 * A contender may name the hfkit row it is compared with (`versus`, default the `reference`
 * row): through the same transfer, say. A contender that fails once is reported as not run,
 * with the reason, and not tried again.
 */
export async function rounds(all, runs, log) {
  const named = (c) => c.reference || contenderFilter.some((part) => c.name.includes(part));
  // A kept contender's `versus` row (the hfkit row it is compared with) runs too.
  const contenders =
    contenderFilter.length === 0
      ? all
      : all.filter((c) => named(c) || all.some((other) => named(other) && other.versus === c.name));
  const rows = contenders.map((c) => ({
    contender: c.name,
    samples: [],
    rounds: [],
    rssMB: [],
    ...(c.reference ? { reference: true } : {}),
    ...(c.versus ? { versus: c.versus } : {}),
  }));
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < contenders.length; k++) {
      const index = (k + i) % contenders.length;
      const row = rows[index];
      if (row.skipped) continue;
      settle();
      try {
        const result = await contenders[index].run();
        row.samples.push(result.value ?? result.seconds);
        row.rounds.push(i);
        if (result.maxRssMB !== undefined) row.rssMB.push(result.maxRssMB);
        log(`  ${row.contender}: ${(result.value ?? result.seconds).toFixed(3)}`);
      } catch (error) {
        row.skipped = reason(error);
        log(`  ${row.contender}: not run (${row.skipped})`);
        const tail = stderrTail(error);
        if (tail.trim()) log(tail);
      }
    }
  }
  return rows;
}
