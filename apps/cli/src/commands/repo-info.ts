import { formatRepoId, type RepoType } from "@hfkit/http";
import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples } from "../help.js";
import { REPO_ID_HELP, repoArgument, repoGroup, repoTypeOption } from "../repo-command.js";

interface InfoOptions extends HubCommandOptions {
  repoType?: RepoType;
  revision?: string;
  expand?: string[];
}

/** `hfkit repo info <id>`: what the Hub says about a repo at a revision. */
export function registerRepoInfoCommand(program: Command, context: CliContext): void {
  withHubOptions(
    repoGroup(program)
      .command("info")
      .description("show a repo's commit, visibility, files and more")
      .addHelpText(
        "after",
        examples(
          "hfkit repo info acme/bert",
          "hfkit repo info datasets/acme/reviews --revision v1.0 --format json",
        ),
      )
      .argument("<repo_id>", REPO_ID_HELP)
      .addOption(repoTypeOption())
      .option("--revision <rev>", "branch, tag or commit (default: the default branch)")
      .option("--expand <property...>", "properties to return instead of the default set"),
  ).action(async (id: string, options: InfoOptions) => {
    const { getRepoInfo } = await import("@hfkit/repo");
    const repo = repoArgument(id, options.repoType);
    const info = await getRepoInfo(await context.client(options), {
      repo,
      ...(options.revision ? { revision: options.revision } : {}),
      ...(options.expand ? { expand: options.expand } : {}),
    });
    const { raw, ...mapped } = info;
    context.print(
      options.format,
      { repo, ...(options.expand ? raw : mapped) },
      () => {
        const line = (label: string, value: unknown) =>
          value === undefined
            ? []
            : [`${`${label}:`.padEnd(15)}${value instanceof Date ? value.toISOString() : String(value)}`];
        return [
          formatRepoId(repo),
          ...line("commit", info.sha),
          ...line("private", info.private),
          ...line("gated", info.gated),
          ...line("last modified", info.lastModified),
          ...line("downloads", info.downloads),
          ...line("likes", info.likes),
          ...line("tags", info.tags?.join(", ") || undefined),
          ...line("files", info.siblings?.length),
          ...(info.siblings ?? []).map((s) => `  ${s.path}`),
        ].join("\n");
      },
      () => info.sha ?? "",
    );
  });
}
