import { InvalidInputError, type RepoType } from "@hfkit/http";
import type { Commit } from "@hfkit/refs";
import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples } from "../help.js";
import { REPO_ID_HELP, repoArgument, repoGroup, repoTypeOption } from "../repo-command.js";

interface CommitsOptions extends HubCommandOptions {
  repoType?: RepoType;
  revision?: string;
  limit?: string;
}

/** `hfkit repo commits <id>`: the history of a revision, newest first. */
export function registerRepoCommitsCommand(program: Command, context: CliContext): void {
  withHubOptions(
    repoGroup(program)
      .command("commits")
      .description("list the commits of a revision, newest first")
      .addHelpText(
        "after",
        examples(
          "hfkit repo commits acme/bert --limit 5",
          "hfkit repo commits datasets/acme/reviews --revision dev --format json",
        ),
      )
      .argument("<repo_id>", REPO_ID_HELP)
      .addOption(repoTypeOption())
      .option("--revision <rev>", "branch, tag or commit (default: main)")
      .option("--limit <n>", "show at most this many commits"),
  ).action(async (id: string, options: CommitsOptions) => {
    const { listCommits } = await import("@hfkit/refs");
    const limit = options.limit === undefined ? undefined : Number(options.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      throw new InvalidInputError("--limit: use a positive whole number.", { field: "limit" });
    }
    const repo = repoArgument(id, options.repoType);
    const commits: Commit[] = [];
    for await (const commit of listCommits(await context.client(options), {
      repo,
      ...(options.revision ? { revision: options.revision } : {}),
      ...(limit !== undefined ? { pageSize: Math.min(limit, 1000) } : {}),
    })) {
      commits.push(commit);
      if (limit !== undefined && commits.length >= limit) break;
    }
    context.print(
      options.format,
      { repo, revision: options.revision ?? "main", commits },
      () =>
        commits
          .map(
            (c) =>
              `${c.id.slice(0, 8)}  ${c.date.toISOString().slice(0, 19).replace("T", " ")}  ${c.authors.map((a) => a.user).join(", ")}  ${c.title}`,
          )
          .join("\n"),
      () => commits.map((c) => c.id),
    );
  });
}
