import { formatRepoId, type RepoType } from "@hfkit/http";
import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples } from "../help.js";
import { repoArgument, repoGroup, repoTypeOption } from "../repo-command.js";

interface MoveOptions extends HubCommandOptions {
  repoType?: RepoType;
}

/** `hfkit repo move <from> <to>`: rename a repo or transfer it to another namespace. */
export function registerRepoMoveCommand(program: Command, context: CliContext): void {
  withHubOptions(
    repoGroup(program)
      .command("move")
      .description("rename a repo or move it to another namespace")
      .addHelpText(
        "after",
        examples(
          "hfkit repo move acme/bert acme/bert-base",
          "hfkit repo move datasets/me/reviews datasets/acme/reviews",
        ),
      )
      .argument("<from>", 'current id, e.g. "datasets/me/draft"')
      .argument("<to>", 'new "namespace/name"')
      .addOption(repoTypeOption()),
  ).action(async (from: string, to: string, options: MoveOptions) => {
    const { moveRepo } = await import("@hfkit/repo");
    const repo = repoArgument(from, options.repoType, "from");
    const result = await moveRepo(await context.client(options), {
      repo,
      to: to.replace(/^(datasets|spaces|models)\//, ""),
    });
    context.print(
      options.format,
      { repo, to: formatRepoId(result.repo), url: result.url },
      () => `Moved ${formatRepoId(repo)} to ${result.url}`,
    );
  });
}
