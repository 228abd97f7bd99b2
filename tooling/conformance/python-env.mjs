// Shared by the Python conformance checks: the Python that judges, and a way to run a check
// script in it (through @hfkit/testing/python, asynchronously: the emulator answers from this
// process's event loop, so a blocking spawn would leave Python waiting for its responses).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensurePython, installVenv, runPython } from "@hfkit/testing/python";

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The python to judge with and its huggingface_hub version: the test suite's cached venv
 * (pinned versions), or, with `HFKIT_HF_HUB_SPEC` set (`huggingface_hub==1.33.0`), a venv made
 * in `dir` holding that version.
 */
export async function judgePython(dir) {
  const spec = process.env.HFKIT_HF_HUB_SPEC;
  const python = spec ? await installVenv(join(dir, "venv"), [spec]) : (await ensurePython()).python;
  const version = await runPython("import huggingface_hub as h; print(h.__version__)", { python });
  return { python, version: version.trim() };
}

/** Runs `script` (in this folder) with `job` as JSON on stdin; resolves its JSON stdout. */
export async function runCheck(python, script, job, env) {
  return JSON.parse(
    await runPython({ file: join(here, script) }, { python, input: JSON.stringify(job), env }),
  );
}
