import { HubError } from "@hfkit/http";
import { type Command, CommanderError } from "commander";
import { CliContext } from "./context.js";
import { type CliIO, type InterruptSignal, processIO } from "./io.js";
import { type LogOptions, startLogging } from "./observe.js";
import { createProgram } from "./program.js";
import { startTraceFile } from "./trace-file.js";

/**
 * Exit codes: 0 success, 1 the operation failed, 2 bad usage, 130 interrupted by Ctrl-C
 * (143 by SIGTERM): 128 + the signal's number, as shells report a process the signal ended.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

/** OpenSSL's and Node's codes for a server certificate that no trusted CA vouches for. */
const UNTRUSTED_CERTIFICATE = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
]);

/** The first `code` along an error's `cause` chain that names an untrusted certificate. */
function untrustedCertificate(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (UNTRUSTED_CERTIFICATE.has(String((e as { code?: unknown }).code))) return true;
  }
  return false;
}

/** One line a user can act on; HubErrors already carry the redacted server message and a hint. */
export function describeError(error: unknown): string {
  if (HubError.isInstance(error) && untrustedCertificate(error))
    return `${error.message}\nhint: if the server's certificate comes from a private CA (a company proxy, an https emulator), trust it with NODE_EXTRA_CA_CERTS=/path/to/ca.pem`;
  if (HubError.isInstance(error)) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * `hfkit help repo tag create` is `hfkit repo tag create --help` (commander's own help command
 * looks one level down only). A word that names no command is left for commander to refuse,
 * with its suggestion; words after a command that has no sub-commands are ignored.
 */
function helpArguments(program: Command, words: readonly string[]): string[] {
  const path: string[] = [];
  let command = program;
  for (const word of words) {
    if (command.commands.length === 0) break;
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) return [...path, word];
    path.push(word);
    command = sub;
  }
  return [...path, "--help"];
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code. `main`
 * owns the one `AbortController` of the run: the first Ctrl-C (or SIGTERM) aborts it, which
 * stops the command's requests, retries, waits and transfers at once; the command then ends
 * with one line on stderr and 130. A second Ctrl-C exits at once, without waiting.
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const controller = new AbortController();
  let interrupted: InterruptSignal | undefined;
  const stopListening = io.onInterrupt?.((signal) => {
    if (interrupted !== undefined) {
      io.exit?.(EXIT.interrupted);
      return;
    }
    interrupted = signal;
    controller.abort(new Error(`interrupted (${signal})`));
  });
  const context = new CliContext(io, controller.signal);
  const program = createProgram(io, context);
  let stopLogging: (() => void) | undefined;
  let stopTracing: (() => Promise<void>) | undefined;
  program.hook("preAction", async () => {
    const options = program.opts<LogOptions & { traceFile?: string }>();
    stopLogging ??= await startLogging(options, io);
    context.logFormat = options.logFormat ?? "human";
    if (options.traceFile !== undefined) stopTracing ??= await startTraceFile(options.traceFile, io.env);
  });
  try {
    const args = argv[0] === "help" && argv.length > 1 ? helpArguments(program, argv.slice(1)) : argv;
    await program.parseAsync([...args], { from: "user" });
    return EXIT.ok;
  } catch (error) {
    if (interrupted !== undefined) {
      // Whatever the command failed with, it failed because it was told to stop.
      io.stderr.write(`interrupted (${interrupted})\n`);
      return interrupted === "SIGTERM" ? EXIT.terminated : EXIT.interrupted;
    }
    if (error instanceof CommanderError) {
      // Help and version exit through here with code 0; usage errors were already printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const code = HubError.isInstance(error) && error.code === "INVALID_INPUT" ? EXIT.usage : EXIT.failure;
    io.stderr.write(`error: ${describeError(error)}\n`);
    return code;
  } finally {
    await context.dispose();
    stopLogging?.();
    await stopTracing?.();
    stopListening?.();
  }
}
