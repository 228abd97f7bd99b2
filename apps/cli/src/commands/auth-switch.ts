import { InvalidInputError } from "@hfkit/http";
import type { Command } from "commander";
import { authGroup, noteEnvironmentToken } from "../auth-command.js";
import { type CliContext, type OutputFormat, withOutputOptions } from "../context.js";
import { examples } from "../help.js";
import { TokenStore } from "../token-store.js";

/** Asks which saved token to use, by number, on a terminal. */
async function chooseName(context: CliContext, names: string[]): Promise<string> {
  const { io } = context;
  if (names.length === 0) throw new Error("no saved tokens to switch to; run `hfkit auth login` first");
  if (!io.stdin?.isTTY || !io.prompt) {
    throw new InvalidInputError(
      "token-name: no terminal to ask on; pass --token-name (see `hfkit auth list`)",
      {
        field: "token-name",
      },
    );
  }
  context.note(names.map((name, i) => `  ${i + 1}) ${name}`).join("\n"));
  const answer = (await io.prompt(`Switch to which token? [1-${names.length}] `, context.signal)).trim();
  const chosen = names[Number(answer) - 1] ?? names.find((name) => name === answer);
  if (chosen === undefined) {
    throw new InvalidInputError(`token-name: "${answer}" is not one of the numbers or names listed`, {
      field: "token-name",
    });
  }
  return chosen;
}

/** `hfkit auth switch [--token-name N]`, as `hf auth switch`: makes a saved token the active one. */
export function registerAuthSwitchCommand(program: Command, context: CliContext): void {
  withOutputOptions(
    authGroup(program)
      .command("switch")
      .description("make another saved token the active one (asks which on a terminal)")
      .argument("[token_name]", "the saved token to use (same as --token-name)")
      .option("--token-name <name>", "the saved token to use (see `hfkit auth list`)"),
  )
    .addHelpText("after", examples("hfkit auth switch", "hfkit auth switch --token-name ci-write"))
    .action(async (positional: string | undefined, options: { tokenName?: string; format: OutputFormat }) => {
      const store = new TokenStore(context.io.env);
      const tokenName =
        options.tokenName ?? positional ?? (await chooseName(context, [...(await store.stored()).keys()]));
      if (!(await store.switchTo(tokenName))) {
        throw new Error(`no saved token is named "${tokenName}"; \`hfkit auth list\` shows the names`);
      }
      context.print(
        options.format,
        { tokenName, tokenPath: store.files.tokenPath },
        () => `The active token is now "${tokenName}".`,
        () => tokenName,
      );
      noteEnvironmentToken(context, "the token you switched to");
    });
}
