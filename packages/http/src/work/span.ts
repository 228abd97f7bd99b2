import { type AsyncScope, publisher as channel, createAsyncScope, snapshotScope } from "../platform.js";

/**
 * `node:diagnostics_channel` names of the spans of long work: an operation (a commit, a
 * download, a Xet upload, a shard write) and the phases inside it (preupload, LFS batch, one
 * object upload, the commit call). Each span publishes `start` then exactly one `end` (with
 * `error` set when it failed). Request events of `@hfkit/http` carry the id of the innermost
 * span around them as `spanId`, so a subscriber can rebuild the tree: operation > phase >
 * request. Nothing is published, and no async context is kept, while nobody subscribes.
 */
export const WORK_CHANNELS = {
  start: "hfkit:work:span:start",
  end: "hfkit:work:span:end",
} as const;

/** Attribute values a span carries: never a token, never file contents. */
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

export interface SpanStartEvent {
  /** Process-local id of this span. */
  id: number;
  /** The span this one runs inside (an operation for a phase), if any. */
  parentId: number | undefined;
  kind: "operation" | "phase";
  /** Dotted name: `commit`, `commit.preupload`, `commit.lfs-upload`, `xet.upload`… */
  name: string;
  attributes: SpanAttributes;
}

export interface SpanEndEvent extends SpanStartEvent {
  durationMs: number;
  /** Set when the span's work threw (name and message; messages here never hold a token). */
  error?: { name: string; message: string; code?: string | undefined };
}

const startChannel = channel(WORK_CHANNELS.start);
const endChannel = channel(WORK_CHANNELS.end);

// One state per process, whichever copy of this module runs (the package's two entry points
// are bundled apart, and an app may install two versions): span ids must be unique and the
// request events of `@hfkit/http` must see the scope this module set. The AsyncLocalStorage is
// made on first use only: one in use costs something on every promise in Node 20, which a
// process nobody observes should not pay.
const STATE = Symbol.for("hfkit.work.spans");
interface SpanState {
  scope: AsyncScope<number> | undefined;
  ids: number;
}
const shared = globalThis as Record<symbol, SpanState | undefined>;
shared[STATE] ??= { scope: undefined, ids: 0 };
const state: SpanState = shared[STATE];

/** Id of the innermost span the caller runs inside, or undefined (also when nobody subscribes). */
export function currentSpanId(): number | undefined {
  return state.scope?.getStore();
}

/**
 * Runs `fn` as a span: publishes start and end on {@link WORK_CHANNELS} and makes the span the
 * parent of the requests and spans started inside it. Without a subscriber it only calls `fn`.
 */
export function withSpan<R>(
  kind: SpanStartEvent["kind"],
  name: string,
  attributes: SpanAttributes,
  fn: () => Promise<R>,
): Promise<R> {
  if (!startChannel.hasSubscribers && !endChannel.hasSubscribers) return fn();
  state.scope ??= createAsyncScope<number>();
  const scope = state.scope;
  const start: SpanStartEvent = { id: ++state.ids, parentId: scope.getStore(), kind, name, attributes };
  startChannel.publish(start);
  const started = performance.now();
  return scope.run(start.id, async () => {
    try {
      const result = await fn();
      endChannel.publish({ ...start, durationMs: performance.now() - started });
      return result;
    } catch (error) {
      const e = error as { name?: string; message?: string; code?: unknown };
      endChannel.publish({
        ...start,
        durationMs: performance.now() - started,
        error: {
          name: e?.name ?? "Error",
          message: String(e?.message ?? error),
          code: typeof e?.code === "string" ? e.code : undefined,
        },
      });
      throw error;
    }
  });
}

/**
 * Captures the caller's span scope: the returned function runs `fn` inside it. For work queued
 * from one place and started from another (a p-queue starts a job from whichever job ended
 * before it), so its spans keep the right parent. The identity while nobody observes.
 */
export function captureSpan(): <R>(fn: () => R) => R {
  return state.scope ? snapshotScope() : (fn) => fn();
}

/** {@link withSpan} for a phase of the operation the caller runs inside. */
export function phase<R>(name: string, attributes: SpanAttributes, fn: () => Promise<R>): Promise<R> {
  return withSpan("phase", name, attributes, fn);
}
