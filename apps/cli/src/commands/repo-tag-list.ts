import type { RepoType } from "@hfkit/http";
import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples } from "../help.js";
import { REPO_ID_HELP, repoArgument, repoSubgroup, repoTypeOption } from "../repo-command.js";

interface TagListOptions extends HubCommandOptions {
  repoType?: RepoType;
}

/** `hfkit repo tag list <id>`. */
export function registerRepoTagListCommand(program: Command, context: CliContext): void {
  withHubOptions(
    repoSubgroup(program, "tag", "create, list and delete tags")
      .command("list")
      .description("list a repo's tags and the commits they point to")
      .addHelpText(
        "after",
        examples("hfkit repo tag list acme/bert", "hfkit repo tag list datasets/acme/reviews --format json"),
      )
      .argument("<repo_id>", REPO_ID_HELP)
      .addOption(repoTypeOption()),
  ).action(async (id: string, options: TagListOptions) => {
    const { listRefs } = await import("@hfkit/refs");
    const repo = repoArgument(id, options.repoType);
    const { tags } = await listRefs(await context.client(options), { repo });
    context.print(
      options.format,
      { repo, tags },
      () => (tags.length ? tags.map((t) => `${t.name}\t${t.targetCommit}`).join("\n") : "No tags."),
      () => tags.map((t) => t.name),
    );
  });
}
