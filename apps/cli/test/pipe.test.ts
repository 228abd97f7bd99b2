import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// `hfkit … | head`: the reader closes the pipe before hfkit has written everything. hfkit
// used to die on the unhandled EPIPE with a stack trace on stderr and exit code 1; it now
// stops quietly with 0, as other command lines piped into `head` do. The built CLI runs (turbo
// builds it before its tests, apps/cli/turbo.json): the handler is on the process's stdout.
const BIN = join(import.meta.dirname, "..", "bin", "hfkit.js");

/** Runs hfkit with its stdout a pipe whose reading end is closed at once. */
async function intoClosedPipe(...argv: string[]) {
  const child = spawn(process.execPath, [BIN, ...argv], {
    env: { ...process.env, HF_HOME: join(import.meta.dirname, "no-such-home") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Closed before the child (~100 ms to start) writes anything: every write of it fails.
  child.stdout.destroy();
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const [code, signal] = await once(child, "exit");
  return { code, signal, stderr };
}

describe("hfkit with its output piped into a reader that stops early", () => {
  it.each(["emulator serve --help", "--help", "completion bash"])(
    "hfkit %s exits quietly with 0",
    async (command) => {
      expect(await intoClosedPipe(...command.split(" "))).toEqual({ code: 0, signal: null, stderr: "" });
    },
  );
});
