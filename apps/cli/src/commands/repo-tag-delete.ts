import { formatRepoId, type RepoType } from "@hfkit/http";
import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples } from "../help.js";
import { REPO_ID_HELP, repoArgument, repoSubgroup, repoTypeOption } from "../repo-command.js";

interface TagDeleteOptions extends HubCommandOptions {
  repoType?: RepoType;
}

/** `hfkit repo tag delete <id> <tag>`. */
export function registerRepoTagDeleteCommand(program: Command, context: CliContext): void {
  withHubOptions(
    repoSubgroup(program, "tag", "create, list and delete tags")
      .command("delete")
      .description("delete a tag")
      .addHelpText("after", examples("hfkit repo tag delete acme/bert v1.0"))
      .argument("<repo_id>", REPO_ID_HELP)
      .argument("<tag>", "tag to delete")
      .addOption(repoTypeOption()),
  ).action(async (id: string, tag: string, options: TagDeleteOptions) => {
    const { deleteTag } = await import("@hfkit/refs");
    const repo = repoArgument(id, options.repoType);
    await deleteTag(await context.client(options), { repo, tag });
    context.print(
      options.format,
      { repo, tag, deleted: true },
      () => `Deleted tag ${tag} of ${formatRepoId(repo)}`,
      () => tag,
    );
  });
}
