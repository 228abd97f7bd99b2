// Python as the oracle: one cached venv with `datasets`, `huggingface_hub`, `hf_xet`, `pyarrow`
// and friends, made with pip from this machine's package index and shared by every test file
// and package. Plain JS so any package's tests import it without a build step.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** What the venv holds; pinned so that every run judges against the same Python. */
export const PYTHON_REQUIREMENTS = [
  "datasets==5.0.1",
  "huggingface_hub==1.33.0",
  "hf_xet==1.6.0",
  "pyarrow==25.0.1",
  "pandas==3.0.6",
  "duckdb==1.5.6",
  "polars==1.44.2",
  "pytest==9.1.1",
];

/** Why Python checks are skipped in this run, or `undefined` when they must run. */
export function pythonSkipReason() {
  return process.env.HFKIT_SKIP_PYTHON === "1"
    ? "HFKIT_SKIP_PYTHON=1: the checks against Python datasets/huggingface_hub did not run"
    : undefined;
}

/** The package index pip is given: `HFKIT_PYPI_INDEX`, else this machine kind's mirror, else pip's default. */
export function packageIndex() {
  if (process.env.HFKIT_PYPI_INDEX) return process.env.HFKIT_PYPI_INDEX;
  // This machine kind's local mirror. Naming it as the only index keeps pip from trying
  // pypi.org first (minutes of retries on a closed network).
  if (existsSync("/opt/pypi/simple")) return "file:///opt/pypi/simple";
  return undefined;
}

/**
 * Runs `command` asynchronously, writing `input` to its stdin; resolves its stdout, or rejects
 * with `failure(exit code or signal, stdout, stderr)` (by default the command and both tails).
 */
function run(command, args, { input, timeoutMs, failure, ...options } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else
        reject(
          new Error(
            failure
              ? failure(code ?? signal, out, err)
              : `${command} ${args.join(" ")} exited with ${code}:\n${err.slice(-4000)}${out.slice(-2000)}`,
          ),
        );
    });
    child.stdin.end(input ?? "");
  });
}

let pending;

/**
 * The cached venv (created on first use, then reused by every run on this machine):
 * `{ python, venv }`. Rejects with pip's own output when the venv cannot be made; callers
 * must not turn that into a skip (only `HFKIT_SKIP_PYTHON=1` skips).
 */
export function ensurePython() {
  pending ??= makeVenv();
  return pending;
}

/**
 * Makes a venv in `dir` with `requirements` installed by pip from `packageIndex()`; resolves
 * its python. For a venv of other versions than the cached one (`ensurePython`).
 */
export async function installVenv(dir, requirements) {
  const index = packageIndex();
  await run(process.env.HFKIT_PYTHON ?? "python3", ["-m", "venv", dir]);
  await run(join(dir, "bin", "python"), [
    "-m",
    "pip",
    "install",
    "--quiet",
    "--disable-pip-version-check",
    ...(index ? ["--index-url", index] : []),
    ...requirements,
  ]);
  return join(dir, "bin", "python");
}

async function makeVenv() {
  const index = packageIndex();
  const key = createHash("sha256")
    .update(JSON.stringify([PYTHON_REQUIREMENTS, index ?? "", process.env.HFKIT_PYTHON ?? "python3"]))
    .digest("hex")
    .slice(0, 12);
  const base =
    process.env.HFKIT_PYTHON_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "hfkit");
  const venv = join(base, `python-${key}`);
  const python = join(venv, "bin", "python");
  const marker = join(venv, ".hfkit-ready");
  if (existsSync(marker)) return { python, venv };
  mkdirSync(base, { recursive: true });
  // Built aside and renamed into place, so a concurrent test process never sees half a venv.
  const building = `${venv}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  try {
    await installVenv(building, PYTHON_REQUIREMENTS);
    writeFileSync(join(building, ".hfkit-ready"), `${JSON.stringify(PYTHON_REQUIREMENTS)}\n`);
    // A venv's console scripts embed its path; run tools as `python -m pip|pytest`, which do not.
    try {
      renameSync(building, venv);
    } catch (error) {
      if (!existsSync(marker)) throw error; // another process won the race: use its venv
      rmSync(building, { recursive: true, force: true });
    }
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw new Error(
      `Could not make the Python venv for hfkit's checks against Python (${venv}). ` +
        `Point HFKIT_PYPI_INDEX at a package index holding ${PYTHON_REQUIREMENTS.join(" ")}, ` +
        `or set HFKIT_SKIP_PYTHON=1 to skip these checks on purpose.\n${error.message}`,
    );
  }
  return { python, venv };
}

/**
 * Runs Python code (a string, or `{ file }`) in the cached venv (or the given `python`),
 * asynchronously so that an in-process emulator keeps answering. `input` is written to stdin;
 * resolves stdout, rejects with stderr. `env` is added to a clean environment (PATH and HOME
 * only, telemetry off).
 */
export async function runPython(code, { env = {}, input, args = [], cwd, timeoutMs = 300_000, python } = {}) {
  python ??= (await ensurePython()).python;
  const script = typeof code === "string" ? ["-c", code] : [code.file];
  return run(python, [...script, ...args], {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HF_HUB_DISABLE_TELEMETRY: "1",
      HF_HUB_DISABLE_PROGRESS_BARS: "1",
      PYTHONUNBUFFERED: "1",
      ...env,
    },
    input,
    timeoutMs,
    failure: (status, _out, err) => `python exited with ${status}:\n${err.slice(-6000)}`,
  });
}
