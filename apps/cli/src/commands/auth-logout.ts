import type { Command } from "commander";
import { authGroup, noteEnvironmentToken } from "../auth-command.js";
import { type CliContext, type OutputFormat, withOutputOptions } from "../context.js";
import { examples } from "../help.js";
import { TokenStore } from "../token-store.js";

/** `hfkit auth logout [--token-name N]`, as `hf auth logout`: one saved token, or all of them. */
export function registerAuthLogoutCommand(program: Command, context: CliContext): void {
  withOutputOptions(
    authGroup(program)
      .command("logout")
      .description("forget one saved token (--token-name), or every saved token")
      .option(
        "--token-name <name>",
        "the saved token to forget (see `hfkit auth list`); default: all of them",
      ),
  )
    .addHelpText("after", examples("hfkit auth logout", "hfkit auth logout --token-name ci-read"))
    .action(async (options: { tokenName?: string; format: OutputFormat }) => {
      const store = new TokenStore(context.io.env);
      const { removed, wasActive } = await store.remove(options.tokenName);
      if (options.tokenName !== undefined && !removed) {
        throw new Error(
          `no saved token is named "${options.tokenName}"; \`hfkit auth list\` shows the names`,
        );
      }
      context.print(
        options.format,
        { loggedOut: removed, tokenName: options.tokenName ?? null, wasActive },
        () =>
          !removed
            ? "Not logged in: no token was saved."
            : options.tokenName === undefined
              ? `Logged out: every saved token is forgotten (${store.files.tokenPath}, ${store.files.storedTokensPath}).`
              : `Forgot the token "${options.tokenName}".${wasActive ? " It was the active one: no token is active now (`hfkit auth switch` picks another)." : ""}`,
      );
      noteEnvironmentToken(context, "a saved token");
    });
}
