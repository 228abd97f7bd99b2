import { stat } from "node:fs/promises";
import { createHubClient, formatRepoId, type HubClient, InvalidInputError, type RepoId } from "@hfkit/http";
import { type Command, Option } from "commander";
import type { CliIO } from "./io.js";
import { LOCAL_ENDPOINT, LOCAL_TOKEN, LocalHub, localHubDir } from "./local-hub.js";

/** `quiet`: only the result a script wants (a URL, a path, one id per line), no notes. */
export type OutputFormat = "human" | "json" | "quiet";

/** Options every Hub command takes. */
export interface HubCommandOptions {
  token?: string;
  endpoint?: string;
  format: OutputFormat;
}

/**
 * What a command prints with `--format json`: one JSON object (never a bare list), with `repo`
 * first wherever a repo is involved, as the `datasets/owner/name` form that every command
 * accepts back. The scripting contract in the CLI's README describes it.
 */
export interface JsonEnvelope {
  repo?: RepoId;
  [field: string]: unknown;
}

/** A folder option that names a file is refused before any request. */
export async function checkFolder(value: string | undefined, field: string): Promise<void> {
  if (value !== undefined && (await stat(value).catch(() => undefined))?.isDirectory() === false) {
    throw new InvalidInputError(`${field}: ${value} is a file; give a folder.`, {
      field,
    });
  }
}

/** A count option (`--num-shards`, `--max-workers`…): a whole number of at least 1, else bad usage naming `field`. */
export function positiveInt(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidInputError(`${field}: give a whole number of at least 1, not "${value}".`, { field });
  }
  return n;
}

/** Option parser for a repeatable flag (`--include a --include b`): collects the values. */
export const repeatable = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

/** Adds `--token`, `--endpoint` and the output options to a command. */
export function withHubOptions(command: Command): Command {
  return withOutputOptions(
    command
      .option("--token <token>", "Hub access token (default: HF_TOKEN, then the saved token file)")
      .option(
        "--endpoint <url>",
        'Hub endpoint, or "local" for the embedded local hub (default: HF_ENDPOINT, then https://huggingface.co)',
      ),
  );
}

/**
 * `--format human|json|quiet`, `-q, --quiet` and (hidden) `--json`, as Python's `hf` spells
 * them; for commands that take no Hub options (`card set`) too.
 */
export function withOutputOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--format <format>", "output format: human, json (one JSON object) or quiet")
        .choices(["human", "json", "quiet"])
        .default("human"),
    )
    .addOption(
      new Option("-q, --quiet", "print only the result: a URL, a path, or one id per line").implies({
        format: "quiet",
      }),
    )
    .addOption(new Option("--json", "same as --format json").implies({ format: "json" }).hideHelp());
}

/** The one line (or lines) `--quiet` prints when a command does not say otherwise. */
function essentialResult(envelope: JsonEnvelope): string {
  for (const key of ["pullRequestUrl", "commitUrl", "url", "path"]) {
    if (typeof envelope[key] === "string" && envelope[key]) return envelope[key];
  }
  return envelope.repo ? formatRepoId(envelope.repo) : "";
}

/**
 * What one run of `hfkit` shares with its command: the IO, the signal that Ctrl-C aborts
 * (owned by `main`), the Hub clients it made and the local hub it opened. Built per run.
 */
export class CliContext {
  private localHub: Promise<LocalHub> | undefined;
  private readonly clients: HubClient[] = [];

  constructor(
    readonly io: CliIO,
    /** Aborted on Ctrl-C or SIGTERM: every request, wait and long operation of the command stops. */
    readonly signal: AbortSignal = new AbortController().signal,
  ) {}

  /** True when the command targets the embedded local hub (`--endpoint local` or `HF_ENDPOINT=local`). */
  isLocal(options: Pick<HubCommandOptions, "endpoint">): boolean {
    return (options.endpoint ?? this.io.env.HF_ENDPOINT?.trim()) === LOCAL_ENDPOINT;
  }

