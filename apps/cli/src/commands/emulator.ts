import { readFile, stat } from "node:fs/promises";
// Types only: the emulator (~0.3 s of CPU to load) is imported when the command runs, so that
// other commands such as `datasets push` do not pay for it at start-up.
import type { EmulatorOrg, EmulatorUser, FaultSpec } from "@hfkit/emulator";
import { InvalidInputError } from "@hfkit/http";
import { type Command, InvalidArgumentError } from "commander";
import { type CliContext, checkFolder } from "../context.js";
import { examples, HELP_GROUPS } from "../help.js";

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a non-negative integer");
  return Number(value);
}

const UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Byte sizes: `8388608`, `8MiB`, `16mb`... */
function bytes(value: string): number {
  const match = /^(\d+)\s*(k|m|g|kib|mib|gib)?b?$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError("expected a size in bytes, e.g. 8388608 or 8MiB");
  const size = Number(match[1]) * UNITS[(match[2] ?? "").toLowerCase()]!;
  if (!(size > 0)) throw new InvalidArgumentError("must be positive");
  return size;
}

/** `--token TOKEN[:USER[:read|write]]`, repeatable. */
function token(value: string, previous: EmulatorUser[]): EmulatorUser[] {
  const [tokenValue, user = "local", role = "write", ...rest] = value.split(":");
  if (!tokenValue || rest.length || (role !== "read" && role !== "write") || !user) {
    throw new InvalidArgumentError("expected TOKEN[:USER[:read|write]], e.g. hf_alice:alice:write");
  }
  return [...previous, { token: tokenValue, user, role }];
}

/** `--org NAME:USER,USER`, repeatable. */
function org(value: string, previous: EmulatorOrg[]): EmulatorOrg[] {
  const match = /^([^:\s]+):([^:\s]*)$/.exec(value);
  const members = match?.[2] ? match[2].split(",") : [];
  if (!match || members.some((m) => !m)) {
    throw new InvalidArgumentError("expected NAME:USER,USER, e.g. my-org:alice,bob");
  }
  return [...previous, { name: match[1]!, members }];
}

