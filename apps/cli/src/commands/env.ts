import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples, HELP_GROUPS } from "../help.js";
import { VERSION } from "../version.js";

/** `hfkit env`: what hfkit will talk to and with which settings (never the token itself). */
export function registerEnvCommand(program: Command, context: CliContext): void {
  withHubOptions(
    program
      .command("env")
      .helpGroup(HELP_GROUPS.other)
      .description("show the endpoint, token source, cache folders and versions hfkit uses")
      .addHelpText("after", examples("hfkit env", "hfkit env --format json")),
  ).action(async (options: HubCommandOptions) => {
    const client = await context.client(options);
    const { environment } = client;
    const info = {
      hfkitVersion: VERSION,
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      endpoint: context.isLocal(options) ? "local" : client.endpoint,
      localHub: (await context.localHubDir()) ?? null,
      tokenSource: await client.tokenOrigin(),
      hfHome: environment.hfHome,
      tokenPath: environment.tokenPath,
      hubCache: environment.hubCache,
      offline: environment.offline,
      proxy: {
        http: environment.proxy.http ? client.redact(environment.proxy.http) : null,
        https: environment.proxy.https ? client.redact(environment.proxy.https) : null,
        noProxy: environment.proxy.noProxy || null,
      },
    };
    context.print(
      options.format,
      info,
      () =>
        [
          `hfkit ${info.hfkitVersion} (node ${info.node}, ${info.platform})`,
          `endpoint:   ${info.localHub ? `local (embedded hub in ${info.localHub})` : info.endpoint}`,
          `token:      ${info.tokenSource === "none" ? "none" : `from ${info.tokenSource}`}`,
          `HF_HOME:    ${info.hfHome}`,
          `token file: ${info.tokenPath}`,
          `hub cache:  ${info.hubCache}`,
          `offline:    ${info.offline ? "yes" : "no"}`,
        ].join("\n"),
      () => info.endpoint,
    );
  });
}
