import { whoami } from "@hfkit/repo";
import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";

/** `hfkit whoami`: the account behind the token, its organizations and the token's role. */
export function registerWhoamiCommand(program: Command, context: CliContext): void {
  withHubOptions(program.command("whoami").description("show which account the token belongs to")).action(
    async (options: HubCommandOptions) => {
      const me = await whoami(await context.client(options));
      context.print(options.format, { ...me }, () =>
        [
          me.name,
          ...(me.orgs.length ? [`orgs:  ${me.orgs.map((o) => o.name).join(", ")}`] : []),
          ...(me.auth?.role ? [`token: ${me.auth.tokenName ?? "(unnamed)"} (${me.auth.role})`] : []),
        ].join("\n"),
      );
    },
  );
}
