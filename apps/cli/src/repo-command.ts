import { InvalidInputError, parseRepoId, type RepoId, type RepoType } from "@hfkit/http";
import { type Command, Option } from "commander";
import type { CliContext } from "./context.js";
import { HELP_GROUPS } from "./help.js";

/**
 * The `hfkit repo` group, created by whichever command registers first: several command
 * files (repo-create, repo-delete-files…) attach to it.
 */
export function repoGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === "repo") ??
    program
      .command("repo")
      // `hf repos …` is Python's spelling (with `repo` as its alias).
      .alias("repos")
      .helpGroup(HELP_GROUPS.repos)
      .description("create, inspect and manage repos, their branches, tags and history")
  );
}

/** A sub-group of `hfkit repo` (`branch`, `tag`), created on first use. */
export function repoSubgroup(program: Command, name: string, description: string): Command {
  const repo = repoGroup(program);
  return repo.commands.find((c) => c.name() === name) ?? repo.command(name).description(description);
}

export const repoTypeOption = () =>
  new Option("--repo-type <type>", 'type of a plain "org/name" id (default: model)').choices([
    "model",
    "dataset",
    "space",
  ]);

/**
 * The one parser of repo arguments: `datasets/org/name`, or `org/name` with `--repo-type`
 * (a model without it). A malformed id is a usage error naming `field` (the argument's name in
 * `--help`) and the fix.
 */
export function repoArgument(id: string, repoType: RepoType | undefined, field = "repo_id"): RepoId {
  return parseRepoId(id, repoType ?? "model", field);
}

/** The `<repo_id>` argument every repo command takes first. */
export const REPO_ID_HELP = 'the repo, e.g. "acme/bert" or "datasets/acme/reviews"';

/**
 * Asks before something irreversible. `--yes` skips the question; without a terminal to ask
 * on, the command refuses rather than guess.
 */
export async function confirm(
  context: CliContext,
  question: string,
  yes: boolean | undefined,
): Promise<boolean> {
  if (yes) return true;
  const { io } = context;
  if (!io.stdin?.isTTY || !io.prompt) {
    throw new InvalidInputError(
      `${question} Refusing without a terminal to confirm on; pass --yes to go ahead.`,
      {
        field: "yes",
      },
    );
  }
  const answer = await io.prompt(`${question} [y/N] `, context.signal);
  return /^(y|yes)$/i.test(answer.trim());
}
