// What `hfkit sync` runs on, in one module that its commands import when one of them runs: the
// request files' parser (zod, yaml), @hfkit/datasets and the downloads stay out of `hfkit --help`
// and of the other commands.
import { formatBytes } from "@hfkit/observability";
import type { CliContext } from "../context.js";
import type { SyncEvent, SyncResults } from "./apply.js";
import { formatProblem } from "./requests.js";

export { parseSize } from "@hfkit/datasets";
export { formatBytes } from "@hfkit/observability";
export { applySync } from "./apply.js";
export { formatProblem } from "./requests.js";
export { syncStatus } from "./status.js";
export { validateSync } from "./validate.js";

/** A note per dataset as `hfkit sync apply` goes. */
export function progressNote(context: CliContext, event: SyncEvent): void {
  switch (event.type) {
    case "dataset-started":
      context.note(
        `[${event.index}/${event.total}] ${event.hfId} → ${event.folder}: ${event.files} file(s), ${formatBytes(event.bytes)}`,
      );
      break;
    case "dataset-skipped":
      context.note(`[${event.index}/${event.total}] ${event.hfId} → ${event.folder}: complete, skipped`);
      break;
    case "dataset-added":
      context.note(`  done: ${event.downloaded} downloaded, ${event.fromCache} from the cache`);
      break;
    case "dataset-failed":
      context.note(`  failed: ${event.reason}`);
      break;
    case "dataset-archived":
      context.note(`archived ${event.folder}: ${event.reason}`);
      break;
    case "archive-pruned":
      context.note(`deleted archived ${event.folder}`);
      break;
  }
}

/** What `hfkit sync apply` prints for people. */
export function humanResults(results: SyncResults): string {
  if (results.problems.length > 0) {
    return `${results.problems.map(formatProblem).join("\n")}\n${results.problems.length} problem(s): nothing was downloaded`;
  }
  const verb = results.dryRun ? "would " : "";
  const lines = [
    ...results.added.map(
      (d) => `${verb}${results.dryRun ? "add" : "added"} ${d.folder} (${formatBytes(d.bytes ?? 0)})`,
    ),
    ...results.skipped.map((d) => `up to date ${d.folder}`),
    ...results.removed.map(
      (d) => `${verb}${results.dryRun ? "archive" : "archived"} ${d.folder}: ${d.reason}`,
    ),
    ...results.failed.map((d) => `FAILED ${d.hfId ?? `${d.requestFile}:${d.requestLine}`}: ${d.reason}`),
  ];
  return lines.join("\n") || "nothing requested";
}
