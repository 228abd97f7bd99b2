import { formatRepoId, type RepoType } from "@hfkit/http";
import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples } from "../help.js";
import { REPO_ID_HELP, repoArgument, repoSubgroup, repoTypeOption } from "../repo-command.js";

interface BranchCreateOptions extends HubCommandOptions {
  repoType?: RepoType;
  revision?: string;
  existOk?: boolean;
}

/** `hfkit repo branch create <id> <branch>`. */
export function registerRepoBranchCreateCommand(program: Command, context: CliContext): void {
  withHubOptions(
    repoSubgroup(program, "branch", "create and delete branches")
      .command("create")
      .description("create a branch from a revision")
      .addHelpText(
        "after",
        examples(
          "hfkit repo branch create acme/bert dev",
          "hfkit repo branch create datasets/acme/reviews fix-labels --revision v1.0",
        ),
      )
      .argument("<repo_id>", REPO_ID_HELP)
      .argument("<branch>", "name of the new branch")
      .addOption(repoTypeOption())
      .option("--revision <rev>", "branch, tag or commit to start from (default: main)")
      .option("--exist-ok", "succeed if the branch already exists"),
  ).action(async (id: string, branch: string, options: BranchCreateOptions) => {
    const { createBranch } = await import("@hfkit/refs");
    const repo = repoArgument(id, options.repoType);
    const { created } = await createBranch(await context.client(options), {
      repo,
      branch,
      ...(options.revision ? { revision: options.revision } : {}),
      existOk: options.existOk ?? false,
    });
    context.print(
      options.format,
      { repo, branch, created },
      () =>
        created
          ? `Created branch ${branch} on ${formatRepoId(repo)}`
          : `Branch ${branch} already exists on ${formatRepoId(repo)}`,
      () => branch,
    );
  });
}
