import type { SpanEndEvent, SpanStartEvent } from "@hfkit/http/work";
import { HFKIT_CHANNELS, type HfkitChannel, type OperationMessage, subscribeChannels } from "./channels.js";
import { formatBytes, formatDuration } from "./format.js";

export interface ProgressStream {
  write(chunk: string): unknown;
  /** A terminal gets redrawn bars; anything else gets plain lines, no escape codes. */
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Where to draw: usually `process.stderr` (stdout stays for results). */
  stream: ProgressStream;
  /** `auto`: bars on a terminal, one line per finished file otherwise; `json`: one JSON object per event. */
  format?: "auto" | "json";
  /** `NO_COLOR` set (any value) turns colour off. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Files drawn at once; the rest collapse into one line. Default 4. */
  maxFiles?: number;
  /** Least time between two redraws (and between two JSON progress lines of one file). Default 100 ms. */
  intervalMs?: number;
  now?: () => number;
}

interface FileState {
  name: string;
  verb: string;
  done: number;
  total: number | undefined;
  started: number;
}

/** What a progress event says about one file's bytes, if anything. */
function fileUpdate(
  source: string,
  event: OperationMessage["event"],
):
  | { key: string; name: string; verb: string; done: number; total: number | undefined; finished: boolean }
  | undefined {
  const n = (v: unknown) => (typeof v === "number" ? v : undefined);
  switch (event.type) {
    case "file-hash-progress":
      return {
        key: `hash:${event.path}`,
        name: String(event.path),
        verb: "hashing",
        done: n(event.bytesHashed) ?? 0,
        total: n(event.totalBytes),
        finished: event.bytesHashed === event.totalBytes,
      };
    case "lfs-upload-progress":
      return {
        key: `up:${event.oid}`,
        name: String(event.path),
        verb: "uploading",
        done: n(event.bytesUploaded) ?? 0,
        total: n(event.totalBytes),
        finished: false,
      };
    case "lfs-object-uploaded":
      return {
        key: `up:${event.oid}`,
        name: String(event.path),
        verb: "uploaded",
        done: n(event.size) ?? 0,
        total: n(event.size),
        finished: true,
      };
    case "rows-progress":
      // Reading a split's input: no total is known until the shards are planned.
      return {
        key: `rows:${event.split}`,
        name: String(event.split),
        verb: "reading",
        done: n(event.bytes) ?? 0,
        total: undefined,
        finished: false,
      };
    case "shards-planned":
      return {
        key: `rows:${event.split}`,
        name: String(event.split),
        verb: "read",
        done: n(event.numBytes) ?? 0,
        total: n(event.numBytes),
        finished: true,
      };
    case "file-download-progress":
      return {
        key: `${source}:${event.path}`,
        name: String(event.path),
        verb: "downloading",
        done: n(event.bytes) ?? 0,
        total: n(event.totalBytes),
        finished: event.bytes === event.totalBytes,
      };
    case "xet-file-progress":
      return {
        key: `xet:${event.file}`,
        name: String(event.file),
        verb: "uploading",
        done: n(event.bytesRead) ?? 0,
        total: n(event.totalBytes),
        finished: event.bytesRead === event.totalBytes,
      };
    default:
      return undefined;
  }
}

/**
 * Draws the progress of what hfkit publishes (commits, downloads, Xet uploads, shard writing).
 * On a terminal: one line per active file (bytes, a bar, rate, ETA) collapsing past `maxFiles`,
 * under a line naming the running phases, redrawn at most every `intervalMs`. Elsewhere (a pipe,
 * a file): a plain line per finished file and operation, no bars, no escape codes. With
 * `format: "json"`: one JSON object per event. Returns `note(text)`, which prints a line of the
 * caller's without breaking the bars, and `stop()`, which unsubscribes and leaves the terminal
 * on a fresh line.
 */
