import { cleanToken, readHubEnvironment } from "@hfkit/http";
import type { Command } from "commander";
import { authGroup } from "../auth-command.js";
import { type CliContext, type OutputFormat, withOutputOptions } from "../context.js";
import { examples } from "../help.js";
import { maskToken, TokenStore } from "../token-store.js";

/** `hfkit auth list`, as `hf auth list`: the saved tokens by name, the active one starred. */
export function registerAuthListCommand(program: Command, context: CliContext): void {
  withOutputOptions(
    authGroup(program)
      .command("list")
      .alias("ls")
      .description("list the saved tokens by name; * marks the active one (never shows a whole token)"),
  )
    .addHelpText("after", examples("hfkit auth list", "hfkit auth list --format json"))
    .action(async (options: { format: OutputFormat }) => {
      const store = new TokenStore(context.io.env);
      const environment = readHubEnvironment(context.io.env).envToken;
      // As Python's get_token: HF_TOKEN wins over the token file.
      const current = environment?.value ?? (await store.active());
      const stored = [...(await store.stored())].map(([name, fields]) => ({
        name,
        token: cleanToken(fields.hf_token),
      }));
      const tokens = stored.map(({ name, token }) => ({
        name,
        active: token !== undefined && token === current,
      }));
      const activeSource = environment ? environment.source : current !== undefined ? "tokenFile" : "none";
      context.print(
        options.format,
        { tokens, activeSource },
        () =>
          stored.length === 0
            ? "No saved tokens."
            : [
                ...stored.map(
                  ({ name, token }, i) =>
                    `${tokens[i]!.active ? "*" : " "} ${name.padEnd(Math.max(...stored.map((s) => s.name.length)))}  ${token ? maskToken(token) : "<not set>"}`,
                ),
              ].join("\n"),
        () => stored.map(({ name }) => name),
      );
      if (environment) {
        context.note(`Note: ${environment.source} is set and is the active token, whatever is saved.`);
      } else if (stored.length > 0 && !tokens.some((t) => t.active)) {
        context.note(
          "Note: no saved token is active; `hfkit auth switch` picks one, `hfkit auth login` adds one.",
        );
      }
    });
}
