import type { RepoType } from "@hfkit/http";
import type { GitRef } from "@hfkit/refs";
import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples } from "../help.js";
import { REPO_ID_HELP, repoArgument, repoGroup, repoTypeOption } from "../repo-command.js";

interface RefsOptions extends HubCommandOptions {
  repoType?: RepoType;
  prs?: boolean;
}

/** `hfkit repo refs <id>`: branches, tags, conversion refs and (with --prs) pull requests. */
export function registerRepoRefsCommand(program: Command, context: CliContext): void {
  withHubOptions(
    repoGroup(program)
      .command("refs")
      .description("list a repo's branches, tags and other refs")
      .addHelpText(
        "after",
        examples("hfkit repo refs acme/bert", "hfkit repo refs datasets/acme/reviews --prs --format json"),
      )
      .argument("<repo_id>", REPO_ID_HELP)
      .addOption(repoTypeOption())
      .option("--prs", "include pull requests (refs/pr/N)"),
  ).action(async (id: string, options: RefsOptions) => {
    const { listRefs } = await import("@hfkit/refs");
    const repo = repoArgument(id, options.repoType);
    const refs = await listRefs(await context.client(options), {
      repo,
      includePullRequests: options.prs ?? false,
    });
    const section = (title: string, list: GitRef[] | undefined) =>
      list?.length ? [`${title}:`, ...list.map((r) => `  ${r.ref}\t${r.targetCommit}`)] : [];
    context.print(
      options.format,
      { repo, ...refs },
      () =>
        [
          ...section("branches", refs.branches),
          ...section("tags", refs.tags),
          ...section("converts", refs.converts),
          ...section("pull requests", refs.pullRequests),
        ].join("\n"),
      () =>
        [refs.branches, refs.tags, refs.converts, refs.pullRequests].flatMap(
          (list) => list?.map((r) => r.ref) ?? [],
        ),
    );
  });
}
