import { channel } from "node:diagnostics_channel";
import { runWithEvents, type Emit as WorkEmit } from "@hfkit/http/work";
import type { DatasetProgressEvent } from "./types.js";

/**
 * `node:diagnostics_channel` names `@hfkit/datasets` publishes on: every progress event of every
 * shard write goes to `event` as `{ split, event }`, and a push's own events (`repo-created`,
 * `push-retry`) as `{ repo, event }` (its commit's are on `@hfkit/commit`'s channel). The
 * library itself never prints.
 */
export const DATASETS_CHANNELS = { event: "hfkit:datasets:event" } as const;

const eventChannel = channel(DATASETS_CHANNELS.event);

/** Publishes an event of a push itself (not one of its shard writes or commits, published where they happen). */
export function publishPushEvent(repo: string, event: { type: string }): void {
  if (eventChannel.hasSubscribers) eventChannel.publish({ repo, event });
}

export type Emit = WorkEmit<DatasetProgressEvent>;

/** Runs `work` on the shared work layer: events yielded (progress coalesced), published, wound down on `break`. */
export function withEvents<R>(
  signal: AbortSignal | undefined,
  split: string,
  work: (emit: Emit, signal: AbortSignal) => Promise<R>,
): AsyncGenerator<DatasetProgressEvent, R> {
  return runWithEvents(work, {
    signal,
    stopMessage: "Writing the shards was stopped before it finished.",
    span: { name: "datasets.write-shards", attributes: { split } },
    onEvent: (event) => {
      if (eventChannel.hasSubscribers) eventChannel.publish({ split, event });
    },
  });
}