/** Reads and validates `--faults FILE`; the error names the file, the rule and the field. */
async function faultsFrom(file: string): Promise<FaultSpec[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new Error(`--faults: cannot read ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`--faults: ${file} is not JSON: ${(error as Error).message}`);
  }
  try {
    const { parseFaultRules } = await import("@hfkit/emulator");
    return parseFaultRules(data, file);
  } catch (error) {
    throw new Error(`--faults: ${(error as Error).message}`);
  }
}

/** Reads `--tls-cert` and `--tls-key` (both or neither); the error names the option and the fix. */
async function tlsFrom(options: ServeOptions): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  const { tlsCert, tlsKey } = options;
  if (!tlsCert && !tlsKey) return undefined;
  if (!tlsCert || !tlsKey)
    throw new Error(
      `${tlsCert ? "--tls-key" : "--tls-cert"} is missing: https needs both a certificate (--tls-cert) and its private key (--tls-key), as PEM files`,
    );
  const read = (file: string, option: string) =>
    readFile(file).catch((error: Error) => {
      throw new Error(`${option}: cannot read ${file}: ${error.message}`);
    });
  return { cert: await read(tlsCert, "--tls-cert"), key: await read(tlsKey, "--tls-key") };
}

interface ServeOptions {
  tlsCert?: string;
  tlsKey?: string;
  port: number;
  storagePort: number;
  host: string;
  dir?: string;
  token: EmulatorUser[];
  pageSize?: number;
  chunkSize?: number;
  multipartThreshold?: number;
  xet: boolean;
  org: EmulatorOrg[];
  requestLog?: string;
  faults?: string;
  seed?: string;
}

export function registerEmulatorCommand(program: Command, context: CliContext): void {
  const emulator = program
    .command("emulator")
    .helpGroup(HELP_GROUPS.emulator)
    .description("A Hub-compatible local server for offline work and tests");
  emulator
    .command("serve")
    .description("Serve the emulator until interrupted; prints its base URL on the first line of stdout")
    .addHelpText(
      "after",
      examples(
        "hfkit emulator serve --port 8080 --dir ./hub-data --token hf_ci:ci:write --tls-cert cert.pem --tls-key key.pem",
        "hfkit emulator serve --seed ./fixtures --org acme:ci --request-log requests.jsonl --faults faults.json",
      ),
    )
    .option("--port <n>", "Hub port (0 picks a free one)", integer, 0)
    .option(
      "--storage-port <n>",
      "port of the storage origin for LFS uploads and downloads (0 picks a free one)",
      integer,
      0,
    )
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--dir <path>", "keep repos in this directory (survives restarts); default: in memory")
    .option(
      "--token <TOKEN[:USER[:read|write]]>",
      "accept this token (repeatable); default: any hf_ token is the write user 'local'",
      token,
      [] as EmulatorUser[],
    )
    .option("--page-size <n>", "page size of every listing", integer)
    .option("--chunk-size <bytes>", "LFS multipart part size (e.g. 16MiB)", bytes)
    .option(
      "--multipart-threshold <bytes>",
      "objects at least this big get a multipart upload (e.g. 32MiB)",
      bytes,
    )
    .option(
      "--no-xet",
      "serve the LFS protocol only: no Xet token exchange, CAS or transfer: xet (clients must not need Xet)",
    )
    .option(
      "--org <NAME:USER,USER>",
      "an organization and its members (repeatable); members may write in its namespace",
      org,
      [] as EmulatorOrg[],
    )
    .option(
      "--request-log <file>",
      "append one JSON line per request (method, path, status, bytes, authorization sent or not, user agent; never a token)",
    )
    .option(
      "--faults <file>",
      'inject faults from a JSON file: [{"path"|"pathRegex", "method"?, "status"?, "times"?, "headers"?, "latencyMs"?, "reset"?}]',
    )
    .option(
      "--tls-cert <file>",
      "serve both origins over https with this PEM certificate (it must name 127.0.0.1 and localhost; clients trust it through NODE_EXTRA_CA_CERTS, or SSL_CERT_FILE for Python)",
    )
    .option("--tls-key <file>", "the PEM private key of --tls-cert")
    .option(
      "--seed <dir>",
      "start with the repos of a folder: DIR/{models,datasets,spaces}/NAMESPACE/NAME/files (repos already stored are kept)",
    )
    .action(async (options: ServeOptions, command: Command) => {
      // A bad rules file is a usage error (exit 2), reported before anything listens.
      const faults = options.faults
        ? await faultsFrom(options.faults).catch((error: Error) =>
            command.error(`error: ${error.message}`, { exitCode: 2, code: "hfkit.invalidFaults" }),
          )
        : [];
      const tls = await tlsFrom(options).catch((error: Error) =>
        command.error(`error: ${error.message}`, { exitCode: 2, code: "hfkit.invalidTls" }),
      );
      await checkFolder(options.dir, "--dir");
      if (options.seed !== undefined && !(await stat(options.seed).catch(() => undefined))?.isDirectory()) {
        throw new InvalidInputError(
          `--seed: ${options.seed} is not a folder; give one laid out as DIR/{models,datasets,spaces}/NAMESPACE/NAME/files.`,
          { field: "seed" },
        );
      }
      const { startEmulatorServer } = await import("@hfkit/emulator");
      const server = await startEmulatorServer({
        port: options.port,
        storagePort: options.storagePort,
        host: options.host,
        ...(options.dir ? { storage: { dir: options.dir } } : {}),
        ...(options.token.length ? { users: options.token } : {}),
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
        ...(options.chunkSize ? { multipartChunkSize: options.chunkSize } : {}),
        ...(options.multipartThreshold ? { multipartThreshold: options.multipartThreshold } : {}),
        xet: options.xet,
        ...(options.org.length ? { orgs: options.org } : {}),
        ...(options.requestLog ? { requestLogFile: options.requestLog } : {}),
        ...(options.seed ? { seed: options.seed } : {}),
        ...(tls ? { tls } : {}),
        admin: true,
      });
      for (const fault of faults) server.emulator.faults.inject(fault);
      context.io.stdout.write(`${server.url}\n`);
      context.note(`hfkit emulator: Hub at ${server.url}, storage at ${server.storageUrl}`);
      context.note(`storage: ${options.dir ?? "in memory (lost on exit)"}`);
      context.note(options.xet ? "Xet: on (CAS on the storage origin)" : "Xet: off (--no-xet), LFS only");
      context.note(
        options.token.length
          ? `accepting ${options.token.length} configured token(s)`
          : "any hf_ token is accepted as the write user 'local'",
      );
      if (options.org.length)
        context.note(
          `organizations: ${options.org.map((o) => `${o.name} (${o.members.join(", ")})`).join("; ")}`,
        );
      if (options.seed) context.note(`seeded from ${options.seed}`);
      if (tls)
        context.note(
          `https with ${options.tlsCert}: clients trust it with NODE_EXTRA_CA_CERTS=${options.tlsCert} (Node) or SSL_CERT_FILE=${options.tlsCert} (Python huggingface_hub)`,
        );
      if (faults.length) context.note(`${faults.length} fault rule(s) armed from ${options.faults}`);
      if (options.requestLog) context.note(`request log: ${options.requestLog}`);
      context.note(`admin (loopback only): ${server.url}/_emulator/requests, ${server.url}/_emulator/faults`);
      context.note(`use it with HF_ENDPOINT=${server.url}; stop with Ctrl-C`);
      // Serves until the run is interrupted (Ctrl-C, SIGTERM): for this command that is the normal end.
      await new Promise<void>((resolve) => {
        if (context.signal.aborted) resolve();
        else context.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      await server.close();
      context.note("hfkit emulator: stopped");
    });
}
