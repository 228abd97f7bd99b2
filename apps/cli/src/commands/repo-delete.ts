import { formatRepoId, type RepoType } from "@hfkit/http";
import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples } from "../help.js";
import { confirm, REPO_ID_HELP, repoArgument, repoGroup, repoTypeOption } from "../repo-command.js";

interface DeleteOptions extends HubCommandOptions {
  repoType?: RepoType;
  yes?: boolean;
  missingOk?: boolean;
}

/** `hfkit repo delete <id>`: asks first on a terminal; `--yes` for scripts. */
export function registerRepoDeleteCommand(program: Command, context: CliContext): void {
  withHubOptions(
    repoGroup(program)
      .command("delete")
      .description("delete a repo and all its files (asks first)")
      .addHelpText(
        "after",
        examples(
          "hfkit repo delete acme/old-bert",
          "hfkit repo delete datasets/acme/scratch --yes --missing-ok",
        ),
      )
      .argument("<repo_id>", REPO_ID_HELP)
      .addOption(repoTypeOption())
      .option("-y, --yes", "do not ask for confirmation")
      .option("--missing-ok", "succeed if the repo does not exist"),
  ).action(async (id: string, options: DeleteOptions) => {
    const { deleteRepo } = await import("@hfkit/repo");
    const repo = repoArgument(id, options.repoType);
    const label = formatRepoId(repo);
    if (!(await confirm(context, `Delete ${label} and all its files? This cannot be undone.`, options.yes))) {
      context.note("Not deleted.");
      return;
    }
    const { deleted } = await deleteRepo(await context.client(options), {
      repo,
      missingOk: options.missingOk ?? false,
    });
    context.print(options.format, { repo, deleted }, () =>
      deleted ? `Deleted ${label}` : `${label} does not exist; nothing to delete`,
    );
  });
}
