export { HFKIT_CHANNELS, type HfkitChannel, type OperationMessage, subscribeChannels } from "./channels.js";
export { formatBytes, formatDuration } from "./format.js";
export { DETAIL_BODY_OPERATIONS, type LogEventsOptions, logHfkitEvents } from "./log-events.js";
export {
  createLogger,
  formatRecord,
  type LogFormat,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type LogRecord,
  type LogSink,
  parseLogLevel,
  streamSink,
} from "./logger.js";
export { instrumentOpenTelemetry, type OpenTelemetryOptions } from "./otel.js";
export { type FinishedSpan, otlpTraceJson } from "./otlp-json.js";
export { type ProgressOptions, type ProgressStream, renderProgress } from "./progress.js";
export { redactValue } from "./redact.js";
