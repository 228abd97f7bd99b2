import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { HTTP_CHANNELS } from "@hfkit/http";
import { WORK_CHANNELS } from "@hfkit/http/work";

/**
 * Every `node:diagnostics_channel` hfkit publishes on. The HTTP and work channels come from
 * `@hfkit/http`, the one package this one depends on; the others are named by their own
 * packages (`COMMIT_CHANNELS`, `REPO_CHANNELS`, `DATASETS_CHANNELS`, `XET_CHANNELS`,
 * `EMULATOR_CHANNELS`) and repeated here so that observing a commit does not install the
 * Parquet writer. `channels.test.ts` fails if a name here and its package's drift apart.
 */
export const HFKIT_CHANNELS = {
  requestStart: HTTP_CHANNELS.start,
  requestEnd: HTTP_CHANNELS.end,
  requestError: HTTP_CHANNELS.error,
  requestRetry: HTTP_CHANNELS.retry,
  requestDetail: HTTP_CHANNELS.detail,
  spanStart: WORK_CHANNELS.start,
  spanEnd: WORK_CHANNELS.end,
  commit: "hfkit:commit:event",
  download: "hfkit:repo:download",
  datasets: "hfkit:datasets:event",
  xet: "hfkit:xet:event",
  emulatorRequest: "hfkit:emulator:request",
} as const;

export type HfkitChannel = (typeof HFKIT_CHANNELS)[keyof typeof HFKIT_CHANNELS];

/** A listener per channel name; call the returned function to remove every one of them. */
export function subscribeChannels(
  listeners: Partial<Record<HfkitChannel, (message: unknown) => void>>,
): () => void {
  const entries = Object.entries(listeners) as [HfkitChannel, (message: unknown) => void][];
  for (const [name, listener] of entries) subscribe(name, listener);
  let closed = false;
  return () => {
    if (closed) return;
    closed = true;
    for (const [name, listener] of entries) unsubscribe(name, listener);
  };
}

/** The progress event of a long operation, as its package publishes it (`{ ...label, event }`). */
export interface OperationMessage {
  repo?: string;
  revision?: string;
  split?: string;
  event: { type: string } & Record<string, unknown>;
}
