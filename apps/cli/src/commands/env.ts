import { readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { redactUrl } from "@hfkit/http";
import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples, HELP_GROUPS } from "../help.js";
import { TokenStore } from "../token-store.js";
import { VERSION } from "../version.js";

/** The hfkit libraries this CLI runs on, with their installed versions (what bug reports need). */
const LIBRARIES = [
  "@hfkit/http",
  "@hfkit/repo",
  "@hfkit/refs",
  "@hfkit/commit",
  "@hfkit/cards",
  "@hfkit/emulator",
];

function libraryVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  return Object.fromEntries(
    LIBRARIES.map((name) => {
      try {
        return [name, (require(`${name}/package.json`) as { version: string }).version];
      } catch {
        return [name, "not found"];
      }
    }),
  );
}

/** A proxy URL for display, its user and password hidden; a value that is no URL is not shown. */
function safeProxy(value: string): string {
  return URL.canParse(value) ? redactUrl(value) : "(set, but not a URL: not shown)";
}

/** How many repos the download cache holds (`models--*`, `datasets--*`, `spaces--*`), or null without one. */
async function cachedRepos(hubCache: string): Promise<number | null> {
  try {
    return (await readdir(hubCache)).filter((name) => /^(models|datasets|spaces)--/.test(name)).length;
  } catch {
    return null;
  }
}

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
    const store = new TokenStore(context.io.env);
    const info = {
      hfkitVersion: VERSION,
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      endpoint: context.isLocal(options) ? "local" : client.endpoint,
      localHub: (await context.localHubDir()) ?? null,
      // On the local hub the CLI signs in as its user `local` unless --token is given: no token
      // of the user's is involved, so "option" (the token the CLI passed itself) would mislead.
      tokenSource:
        context.isLocal(options) && options.token === undefined ? "localHub" : await client.tokenOrigin(),
      hfHome: environment.hfHome,
      tokenPath: environment.tokenPath,
      hubCache: environment.hubCache,
      offline: environment.offline,
      proxy: {
        // A proxy URL may carry a user and password: they are blanked like tokens.
        http: environment.proxy.http ? safeProxy(environment.proxy.http) : null,
        https: environment.proxy.https ? safeProxy(environment.proxy.https) : null,
        noProxy: environment.proxy.noProxy || null,
      },
      // The token's name in stored_tokens (as `hf auth list` shows it), never the token.
      activeTokenName: (await store.nameOf(await store.active())) ?? null,
      savedTokens: (await store.stored()).size,
      // Same variables, same layout as Python's huggingface_hub: a repo either one downloaded
      // is served to the other from here.
      cachedRepos: await cachedRepos(environment.hubCache),
      // Uploads and downloads go through Xet where the Hub offers it, unless HF_HUB_DISABLE_XET.
      xet: !environment.disableXet,
      packages: libraryVersions(),
    };
    context.print(
      options.format,
      info,
      () =>
        [
          `hfkit ${info.hfkitVersion} (node ${info.node}, ${info.platform})`,
          `endpoint:   ${info.localHub ? `local (embedded hub in ${info.localHub})` : info.endpoint}`,
          `token:      ${info.tokenSource === "none" ? "none" : info.tokenSource === "localHub" ? "none needed: the local hub's user 'local' (your Hub token is not used)" : `from ${info.tokenSource}`}`,
          `HF_HOME:    ${info.hfHome}`,
          `token file: ${info.tokenPath}`,
          `saved:      ${info.savedTokens} token${info.savedTokens === 1 ? "" : "s"}${info.activeTokenName ? `, active: ${info.activeTokenName}` : ""}`,
          `hub cache:  ${info.hubCache} (${info.cachedRepos === null ? "not created yet" : `${info.cachedRepos} repo${info.cachedRepos === 1 ? "" : "s"}`}; shared with Python's huggingface_hub)`,
          `offline:    ${info.offline ? "yes" : "no"}`,
          `proxy:      ${[info.proxy.https && `https ${info.proxy.https}`, info.proxy.http && `http ${info.proxy.http}`, info.proxy.noProxy && `no_proxy ${info.proxy.noProxy}`].filter(Boolean).join(", ") || "none"}`,
          `xet:        ${info.xet ? "on where the Hub offers it (else Git LFS)" : "off: HF_HUB_DISABLE_XET (transfers use Git LFS)"}`,
          `packages:   ${Object.entries(info.packages)
            .map(([name, version]) => `${name} ${version}`)
            .join(", ")}`,
        ].join("\n"),
      () => info.endpoint,
    );
  });
}
