import { createHubClient, formatRepoId, type HubClient, type RepoId } from "@hfkit/http";
import { type Command, Option } from "commander";
import type { CliIO } from "./io.js";
import { LOCAL_ENDPOINT, LOCAL_TOKEN, LocalHub, localHubDir } from "./local-hub.js";

export type OutputFormat = "human" | "json";

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

/** Option parser for a repeatable flag (`--include a --include b`): collects the values. */
export const repeatable = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

/** Adds `--token`, `--endpoint` and `--format` to a command. */
export function withHubOptions(command: Command): Command {
  return command
    .option("--token <token>", "Hub access token (default: HF_TOKEN, then the saved token file)")
    .option(
      "--endpoint <url>",
      'Hub endpoint, or "local" for the embedded local hub (default: HF_ENDPOINT, then https://huggingface.co)',
    )
    .addOption(formatOption());
}

/** `--format human|json`, for commands that take no Hub options (`card set`). */
export const formatOption = () =>
  new Option("--format <format>", "output format").choices(["human", "json"]).default("human");

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
   * `repo` in the `datasets/owner/name` form); else the human text.
   */
  print(format: OutputFormat, envelope: JsonEnvelope, human: () => string): void {
    if (format === "json") {
      const { repo, ...fields } = envelope;
      const document = repo === undefined ? fields : { repo: formatRepoId(repo), ...fields };
      this.io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    } else {
      const text = human();
      if (text) this.io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    }
  }

  /** Progress and notes go to stderr, so stdout stays parseable. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }
}
