// `@hfkit/http/work`: the small machinery under every long operation in hfkit (commits,
// downloads, dataset pushes): events with coalesced progress, cancellation that winds work
// down, task groups that fail as a whole, and an abortable sleep.
export { EventChannel } from "./channel.js";
export { drain, type Emit, isAbandoned, type RunWithEventsOptions, runWithEvents } from "./run.js";
export { sleep } from "./sleep.js";
export {
  captureSpan,
  currentSpanId,
  phase,
  type SpanAttributes,
  type SpanEndEvent,
  type SpanStartEvent,
  WORK_CHANNELS,
  withSpan,
} from "./span.js";
export { TaskGroup } from "./task-group.js";
