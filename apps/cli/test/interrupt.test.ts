import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CliIO } from "../src/io.js";
import { main } from "../src/main.js";
import { capture } from "../src/test-utils.js";

// Ctrl-C, as a user presses it: a real SIGINT to a spawned `hfkit` (turbo builds the CLI
// before its tests, apps/cli/turbo.json). Before one AbortController reached every command,
// `hfkit whoami` against a server answering after 5 s exited 0 after those 5 s.
const BIN = join(import.meta.dirname, "..", "bin", "hfkit.js");
// A generous ceiling for "at once" on a loaded 2-core machine: the exits measured here take
// tens of milliseconds, while the work they interrupt would take forever (a server that never
// answers, a lock never released) or 5 s (a stalled upload part).
const PROMPT_MS = 3000;
const children: ChildProcess[] = [];
let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "hfkit-interrupt-"));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await rm(home, { recursive: true, force: true });
});

function hfkit(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, HF_HOME: home, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  let stdout = "";
  child.stdout!.on("data", (chunk) => {
    stdout += chunk;
  });
  const exited = once(child, "exit") as Promise<[number | null, string | null]>;
  return {
    child,
    stderr: () => stderr,
    stdout: () => stdout,
    /** Sends `signal`, then resolves with the exit code and how long the exit took. */
    async interrupt(signal: NodeJS.Signals = "SIGINT") {
      const sent = performance.now();
      child.kill(signal);
      const [code] = await exited;
      return { code, ms: performance.now() - sent };
    },
  };
}

async function until(condition: () => boolean, what: string) {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 15_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("Ctrl-C", () => {
  let stalling: Server;
  let stallingUrl = "";
  let requests = 0;
  beforeAll(async () => {
    // Accepts every request and never answers it.
    stalling = createServer(() => {
      requests++;
    });
    await new Promise<void>((resolve) => stalling.listen(0, "127.0.0.1", resolve));
    const address = stalling.address();
    stallingUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => {
    stalling.closeAllConnections();
    stalling.close();
  });

  it("stops `hfkit whoami` waiting on a server that never answers: exit 130, one line", async () => {
    const before = requests;
    const run = hfkit(["whoami"], { HF_ENDPOINT: stallingUrl, HF_TOKEN: "hf_interrupt_test" });
    await until(() => requests > before, "the request to reach the server");
    const { code, ms } = await run.interrupt();
    expect(code).toBe(130);
    expect(ms).toBeLessThan(PROMPT_MS);
    expect(run.stderr()).toBe("interrupted (SIGINT)\n");
    expect(run.stdout()).toBe("");
  });

  it("stops a command waiting for the local hub another process holds, leaving its lock alone", async () => {
    const dir = join(home, "local-hub");
    await mkdir(dir, { recursive: true });
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
    children.push(holder);
    const lock = JSON.stringify({ pid: holder.pid, host: hostname() });
    await writeFile(join(dir, ".hfkit-lock"), lock);
    const run = hfkit(["whoami", "--endpoint", "local"], { HFKIT_LOCAL_HUB: dir });
    await until(() => run.stderr().includes("waiting for it"), "the wait for the local hub");
    expect(run.stderr()).toContain(`in use by another hfkit process (pid ${holder.pid})`);
    const { code, ms } = await run.interrupt();
    expect(code).toBe(130);
    expect(ms).toBeLessThan(PROMPT_MS);
    expect(run.stderr().split("\n").at(-2)).toBe("interrupted (SIGINT)");
    expect(await readFile(join(dir, ".hfkit-lock"), "utf8")).toBe(lock);
  });

  it("exits at once on a second Ctrl-C, and stops a command on SIGTERM (143)", async () => {
    const exits: number[] = [];
    let interrupt: ((signal: "SIGINT" | "SIGTERM") => void) | undefined;
    const { io, stderr } = capture({ HF_ENDPOINT: stallingUrl, HF_TOKEN: "hf_t", HF_HOME: home });
    const withSignals: CliIO = {
      ...io,
      onInterrupt: (listener) => {
        interrupt = listener;
        return () => {
          interrupt = undefined;
        };
      },
      exit: (code) => exits.push(code),
    };
    const before = requests;
    const running = main(["whoami"], withSignals);
    await until(() => requests > before, "the request to reach the server");
    interrupt?.("SIGINT");
    interrupt?.("SIGINT");
    expect(exits).toEqual([130]); // the second one does not wait for the command to wind down
    expect(await running).toBe(130);
    expect(stderr()).toBe("interrupted (SIGINT)\n");

    const term = hfkit(["whoami"], { HF_ENDPOINT: stallingUrl, HF_TOKEN: "hf_t" });
    const sent = requests;
    await until(() => requests > sent, "the request to reach the server");
    expect((await term.interrupt("SIGTERM")).code).toBe(143);
    expect(term.stderr()).toBe("interrupted (SIGTERM)\n");
  });
});
