import { InvalidInputError, readHubEnvironment, UnauthorizedError } from "@hfkit/http";
import type { Command } from "commander";
import { authGroup, noteEnvironmentToken } from "../auth-command.js";
import { type CliContext, type OutputFormat, withOutputOptions } from "../context.js";
import { examples } from "../help.js";
import { TokenStore } from "../token-store.js";

interface LoginOptions {
  token?: string;
  endpoint?: string;
  force?: boolean;
  format: OutputFormat;
}

/** The token to log in with: `--token`, else asked on a terminal (hidden), else one line of stdin. */
async function tokenToSave(
  context: CliContext,
  options: LoginOptions,
  store: TokenStore,
  settingsUrl: string,
): Promise<string | undefined> {
  if (options.token !== undefined) return options.token;
  const { io } = context;
  if (io.stdin?.isTTY && io.promptSecret) {
    if (!options.force && (await store.active()) !== undefined) return undefined;
    context.note(`Paste a token from ${settingsUrl} (what you type is not shown).`);
    return io.promptSecret("Token: ", context.signal);
  }
  if (io.readStdin) {
    const lines = (await io.readStdin(context.signal))
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean);
    if (lines.length > 1) {
      throw new InvalidInputError("token: stdin holds several lines; pipe exactly one token", {
        field: "token",
      });
    }
    return lines[0] ?? "";
  }
  throw new InvalidInputError("token: no terminal to ask on; pass --token or pipe the token on stdin", {
    field: "token",
  });
}

/**
 * `hfkit auth login`, as `hf auth login`: checks the token with whoami, then saves it where
 * Python keeps it (the token file and `stored_tokens`), so `hf` and hfkit share the login.
 */
export function registerAuthLoginCommand(program: Command, context: CliContext): void {
  withOutputOptions(
    authGroup(program)
      .command("login")
      .description("log in: check a token with the Hub and save it where Python's hf keeps it")
      .option("--token <token>", "the token to save (default: asked on a terminal, else read from stdin)")
      .option("--force", "ask for a token even if one is already saved")
      .option(
        "--endpoint <url>",
        "Hub to check the token with (default: HF_ENDPOINT, then https://huggingface.co)",
      ),
  )
    .addHelpText("after", examples("hfkit auth login", "printenv HF_WRITE_TOKEN | hfkit auth login"))
    .action(async (options: LoginOptions) => {
      const { whoami } = await import("@hfkit/repo");
      if (context.isLocal(options)) {
        throw new InvalidInputError(
          'endpoint: the local hub needs no login; commands with --endpoint local run as the user "local"',
          { field: "endpoint" },
        );
      }
      const store = new TokenStore(context.io.env);
      const endpoint = (options.endpoint ?? readHubEnvironment(context.io.env).endpoint).replace(/\/+$/, "");
      const raw = await tokenToSave(context, options, store, `${endpoint}/settings/tokens`);
      if (raw === undefined) {
        context.note("A token is already saved; run `hfkit auth login --force` to replace it.");
        context.print(
          options.format,
          { saved: false, tokenPath: store.files.tokenPath },
          () => "Already logged in.",
          () => [],
        );
        return;
      }
      const token = raw.replace(/[\r\n]/g, "").trim();
      if (!token) throw new InvalidInputError("token: the token is empty", { field: "token" });
      if (token.startsWith("api_org")) {
        // As huggingface_hub's login: organization API tokens cannot act as a user.
        throw new InvalidInputError(
          `token: organization tokens (api_org_…) cannot log in; create a personal token at ${endpoint}/settings/tokens`,
          { field: "token" },
        );
      }
      let me: Awaited<ReturnType<typeof whoami>>;
      try {
        me = await whoami(
          await context.client({ token, ...(options.endpoint ? { endpoint: options.endpoint } : {}) }),
          {
            signal: context.signal,
          },
        );
      } catch (error) {
        if (UnauthorizedError.isInstance(error)) {
          throw new Error(
            `${endpoint} refused this token (401), so it was not saved; check it at ${endpoint}/settings/tokens`,
          );
        }
        throw error;
      }
      // Python names the saved token after its display name, or `oauth-<user>` when it has none.
      const tokenName = me.auth?.tokenName ?? `oauth-${me.name}`;
      await store.save(tokenName, token);
      context.print(
        options.format,
        {
          saved: true,
          user: me.name,
          tokenName,
          role: me.auth?.role ?? null,
          tokenPath: store.files.tokenPath,
        },
        () =>
          `Logged in as ${me.name}. The token "${tokenName}"${me.auth?.role ? ` (${me.auth.role})` : ""} is saved in ${store.files.tokenPath} and is now the active one.`,
        () => me.name,
      );
      noteEnvironmentToken(context, "the token you just saved");
    });
}
