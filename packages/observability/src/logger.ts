import { InvalidInputError } from "@hfkit/http";
import { redactValue } from "./redact.js";

export type LogLevel = "error" | "warn" | "info" | "debug" | "trace";
export type LogFormat = "human" | "json";

const RANK: Record<LogLevel | "silent", number> = {
  silent: 0,
  error: 1,
  warn: 2,
  info: 3,
  debug: 4,
  trace: 5,
};

/** One log record; `fields` are already redacted when a sink sees them. */
export interface LogRecord {
  /** Milliseconds since the epoch. */
  time: number;
  level: LogLevel;
  msg: string;
  fields: Record<string, unknown>;
}

/** Where lines go: gets the formatted line (no trailing newline) and the record it came from. */
export type LogSink = (line: string, record: LogRecord) => void;

export interface LoggerOptions {
  /** Records below this level are dropped before any formatting. Default `info`. */
  level?: LogLevel | "silent";
  /** `human`: `12:00:01.250 WARN msg key=value`; `json`: one JSON object per line. Default `human`. */
  format?: LogFormat;
  /** Default: lines written to `process.stderr` (libraries and the CLI keep stdout for results). */
  sink?: LogSink;
  /** Tokens the process holds, replaced in every record (Hub token, CAS tokens…). */
  secrets?: () => readonly (string | undefined)[];
  /** Clock, for tests. */
  now?: () => number;
}

export interface Logger {
  readonly level: LogLevel | "silent";
  readonly format: LogFormat;
  /** Whether a record at `level` would be written: check it before building costly fields. */
  enabled(level: LogLevel): boolean;
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  trace(msg: string, fields?: Record<string, unknown>): void;
}

/** A sink writing each line and a newline to a stream (`process.stderr`, a file stream…). */
export function streamSink(stream: { write(chunk: string): unknown }): LogSink {
  return (line) => {
    stream.write(`${line}\n`);
  };
}

function humanValue(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(1);
  // Objects (headers, an API answer) as their JSON: read as is, not quoted a second time.
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}

function clock(time: number): string {
  const d = new Date(time);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Formats a record as one line: JSON (`time` as ISO 8601) or human-readable. */
export function formatRecord(record: LogRecord, format: LogFormat): string {
  if (format === "json") {
    return JSON.stringify({
      time: new Date(record.time).toISOString(),
      level: record.level,
      msg: record.msg,
      ...record.fields,
    });
  }
  let line = `${clock(record.time)} ${record.level.toUpperCase().padEnd(5)} ${record.msg}`;
  for (const [key, value] of Object.entries(record.fields)) {
    if (value !== undefined) line += ` ${key}=${humanValue(value)}`;
  }
  return line;
}

/**
 * A small structured logger: levels, human or JSON lines, a pluggable sink, and redaction of
 * every record (ADR 0016 says why it is not pino). Cheap when a level is off: `enabled()` is
 * one comparison and a dropped record is never formatted.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const format = options.format ?? "human";
  const sink = options.sink ?? streamSink(process.stderr);
  const now = options.now ?? Date.now;
  const threshold = RANK[level];
  const enabled = (at: LogLevel) => RANK[at] <= threshold;
  const log = (at: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
    if (RANK[at] > threshold) return;
    const secrets = options.secrets?.() ?? [];
    const record: LogRecord = {
      time: now(),
      level: at,
      msg: redactValue(msg, secrets) as string,
      fields: redactValue(fields, secrets) as Record<string, unknown>,
    };
    sink(formatRecord(record, format), record);
  };
  return {
    level,
    format,
    enabled,
    log,
    error: (msg, fields) => log("error", msg, fields),
    warn: (msg, fields) => log("warn", msg, fields),
    info: (msg, fields) => log("info", msg, fields),
    debug: (msg, fields) => log("debug", msg, fields),
    trace: (msg, fields) => log("trace", msg, fields),
  };
}

/** Parses a level name (`HFKIT_LOG=debug`, `--log-level`); throws naming the accepted values. */
export function parseLogLevel(value: string): LogLevel | "silent" {
  const level = value.trim().toLowerCase();
  if (level in RANK) return level as LogLevel | "silent";
  throw new InvalidInputError(
    `level: "${value}" is not a log level; use one of silent, error, warn, info, debug, trace.`,
    { field: "level" },
  );
}
