import type { RepoType } from "@hfkit/http";
import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples } from "../help.js";
import { REPO_ID_HELP, repoArgument, repoGroup, repoTypeOption } from "../repo-command.js";

interface DeleteFilesCommandOptions extends HubCommandOptions {
  repoType?: RepoType;
  revision?: string;
  commitMessage?: string;
  commitDescription?: string;
  createPr?: boolean;
}

/** `hfkit repo delete-files <repo> <pattern>…`: one commit deleting the matching files. */
export function registerRepoDeleteFilesCommand(program: Command, context: CliContext): void {
  withHubOptions(
    repoGroup(program)
      .command("delete-files")
      .description("delete files matching paths or globs (*.bin, data/*.csv, README.md, logs/) in one commit")
      .addHelpText(
        "after",
        examples(
          "hfkit repo delete-files acme/bert '*.bin'",
          "hfkit repo delete-files datasets/acme/reviews logs/ old.csv",
        ),
      )
      .argument("<repo_id>", REPO_ID_HELP)
      .argument("<patterns...>", "paths or globs; a folder with a trailing / is deleted whole")
      .addOption(repoTypeOption())
      .option("--revision <rev>", "branch to commit to", "main")
      .option("--commit-message <message>", "commit title")
      .option("--commit-description <text>", "commit description")
      .option("--create-pr", "open a pull request instead of committing to the branch"),
  ).action(async (repoId: string, patterns: string[], options: DeleteFilesCommandOptions) => {
    const { deleteFiles } = await import("@hfkit/commit");
    const repo = repoArgument(repoId, options.repoType);
    const result = await deleteFiles(await context.client(options), {
      repo,
      patterns,
      revision: options.revision,
      createPr: options.createPr === true,
      signal: context.signal,
      ...(options.commitMessage !== undefined ? { message: options.commitMessage } : {}),
      ...(options.commitDescription !== undefined ? { description: options.commitDescription } : {}),
    });
    context.note(
      `deleted ${result.deleted.length} path(s): ${result.deleted.slice(0, 10).join(", ")}${result.deleted.length > 10 ? ", …" : ""}`,
    );
    context.print(options.format, { repo, ...result }, () =>
      [result.pullRequestUrl, result.commitUrl].filter(Boolean).join("\n"),
    );
  });
}
