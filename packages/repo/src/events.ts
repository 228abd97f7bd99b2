import { diagnosticsPublisher as channel } from "@hfkit/http";
import { type Emit, runWithEvents } from "@hfkit/http/work";

/**
 * `node:diagnostics_channel` names `@hfkit/repo` publishes on. Every event of every download
 * (`downloadFileIter`, `snapshotDownloadIter`) goes to `download` as `{ repo, revision, event }`,
 * for `@hfkit/observability` or your own subscriber. The library itself never prints.
 */
export const REPO_CHANNELS = { download: "hfkit:repo:download" } as const;

const downloadChannel = channel(REPO_CHANNELS.download);

/** Bytes of one file written so far (events of one file coalesce under a slow consumer). */
export interface FileDownloadProgressEvent {
  type: "file-download-progress";
  path: string;
  bytes: number;
  totalBytes: number;
}

/**
 * Runs a download through the shared work layer (ADR 0007): yields its events (progress
 * coalesced), publishes each on {@link REPO_CHANNELS}, hands each to `onEvent` as it happens,
 * and on `break` resolves only once the work has wound down.
 */
export function downloadEvents<E, R>(
  label: { repo: string; revision: string },
  options: { signal: AbortSignal | undefined; onEvent?: ((event: E) => void) | undefined },
  work: (emit: Emit<E>, signal: AbortSignal) => Promise<R>,
): AsyncGenerator<E, R> {
  return runWithEvents(work, {
    signal: options.signal,
    stopMessage: "The download was stopped before it finished.",
    span: { name: "download", attributes: label },
    onEvent: (event) => {
      options.onEvent?.(event);
      if (downloadChannel.hasSubscribers) downloadChannel.publish({ ...label, event });
    },
  });
}
