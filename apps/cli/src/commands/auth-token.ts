import { readHubEnvironment } from "@hfkit/http";
import type { Command } from "commander";
import { authGroup } from "../auth-command.js";
import type { CliContext } from "../context.js";
import { examples } from "../help.js";
import { TokenStore } from "../token-store.js";

/**
 * `hfkit auth token`, as `hf auth token`: the one command that prints a token, because the
 * user asked for it by name. It has no --format: a token never goes into a JSON document.
 */
export function registerAuthTokenCommand(program: Command, context: CliContext): void {
  authGroup(program)
    .command("token")
    .description("print the active token (HF_TOKEN, else the saved one) on stdout, for other tools")
    .addHelpText(
      "after",
      examples(
        "hfkit auth token",
        'curl -H "Authorization: Bearer $(hfkit auth token)" https://huggingface.co/api/whoami-v2',
      ),
    )
    .action(async () => {
      const token =
        readHubEnvironment(context.io.env).envToken?.value ?? (await new TokenStore(context.io.env).active());
      if (token === undefined) throw new Error("not logged in; run `hfkit auth login` first");
      context.io.stdout.write(`${token}\n`);
    });
}
