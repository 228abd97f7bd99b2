// `@hfkit/observability` (and OpenTelemetry's API under it) is loaded only when a run logs or
// draws progress: `hfkit --version`, `--help` and most piped runs never need it.
import type { LogLevel } from "@hfkit/observability";
import { type Command, Option } from "commander";
import type { CliContext } from "./context.js";
import type { CliIO } from "./io.js";

/** `-v` again (`-vv`, `--verbose --verbose`) adds one more level of detail. */
const countVerbose = (_value: string | undefined, previous: number | undefined) => (previous ?? 0) + 1;

/** `-v, --verbose`, `--log-level`, `--log-format`, `--trace-file`: global options, given before the command. */
export function addLogOptions(program: Command): Command {
  return program
    .addOption(
      new Option(
        "-v, --verbose",
        "log every request on stderr: method, path, status, duration, attempt, bytes; -vv also its redacted headers and the preupload, LFS batch and commit answers (env HF_DEBUG=1)",
      ).argParser(countVerbose),
    )
    .addOption(new Option("--log-level <level>", "silent, error, warn, info, debug or trace (env HFKIT_LOG)"))
    .option(
      "--trace-file <file>",
      "write the run's OpenTelemetry spans to FILE as OTLP JSON (resource from OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES)",
    )
    .addOption(
      new Option("--log-format <format>", "log lines for people or one JSON object per line")
        .choices(["human", "json"])
        .default("human"),
    );
}

export interface LogOptions {
  /** How many times `-v` was given. */
  verbose?: number;
  logLevel?: string;
  logFormat?: "human" | "json";
}

/**
 * Starts logging what the libraries publish, on stderr (stdout stays for results), at the level
 * the options and the environment ask for: `--log-level`, else `HFKIT_LOG`, else `debug` with
 * `-v` or `HF_DEBUG=1` (as huggingface_hub's), else nothing: the command's own output and its
 * one error line are all a run prints by default, and nothing is subscribed. `-vv`, `HF_DEBUG=1`
 * and level `trace` add each request's redacted headers and the preupload, LFS batch, commit and
 * Xet token answers. Returns the stop.
 */
export async function startLogging(options: LogOptions, io: CliIO): Promise<() => void> {
  const asked = options.logLevel ?? io.env.HFKIT_LOG;
  const verbose = options.verbose ?? 0;
  const debug = ["1", "true"].includes((io.env.HF_DEBUG ?? "").toLowerCase());
  if (!asked && verbose === 0 && !debug) return () => {};
  const { createLogger, logHfkitEvents, parseLogLevel, streamSink } = await import("@hfkit/observability");
  let level: LogLevel | "silent" = asked ? parseLogLevel(asked) : "silent";
  if (!asked && (verbose > 0 || debug)) level = "debug";
  if (level === "silent") return () => {};
  const logger = createLogger({
    level,
    format: options.logFormat ?? "human",
    sink: streamSink(io.stderr),
    secrets: () => [io.env.HF_TOKEN, io.env.HUGGING_FACE_HUB_TOKEN],
  });
  // Only where request lines are logged: subscribing makes the client copy JSON answers.
  const details = (level === "debug" || level === "trace") && (verbose > 1 || debug || level === "trace");
  return logHfkitEvents(logger, { details });
}

/**
 * Progress of the files a command transfers, on stderr, through `@hfkit/observability`'s
 * renderer: on a terminal, bars (bytes, rate, ETA, one line per active file, the running phases;
 * `NO_COLOR` drops the colour); with `--log-format json`, one JSON object per event, for
 * machines. Piped human output gets no progress at all (only the command's notes), and `-q`
 * nothing. While it runs, `context.note()` prints above the bars. Returns the stop.
 */
export async function startProgress(context: CliContext): Promise<() => void> {
  const stream = context.progressStream;
  const json = context.logFormat === "json";
  if (context.quiet || (!json && stream.isTTY !== true)) return () => {};
  const { renderProgress } = await import("@hfkit/observability");
  const progress = renderProgress({ stream, env: context.io.env, format: json ? "json" : "auto" });
  context.progressNote = (text) => progress.note(text);
  return () => {
    context.progressNote = undefined;
    progress.stop();
  };
}
