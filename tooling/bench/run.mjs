// `pnpm bench`: every comparison side by side in one run, against the same emulator build, on
// the same machine; writes results/bench.md (the tables) and results/bench.json (every sample,
// the machine, its load and the versions). Not part of `pnpm test`.
//   pnpm bench [--quick] [--only case,case…] [--contenders part,part…] [--runs N] [--set key=value…] [--out DIR] [--list]
// --only takes case ids or prefixes (`--only datasets` runs the three datasets cases);
// --contenders keeps the contenders whose name contains one of the parts (hfkit's reference row always runs).
// Build first: pnpm turbo run build --filter=@hfkit/bench...
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { apiOverhead, emulatorRps } from "./cases/api.mjs";
import { BENCH_DIR, chooseContenders, cleanHomes } from "./cases/context.mjs";
import { datasetsCsv, datasetsJsonl, datasetsPush } from "./cases/datasets.mjs";
import { downloadFile, listing, snapshot, uploadFile, uploadFolder } from "./cases/hub.mjs";
import { startProcess } from "./lib.mjs";
import { renderMarkdown, scoreCase } from "./stats.mjs";

export const CASES = [
  uploadFile,
  uploadFolder,
  downloadFile,
  snapshot,
  listing,
  datasetsJsonl,
  datasetsCsv,
  datasetsPush,
  apiOverhead,
  emulatorRps,
];

/** The sizes (full) and a small run under two minutes (--quick). */
export const SIZES = {
  full: {
    fileMiB: 2048,
    folderFiles: 2000,
    listingFiles: 20000,
    datasetRows: 5_000_000,
    pushRows: 2_000_000,
    apiCalls: 5000,
    serverRequests: 20000,
  },
  quick: {
    fileMiB: 32,
    folderFiles: 100,
    listingFiles: 1000,
    datasetRows: 50_000,
    pushRows: 20_000,
    apiCalls: 1000,
    serverRequests: 2000,
  },
};

/** The cases named by `--only` (ids or id prefixes, comma-separated); all when empty. */
export function selectCases(only, cases = CASES) {
  if (!only) return cases;
  const wanted = only
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const chosen = cases.filter((c) => wanted.some((w) => c.id === w || c.id.startsWith(`${w}-`)));
  const unknown = wanted.filter((w) => !cases.some((c) => c.id === w || c.id.startsWith(`${w}-`)));
  if (unknown.length > 0) {
    throw new Error(
      `--only: no case named ${unknown.join(", ")}; the cases are ${cases.map((c) => c.id).join(", ")}`,
    );
  }
  return chosen;
}

function command(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

function packageVersion(name) {
  try {
    const require = createRequire(join(BENCH_DIR, "package.json"));
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;
  } catch {
    // Packages whose exports hide package.json: read it from node_modules directly.
    try {
      return JSON.parse(readFileSync(join(BENCH_DIR, "node_modules", name, "package.json"), "utf8")).version;
    } catch {
      return "missing";
    }
  }
}

function versions(python) {
  // The workspace packages are all 0.0.0 until released: the commit says which hfkit ran.
  const v = {
    hfkit: `commit ${command("git", ["-C", BENCH_DIR, "rev-parse", "--short", "HEAD"]) ?? "unknown"}`,
  };
  for (const name of [
    "@hfkit/commit",
    "@hfkit/repo",
    "@hfkit/datasets",
    "@hfkit/emulator",
    "@huggingface/hub",
    "@duckdb/node-api",
    "undici",
  ]) {
    v[name] = packageVersion(name);
  }
  if (python) {
    const out = command(python, [
      "-c",
      "import importlib.metadata as m, json\nprint(json.dumps({p: m.version(p) for p in ['huggingface_hub', 'hf_xet', 'datasets', 'pyarrow']}))",
    ]);
    if (out) Object.assign(v, JSON.parse(out));
  } else v.python = "not available";
  v.curl = command("curl", ["--version"])?.split(" ")[1] ?? "missing";
  v.openssl = command("openssl", ["version"])?.split(" ")[1] ?? "missing";
  return v;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.versions.node,
    loadStart: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      contenders: { type: "string" },
      runs: { type: "string" },
      set: { type: "string", multiple: true },
      out: { type: "string", default: join(BENCH_DIR, "results") },
      list: { type: "boolean", default: false },
    },
  });
  if (values.list) {
    for (const c of CASES) console.log(`${c.id.padEnd(16)} ${c.title(SIZES.full)}`);
    return;
  }
  const cases = selectCases(values.only);
  chooseContenders((values.contenders ?? "").split(",").map((s) => s.trim()));
  const sizes = { ...(values.quick ? SIZES.quick : SIZES.full) };
  for (const pair of values.set ?? []) {
    const [key, value] = pair.split("=");
    if (!(key in sizes))
      throw new Error(`--set ${key}: unknown size; the sizes are ${Object.keys(sizes).join(", ")}`);
    sizes[key] = Number(value);
  }
  // Three samples per contender, --quick too (about a minute idle): with two, the median was
  // their mean and one slow sample of either side decided a row.
  const runs = Number(values.runs ?? 3);
  const started = performance.now();
  const report = {
    startedAt: new Date().toISOString(),
    quick: values.quick,
    runs,
    sizes,
    machine: machine(),
  };
  const log = (line) => process.stderr.write(`${line}\n`);

  let python;
  let pythonMissing;
  try {
    const { ensurePython } = await import("@hfkit/testing/python");
    ({ python } = await ensurePython());
  } catch (error) {
    pythonMissing = `Python venv unavailable: ${String(error.message).split("\n")[0]}`;
    log(pythonMissing);
  }
  report.versions = versions(python);
  const dataDir = process.env.HFKIT_BENCH_DIR ?? os.tmpdir();
  mkdirSync(dataDir, { recursive: true }); // a HFKIT_BENCH_DIR that does not exist yet
  const discard = await startProcess(join(BENCH_DIR, "discard-server.mjs"), [], 1);
  const ctx = {
    sizes,
    runs,
    log,
    python,
    pythonMissing,
    dataDir,
    discardUrl: `http://127.0.0.1:${discard.line}`,
  };
  report.cases = [];
  try {
    for (const c of cases) {
      const title = c.title(sizes);
      log(`${c.id}: ${title}`);
      const base = { id: c.id, title, unit: c.unit ?? "s", higherIsBetter: c.higherIsBetter ?? false };
      try {
        report.cases.push(scoreCase({ ...base, rows: await c.run(ctx) }));
      } catch (error) {
        log(`${c.id} failed: ${error.stack ?? error}`);
        report.cases.push({ ...base, rows: [], error: String(error.message ?? error).split("\n")[0] });
      }
    }
  } finally {
    discard.stop();
    cleanHomes();
  }
  report.machine.loadEnd = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  report.elapsedSeconds = (performance.now() - started) / 1000;
  const markdown = renderMarkdown(report);
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, "bench.md"), markdown);
  writeFileSync(join(values.out, "bench.json"), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(markdown);
  log(`written: ${join(values.out, "bench.md")} and bench.json`);
}

if (process.argv[1] === import.meta.filename) {
  main().catch((error) => {
    console.error(error.message ?? error);
    process.exit(1);
  });
}
