import { EventChannel } from "./channel.js";
import { type SpanAttributes, withSpan } from "./span.js";

/** Emits an event; progress events pass a `key` so that a newer one replaces an undelivered older one. */
export type Emit<E> = (event: E, key?: string) => void;

const ABANDONED = Symbol.for("hfkit.work.abandoned");

/**
 * The reason a work's signal is aborted with when its consumer stopped iterating (`break`):
 * the work is abandoned, not interrupted, so it should leave nothing behind to resume from
 * (an interrupted download keeps its partial file; an abandoned one removes it).
 */
function abandonedReason(message: string): Error {
  return Object.defineProperty(new Error(message), ABANDONED, { value: true });
}

/** True when `signal` was aborted because the consumer of the work stopped iterating. */
export function isAbandoned(signal: AbortSignal | undefined): boolean {
  const reason: unknown = signal?.aborted ? signal.reason : undefined;
  return (
    typeof reason === "object" && reason !== null && (reason as Record<symbol, unknown>)[ABANDONED] === true
  );
}

export interface RunWithEventsOptions<E> {
  /** The caller's signal: aborting it aborts the work. */
  signal?: AbortSignal | undefined;
  /** Sees every event as it is emitted, before coalescing (to publish on a diagnostics channel). */
  onEvent?: ((event: E) => void) | undefined;
  /** What the work's signal is aborted with when the consumer stops iterating early. */
  stopMessage?: string;
  /**
   * Publishes the work as an operation span on `WORK_CHANNELS` (`commit`, `download`…), the
   * parent of the phases and requests inside it. Nothing is published while nobody subscribes.
   */
  span?: { name: string; attributes: SpanAttributes } | undefined;
}

/**
 * Runs `work` and yields the events it emits while it runs; returns its result. Progress
 * events coalesce by key, so a slow consumer never makes them pile up. Stopping the
 * iteration early (`break`, `return`, a throw in the loop) aborts the work and resolves only
 * once it has wound down: no request, file handle or temporary file outlives the loop.
 */
export async function* runWithEvents<E, R>(
  work: (emit: Emit<E>, signal: AbortSignal) => Promise<R>,
  options: RunWithEventsOptions<E> = {},
): AsyncGenerator<E, R> {
  const { signal, onEvent } = options;
  const events = new EventChannel<E>();
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const emit: Emit<E> = (event, key) => {
    events.push(event, key);
    onEvent?.(event);
  };
  let result: { value: R } | undefined;
  const { span } = options;
  const run = () => work(emit, controller.signal);
  const running = (async () =>
    span ? withSpan("operation", span.name, span.attributes, run) : run())().then(
    (value) => {
      result = { value };
      events.close();
    },
    (error) => events.fail(error),
  );
  try {
    yield* events;
  } finally {
    if (!result)
      controller.abort(abandonedReason(options.stopMessage ?? "The work was stopped before it finished."));
    await running;
    signal?.removeEventListener("abort", onAbort);
  }
  return result!.value;
}

/**
 * Runs a generator of events to its end and returns its result: the plain function behind
 * every `*Iter` generator. `onEvent` sees each event (for a progress callback).
 */
export async function drain<E, R>(iterator: AsyncGenerator<E, R>, onEvent?: (event: E) => void): Promise<R> {
  for (;;) {
    const step = await iterator.next();
    if (step.done) return step.value;
    onEvent?.(step.value);
  }
}