export function renderProgress(options: ProgressOptions): {
  /** A line of your own (a note, a warning) above the bars; a `{ type: "note" }` object in JSON. */
  note(text: string): void;
  stop(): void;
} {
  const { stream } = options;
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 100;
  const maxFiles = options.maxFiles ?? 4;
  const env = options.env ?? process.env;
  const json = options.format === "json";
  const bars = !json && stream.isTTY === true;
  const colour = bars && env.NO_COLOR === undefined;
  const files = new Map<string, FileState>();
  /**
   * When each file (by name) first showed progress: a file read once through Xet reports
   * `file-hash-progress` while it is read and sent, then `lfs-object-uploaded` with no upload
   * progress of its own, and its time is counted from the read's start.
   */
  const firstSeen = new Map<string, number>();
  const phases = new Map<number, string>();
  const lastJson = new Map<string, number>();
  let drawnLines = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;

  const erase = () => {
    if (drawnLines > 0) stream.write(`\x1b[${drawnLines}F\x1b[J`);
    drawnLines = 0;
  };
  const bar = (fraction: number, width: number) => {
    const full = Math.round(fraction * width);
    const text = "█".repeat(full) + "░".repeat(width - full);
    return colour ? `\x1b[32m${text}\x1b[39m` : text;
  };
  const fileLine = (f: FileState, t: number) => {
    const elapsed = Math.max(t - f.started, 1);
    const rate = (f.done / elapsed) * 1000;
    const fraction = f.total ? Math.min(f.done / f.total, 1) : 0;
    const eta = f.total && rate > 0 ? ` ETA ${formatDuration(((f.total - f.done) / rate) * 1000)}` : "";
    const sizes = `${formatBytes(f.done)}${f.total !== undefined ? ` / ${formatBytes(f.total)}` : ""}`;
    const name = f.name.length > 40 ? `…${f.name.slice(-39)}` : f.name;
    return `${f.verb} ${name.padEnd(Math.min(40, name.length + 1))} ${bar(fraction, 20)} ${sizes} ${formatBytes(rate)}/s${eta}`;
  };
  const draw = (force = false) => {
    if (!bars) return;
    const t = now();
    if (!force && t - lastDraw < interval) return;
    lastDraw = t;
    const lines: string[] = [];
    if (phases.size > 0) lines.push(`${[...new Set(phases.values())].join(", ")}`);
    const active = [...files.values()];
    const shown = active.length > maxFiles ? active.slice(0, maxFiles - 1) : active;
    for (const f of shown) lines.push(fileLine(f, t));
    if (shown.length < active.length) {
      const rest = active.slice(shown.length);
      const left = rest.reduce((sum, f) => sum + Math.max((f.total ?? f.done) - f.done, 0), 0);
      lines.push(`… and ${rest.length} more files (${formatBytes(left)} left)`);
    }
    erase();
    if (lines.length > 0) stream.write(`${lines.join("\n")}\n`);
    drawnLines = lines.length;
  };
  const line = (text: string) => {
    erase();
    stream.write(`${text}\n`);
    draw(true);
  };

  const onOperation = (source: string) => (message: unknown) => {
    const { event, ...label } = message as OperationMessage;
    if (json) {
      const progress = event.type.endsWith("-progress");
      const key = `${source}:${JSON.stringify(label)}:${String(event.path ?? event.file ?? event.oid ?? "")}`;
      const t = now();
      if (progress && t - (lastJson.get(key) ?? Number.NEGATIVE_INFINITY) < interval) return;
      lastJson.set(key, t);
      stream.write(`${JSON.stringify({ time: new Date(t).toISOString(), source, ...label, ...event })}\n`);
      return;
    }
    const update = fileUpdate(source, event);
    if (!update) return;
    const existing = files.get(update.key);
    if (update.finished) {
      files.delete(update.key);
      const started = existing?.started ?? firstSeen.get(update.name) ?? now();
      if (update.verb === "uploaded") firstSeen.delete(update.name);
      if (update.verb !== "hashing" && update.verb !== "read")
        line(
          `${update.verb === "uploaded" ? "uploaded" : "done"} ${update.name} (${formatBytes(update.done)} in ${formatDuration(now() - started)})`,
        );
      else draw();
      return;
    }
    if (existing) {
      existing.done = update.done;
      existing.total = update.total;
      existing.verb = update.verb;
      draw();
    } else {
      files.set(update.key, { ...update, started: now() });
      if (!firstSeen.has(update.name)) firstSeen.set(update.name, now());
      draw(true); // a file shows up at once, however recent the last redraw
    }
  };

  const listeners: Partial<Record<HfkitChannel, (message: unknown) => void>> = {
    [HFKIT_CHANNELS.commit]: onOperation("commit"),
    [HFKIT_CHANNELS.download]: onOperation("download"),
    [HFKIT_CHANNELS.xet]: onOperation("xet"),
    [HFKIT_CHANNELS.datasets]: onOperation("datasets"),
  };
  if (!json) {
    listeners[HFKIT_CHANNELS.spanStart] = (message) => {
      const e = message as SpanStartEvent;
      phases.set(e.id, e.name);
      draw();
    };
    listeners[HFKIT_CHANNELS.spanEnd] = (message) => {
      const e = message as SpanEndEvent;
      phases.delete(e.id);
      // Only the outermost operation gets a line: a push reading a card that is not there yet
      // (a `download` that fails, as expected) is not news.
      if (e.kind === "operation" && e.parentId === undefined)
        line(`${e.name} ${e.error ? "failed" : "done"} in ${formatDuration(e.durationMs)}`);
      else draw();
    };
  }
  const unsubscribe = subscribeChannels(listeners);
  return {
    note(text: string) {
      if (json)
        stream.write(
          `${JSON.stringify({ time: new Date(now()).toISOString(), type: "note", message: text })}\n`,
        );
      else if (bars) line(text);
      else stream.write(`${text}\n`);
    },
    stop() {
      unsubscribe();
      erase();
    },
  };
}
