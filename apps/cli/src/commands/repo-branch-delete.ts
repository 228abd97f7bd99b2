import { formatRepoId, type RepoType } from "@hfkit/http";
import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples } from "../help.js";
import { REPO_ID_HELP, repoArgument, repoSubgroup, repoTypeOption } from "../repo-command.js";

interface BranchDeleteOptions extends HubCommandOptions {
  repoType?: RepoType;
}

/** `hfkit repo branch delete <id> <branch>`. */
export function registerRepoBranchDeleteCommand(program: Command, context: CliContext): void {
  withHubOptions(
    repoSubgroup(program, "branch", "create and delete branches")
      .command("delete")
      .description("delete a branch")
      .addHelpText("after", examples("hfkit repo branch delete acme/bert dev"))
      .argument("<repo_id>", REPO_ID_HELP)
      .argument("<branch>", "branch to delete")
      .addOption(repoTypeOption()),
  ).action(async (id: string, branch: string, options: BranchDeleteOptions) => {
    const { deleteBranch } = await import("@hfkit/refs");
    const repo = repoArgument(id, options.repoType);
    await deleteBranch(await context.client(options), { repo, branch });
    context.print(
      options.format,
      { repo, branch, deleted: true },
      () => `Deleted branch ${branch} of ${formatRepoId(repo)}`,
      () => branch,
    );
  });
}
