import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";

/** The signals that interrupt a command. */
export type InterruptSignal = "SIGINT" | "SIGTERM";

/** Where the CLI reads and writes. Tests pass their own; `main` defaults to the process. */
export interface CliIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  /** Whether a person can answer questions (stdin is a terminal). */
  stdin?: { isTTY?: boolean };
  /** Asks a question on the terminal and resolves with the answer line; `signal` abandons it. */
  prompt?: (question: string, signal?: AbortSignal) => Promise<string>;
  /** Asks for a secret on the terminal without echoing what is typed (`hfkit auth login`). */
  promptSecret?: (question: string, signal?: AbortSignal) => Promise<string>;
  /** All of stdin, when it is a pipe or a file (`echo $TOKEN | hfkit auth login`). */
  readStdin?: (signal?: AbortSignal) => Promise<string>;
  env: Record<string, string | undefined>;
  /**
   * Calls `listener` on every interrupt (Ctrl-C, SIGTERM) until the returned function is
   * called. `main` turns the first into an abort of the running command.
   */
  onInterrupt?: (listener: (signal: InterruptSignal) => void) => () => void;
  /** Ends the process at once with `code` (a second Ctrl-C does not wait for anything). */
  exit?: (code: number) => void;
}

export function processIO(): CliIO {
  // The reader of stdout went away (`hfkit … | head`): nobody is left to read what the command
  // prints, so it stops at once, quietly and with 0, as command lines piped into `head` do (an
  // unhandled EPIPE printed a stack trace and exited 1). Other write errors stay errors.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(0);
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdin: process.stdin,
    async prompt(question, signal) {
      // Asked on stderr, so stdout stays clean for what the command prints.
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      // The terminal is in raw mode while it asks: Ctrl-C reaches readline, not the process.
      rl.on("SIGINT", () => process.emit("SIGINT", "SIGINT"));
      try {
        return await rl.question(question, signal ? { signal } : {});
      } finally {
        rl.close();
      }
    },
    async promptSecret(question, signal) {
      // readline echoes through its output; a sink that drops everything keeps the secret off
      // the screen. The interface puts the terminal in raw mode (no echo by the terminal
      // itself) as it is made, so the question is asked only after that: nothing typed once it
      // shows can be echoed.
      const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
      const rl = createInterface({ input: process.stdin, output: sink, terminal: true });
      rl.on("SIGINT", () => process.emit("SIGINT", "SIGINT"));
      process.stderr.write(question);
      try {
        return await rl.question("", signal ? { signal } : {});
      } finally {
        rl.close();
        process.stderr.write("\n");
      }
    },
    async readStdin(signal) {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin.iterator({ destroyOnReturn: true })) {
        signal?.throwIfAborted();
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks).toString("utf8");
    },
    onInterrupt(listener) {
      process.on("SIGINT", listener);
      process.on("SIGTERM", listener);
      return () => {
        process.off("SIGINT", listener);
        process.off("SIGTERM", listener);
      };
    },
    exit: (code) => process.exit(code),
  };
}
