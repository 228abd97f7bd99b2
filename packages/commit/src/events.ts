import { diagnosticsPublisher as channel } from "@hfkit/http";
import { runWithEvents } from "@hfkit/http/work";
import type { CommitProgressEvent } from "./types.js";

/**
 * `node:diagnostics_channel` names `@hfkit/commit` publishes on. Every progress event of
 * every commit goes to `event` as `{ repo, revision, event }`, for `@hfkit/observability`
 * or your own subscriber. The library itself never prints.
 */
export const COMMIT_CHANNELS = { event: "hfkit:commit:event" } as const;

const eventChannel = channel(COMMIT_CHANNELS.event);

export type Emit = (event: CommitProgressEvent, key?: string) => void;

/**
 * Runs `work` through the shared work layer: yields its events (progress coalesced),
 * publishes each on {@link COMMIT_CHANNELS}, and winds the work down on `break`.
 */
export function withEvents<R>(
  signal: AbortSignal | undefined,
  label: { repo: string; revision: string },
  work: (emit: Emit, signal: AbortSignal) => Promise<R>,
): AsyncGenerator<CommitProgressEvent, R> {
  return runWithEvents(work, {
    signal,
    stopMessage: "The commit was stopped before it finished.",
    span: { name: "commit", attributes: label },
    onEvent: (event) => {
      if (eventChannel.hasSubscribers) eventChannel.publish({ ...label, event });
    },
  });
}
