import type { Command } from "commander";
import { authGroup } from "../auth-command.js";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples } from "../help.js";

function addWhoami(parent: Command, context: CliContext, hidden: boolean): void {
  withHubOptions(parent.command("whoami", { hidden }).description("show which account the token belongs to"))
    .addHelpText("after", examples("hfkit auth whoami", "hfkit auth whoami --format json"))
    .action(async (options: HubCommandOptions) => {
      const { whoami } = await import("@hfkit/repo");
      const me = await whoami(await context.client(options));
      context.print(
        options.format,
        { ...me },
        () =>
          [
            me.name,
            ...(me.orgs.length ? [`orgs:  ${me.orgs.map((o) => o.name).join(", ")}`] : []),
            ...(me.auth?.role ? [`token: ${me.auth.tokenName ?? "(unnamed)"} (${me.auth.role})`] : []),
          ].join("\n"),
        () => me.name,
      );
    });
}

/**
 * `hfkit auth whoami`: the account behind the token, its organizations and the token's role.
 * `hfkit whoami` stays as a hidden alias, for the scripts that use it.
 */
export function registerWhoamiCommand(program: Command, context: CliContext): void {
  addWhoami(authGroup(program), context, false);
  addWhoami(program, context, true);
}
