import { formatRepoId, InvalidInputError, type RepoType } from "@hfkit/http";
import type { GatedMode } from "@hfkit/repo";
import { type Command, Option } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples } from "../help.js";
import { REPO_ID_HELP, repoArgument, repoGroup, repoTypeOption } from "../repo-command.js";

interface SettingsOptions extends HubCommandOptions {
  repoType?: RepoType;
  private?: boolean;
  public?: boolean;
  gated?: "auto" | "manual" | "false";
  discussions?: boolean;
}

/** `hfkit repo settings <id>`: visibility, gating, discussions. */
export function registerRepoSettingsCommand(program: Command, context: CliContext): void {
  withHubOptions(
    repoGroup(program)
      .command("settings")
      .description("change a repo's visibility, gating or discussions")
      .addHelpText(
        "after",
        examples(
          "hfkit repo settings acme/bert --private",
          "hfkit repo settings datasets/acme/reviews --gated manual --no-discussions",
        ),
      )
      .argument("<repo_id>", REPO_ID_HELP)
      .addOption(repoTypeOption())
      .addOption(new Option("--private", "make the repo private").conflicts("public"))
      .option("--public", "make the repo public")
      .addOption(
        new Option("--gated <mode>", "ask users to request access").choices(["auto", "manual", "false"]),
      )
      .option("--discussions", "turn the Community tab on")
      .option("--no-discussions", "turn the Community tab off"),
  ).action(async (id: string, options: SettingsOptions) => {
    const { updateRepoSettings } = await import("@hfkit/repo");
    const repo = repoArgument(id, options.repoType);
    const gated: GatedMode | undefined =
      options.gated === undefined ? undefined : options.gated === "false" ? false : options.gated;
    const change = {
      ...(options.private || options.public ? { private: Boolean(options.private) } : {}),
      ...(gated !== undefined ? { gated } : {}),
      ...(options.discussions !== undefined ? { discussionsDisabled: !options.discussions } : {}),
    };
    if (Object.keys(change).length === 0) {
      throw new InvalidInputError("settings: pass --private, --public, --gated or --[no-]discussions.", {
        field: "settings",
      });
    }
    const result = await updateRepoSettings(await context.client(options), { repo, ...change });
    context.print(options.format, { repo, ...result }, () =>
      [
        `Updated ${formatRepoId(repo)}`,
        ...Object.entries(result).map(([key, value]) => `  ${key}: ${String(value)}`),
      ].join("\n"),
    );
  });
}
