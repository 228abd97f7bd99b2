import { formatRepoId, type RepoType } from "@hfkit/http";
import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples } from "../help.js";
import { REPO_ID_HELP, repoArgument, repoSubgroup, repoTypeOption } from "../repo-command.js";

interface TagCreateOptions extends HubCommandOptions {
  repoType?: RepoType;
  revision?: string;
  message?: string;
  existOk?: boolean;
}

/** `hfkit repo tag create <id> <tag>`. */
export function registerRepoTagCreateCommand(program: Command, context: CliContext): void {
  withHubOptions(
    repoSubgroup(program, "tag", "create, list and delete tags")
      .command("create")
      .description("tag a revision")
      .addHelpText(
        "after",
        examples(
          "hfkit repo tag create acme/bert v1.0",
          'hfkit repo tag create datasets/acme/reviews v2 --revision dev -m "Second release"',
        ),
      )
      .argument("<repo_id>", REPO_ID_HELP)
      .argument("<tag>", "name of the tag")
      .addOption(repoTypeOption())
      .option("--revision <rev>", "branch, tag or commit to tag (default: main)")
      .option("-m, --message <message>", "annotation stored with the tag")
      .option("--exist-ok", "succeed if the tag already exists"),
  ).action(async (id: string, tag: string, options: TagCreateOptions) => {
    const { createTag } = await import("@hfkit/refs");
    const repo = repoArgument(id, options.repoType);
    const { created } = await createTag(await context.client(options), {
      repo,
      tag,
      ...(options.revision ? { revision: options.revision } : {}),
      ...(options.message ? { message: options.message } : {}),
      existOk: options.existOk ?? false,
    });
    context.print(
      options.format,
      { repo, tag, created },
      () =>
        created
          ? `Tagged ${options.revision ?? "main"} of ${formatRepoId(repo)} as ${tag}`
          : `Tag ${tag} already exists on ${formatRepoId(repo)}`,
      () => tag,
    );
  });
}