  /**
   * A Hub client for a command's options, whose every request stops when the run is
   * interrupted. For the local hub, first waits (abortably) for another hfkit to release it.
   * The token is never printed.
   */
  async client(options: Pick<HubCommandOptions, "token" | "endpoint">): Promise<HubClient> {
    const common = { userAgent: "hfkit-cli", signal: this.signal };
    let client: HubClient;
    if (this.isLocal(options)) {
      // Runs in this process on a folder; the user's real Hub token is never handed to it.
      this.localHub ??= LocalHub.open(localHubDir(this.io.env), {
        signal: this.signal,
        onWait: (holder) =>
          this.note(
            `The local hub is in use by another hfkit process${holder.pid ? ` (pid ${holder.pid})` : ""}; waiting for it (Ctrl-C to stop).`,
          ),
      });
      const { emulator } = await this.localHub;
      client = createHubClient({
        ...common,
        env: { ...this.io.env, HF_ENDPOINT: undefined },
        endpoint: emulator.baseUrl,
        fetch: emulator.fetch,
        token: options.token ?? LOCAL_TOKEN,
      });
    } else {
      client = createHubClient({
        ...common,
        env: this.io.env,
        ...(options.token !== undefined ? { token: options.token } : {}),
        ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      });
    }
    this.clients.push(client);
    return client;
  }

  /** The local hub's folder, when this command opened it. */
  async localHubDir(): Promise<string | undefined> {
    return (await this.localHub?.catch(() => undefined))?.dir;
  }

  /** Releases what the command held: its clients' connections and the local hub's lock. */
  async dispose(): Promise<void> {
    const hub = this.localHub;
    this.localHub = undefined;
    await Promise.all(this.clients.splice(0).map((client) => client.close()));
    await (await hub?.catch(() => undefined))?.release();
  }

  /**
   * Prints a result: with `--format json`, the envelope as one JSON document on stdout (its
   * `repo` in the `datasets/owner/name` form); with `--quiet`, only the essential result
   * (`quiet`, by default the envelope's pull request or commit URL, URL, path or repo); else the
   * human text.
   */
  print(
    format: OutputFormat,
    envelope: JsonEnvelope,
    human: () => string,
    quiet: () => string | readonly string[] = () => essentialResult(envelope),
  ): void {
    if (format === "quiet") {
      const result = quiet();
      const lines = (typeof result === "string" ? [result] : result).filter((line) => line !== "");
      if (lines.length > 0) this.io.stdout.write(`${lines.join("\n")}\n`);
    } else if (format === "json") {
      const { repo, ...fields } = envelope;
      const document = repo === undefined ? fields : { repo: formatRepoId(repo), ...fields };
      this.io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    } else {
      const text = human();
      if (text) this.io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    }
  }

  /** Set from the command's options before it runs: `--quiet` silences notes and progress. */
  quiet = false;

  /** `--log-format`, set before the command runs: `json` makes progress and notes JSON lines too. */
  logFormat: "human" | "json" = "human";

  /** Set while progress is drawn (observe.ts): notes go through it, above the bars. */
  progressNote: ((text: string) => void) | undefined;

  /** Progress and notes go to stderr, so stdout stays parseable; `--quiet` drops them. */
  note(text: string): void {
    if (this.quiet) return;
    if (this.progressNote) this.progressNote(text);
    else if (this.logFormat === "json") {
      // As the JSON progress renderer writes its notes: stderr stays one JSON object per line.
      this.io.stderr.write(
        `${JSON.stringify({ time: new Date().toISOString(), type: "note", message: text })}\n`,
      );
    } else this.io.stderr.write(`${text}\n`);
  }

  /** Where progress is drawn: stderr, or nowhere under `--quiet`. */
  get progressStream(): CliIO["stderr"] {
    return this.quiet ? { write: () => true, isTTY: false } : this.io.stderr;
  }
}
