import { currentSpanId, type SpanEndEvent, type SpanStartEvent } from "@hfkit/http/work";
import { HFKIT_CHANNELS, type HfkitChannel, type OperationMessage, subscribeChannels } from "./channels.js";
import { formatBytes, formatDuration } from "./format.js";
import { OpenSpans, spanWords } from "./spans.js";

export interface ProgressStream {
  write(chunk: string): unknown;
  /** A terminal gets redrawn bars; anything else gets plain lines, no escape codes. */
  isTTY?: boolean;
  /** The terminal's width (`process.stderr.columns` follows resizes): bar lines are cut to fit. */
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
  /** The outermost operation the file's events came from, when spans are published. */
  root: number | undefined;
}

interface FileUpdate {
  key: string;
  name: string;
  verb: string;
  done: number;
  total: number | undefined;
  finished: boolean;
  /** Finishing prints no line: hashing and reading are steps, not ends. */
  quiet?: boolean;
}

/** `text` cut to `width` characters, its end marked. */
function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(width - 1, 0))}…`;
}

/** What a progress event says about one file's bytes, if anything. */
function fileUpdate(source: string, event: OperationMessage["event"]): FileUpdate | undefined {
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
        quiet: true,
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
        quiet: true,
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
 * under a line naming the running phases in words, redrawn at most every `intervalMs`. Elsewhere
 * (a pipe, a file): a plain line per finished file and per operation done, no bars, no escape
 * codes. A file gets one bar per phase and one line when it is done: a file a commit sends
 * through Xet is the commit's (its Xet bytes on one bar, ended by the commit's
 * `lfs-object-uploaded`), and a download inside another operation (a push reading its card)
 * gets no line of its own. An operation that fails gets no line either: its error is the
 * caller's to report, and what a caller retries (a commit before the repo is created) is not
 * news. With `format: "json"`: one JSON object per event. Returns `note(text)`, which prints a
 * line of the caller's without breaking the bars, and `stop()`, which unsubscribes and leaves
 * the terminal on a fresh line.
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
  const firstSeen = new Map<string, { at: number; root: number | undefined }>();
  /**
   * Files a commit sends through Xet, by path. The Xet session's `xet-file-progress` is live;
   * the commit relays the same bytes later (`file-hash-progress` when the file is read once,
   * `lfs-upload-progress` after an LFS batch), coalesced, so a relay can come after the read
   * ended. The Xet bytes draw the file's one bar and the relays are dropped; the commit's
   * `lfs-object-uploaded` (the file stored) ends the bar with the file's one line.
   */
  const throughXet = new Map<string, number | undefined>();
  const spans = new OpenSpans();
  const lastJson = new Map<string, number>();
  let drawnLines = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;

  const erase = () => {
    if (drawnLines > 0) stream.write(`\x1b[${drawnLines}F\x1b[J`);
    drawnLines = 0;
  };
  const bar = (fraction: number, width: number) => {
    const full = Math.round(fraction * width);
    return "█".repeat(full) + "░".repeat(width - full);
  };
  const fileLine = (f: FileState, t: number, width: number) => {
    const elapsed = Math.max(t - f.started, 1);
    const rate = (f.done / elapsed) * 1000;
    const fraction = f.total ? Math.min(f.done / f.total, 1) : 0;
    const eta = f.total && rate > 0 ? ` ETA ${formatDuration(((f.total - f.done) / rate) * 1000)}` : "";
    const sizes = `${formatBytes(f.done)}${f.total !== undefined ? ` / ${formatBytes(f.total)}` : ""}`;
    const tail = ` ${bar(fraction, 20)} ${sizes} ${formatBytes(rate)}/s${eta}`;
    // A long path gives way first (its end is what tells files apart), down to 12 characters.
    const room = Math.max(Math.min(40, width - f.verb.length - 2 - tail.length), 12);
    const name = f.name.length > room ? `…${f.name.slice(-(room - 1))}` : f.name;
    return fit(`${f.verb} ${name} ${tail}`, width);
  };
  const draw = (force = false) => {
    if (!bars) return;
    const t = now();
    if (!force && t - lastDraw < interval) return;
    lastDraw = t;
    // A drawn line as wide as the terminal would wrap, and the next redraw, going up one row per
    // line, would leave its top behind: every line is kept a column short of the width.
    const width = stream.columns !== undefined && stream.columns > 1 ? stream.columns - 1 : Infinity;
    const lines: string[] = [];
    const running = spans.line();
    if (running) lines.push(fit(running, width));
    const active = [...files.values()];
    const shown = active.length > maxFiles ? active.slice(0, maxFiles - 1) : active;
    for (const f of shown) lines.push(fileLine(f, t, width));
    if (shown.length < active.length) {
      const rest = active.slice(shown.length);
      const left = rest.reduce((sum, f) => sum + Math.max((f.total ?? f.done) - f.done, 0), 0);
      lines.push(fit(`… and ${rest.length} more files (${formatBytes(left)} left)`, width));
    }
    erase();
    const text = lines.join("\n");
    if (lines.length > 0) stream.write(`${colour ? text.replace(/[█░]+/g, "\x1b[32m$&\x1b[39m") : text}\n`);
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
    // Publishers run their subscribers synchronously, inside their own async context: the span
    // open around this call is the one that published the event.
    const chain = spans.chain(currentSpanId());
    const root = chain.at(-1)?.id;
    const operations = chain.filter((s) => s.kind === "operation");
    if (source === "xet" && operations.some((s) => s.name === "commit")) {
      throughXet.set(update.name, root);
      update.finished = false; // read, not yet stored
    } else if (source === "commit" && throughXet.has(update.name)) {
      if (update.verb !== "uploaded") return;
      throughXet.delete(update.name);
      update.key = `xet:${update.name}`;
    } else if (source === "download" && operations.length > 1) {
      update.quiet = true; // its operation says what it did with the file
    }
    const existing = files.get(update.key);
    if (update.finished) {
      files.delete(update.key);
      const started = existing?.started ?? firstSeen.get(update.name)?.at ?? now();
      if (update.verb === "uploaded") firstSeen.delete(update.name);
      if (!update.quiet)
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
      const { key, name, verb, done, total } = update;
      files.set(key, { name, verb, done, total, started: now(), root });
      if (!firstSeen.has(name)) firstSeen.set(name, { at: now(), root });
      draw(true); // a file shows up at once, however recent the last redraw
    }
  };

  /** An outermost operation ended: what it left unfinished (a failed attempt's bars) goes with it. */
  const forget = (root: number) => {
    for (const [key, file] of files) if (file.root === root) files.delete(key);
    for (const [name, seen] of firstSeen) if (seen.root === root) firstSeen.delete(name);
    for (const [name, from] of throughXet) if (from === root) throughXet.delete(name);
  };

  const listeners: Partial<Record<HfkitChannel, (message: unknown) => void>> = {
    [HFKIT_CHANNELS.commit]: onOperation("commit"),
    [HFKIT_CHANNELS.download]: onOperation("download"),
    [HFKIT_CHANNELS.xet]: onOperation("xet"),
    [HFKIT_CHANNELS.datasets]: onOperation("datasets"),
  };
  if (!json) {
    listeners[HFKIT_CHANNELS.spanStart] = (message) => {
      spans.start(message as SpanStartEvent);
      draw();
    };
    listeners[HFKIT_CHANNELS.spanEnd] = (message) => {
      const e = message as SpanEndEvent;
      spans.end(e.id);
      // Only the outermost operation gets a line: a push reading a card that is not there yet
      // (a `download` that fails, as expected) is not news. A failure neither: the caller
      // reports the error (with its reason, which a span's end does not say well), or retries.
      if (e.kind === "operation" && e.parentId === undefined) {
        forget(e.id);
        if (!e.error) line(`${spanWords(e) ?? e.name} done in ${formatDuration(e.durationMs)}`);
        else draw(true);
      } else draw();
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
