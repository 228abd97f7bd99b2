import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
// @hfkit/cards (with yaml and zod) and @hfkit/repo are loaded when a card command runs.
import type { Card, CardKind, CardProblem } from "@hfkit/cards";
import { formatRepoId, type HubClient, InvalidInputError, type RepoId, type RepoType } from "@hfkit/http";
import type { Command } from "commander";
import {
  type CliContext,
  type HubCommandOptions,
  type OutputFormat,
  withHubOptions,
  withOutputOptions,
} from "../context.js";
import { examples, HELP_GROUPS } from "../help.js";
import { repoArgument, repoTypeOption } from "../repo-command.js";

interface RemoteOptions extends HubCommandOptions {
  repoType?: RepoType;
  revision?: string;
}

/** A local card's text; a path that does not exist or is a folder is bad usage naming `field` and the fix. */
async function readLocalCard(path: string, field: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new InvalidInputError(`${field}: ${path} does not exist; give the path of a card (README.md).`, {
        field,
      });
    }
    if (code === "EISDIR") {
      throw new InvalidInputError(
        `${field}: ${path} is a folder; give its card, ${join(path, "README.md")}.`,
        {
          field,
        },
      );
    }
    throw error;
  }
}

function isRepoId(target: string, repoType: RepoType | undefined): boolean {
  try {
    repoArgument(target, repoType);
    return true;
  } catch {
    return false;
  }
}

async function fetchReadme(
  client: HubClient,
  target: string,
  options: RemoteOptions,
  signal: AbortSignal,
): Promise<{ text: string; kind: CardKind; repo: RepoId; revision: string }> {
  const repo = repoArgument(target, options.repoType);
  const revision = options.revision ?? "main";
  const { downloadFile } = await import("@hfkit/repo");
  const { bytes } = await downloadFile(client, { repo, path: "README.md", revision, to: "memory", signal });
  return { text: new TextDecoder().decode(bytes), kind: repo.type, repo, revision };
}

/** A local README (when the path is a file or ends in .md) or a repo's README on the Hub. */
async function loadCard(
  context: CliContext,
  target: string,
  options: RemoteOptions,
): Promise<{
  card: Card;
  kind: CardKind;
  label: string;
  source: { path: string } | { repo: RepoId; revision: string };
}> {
  const { guessCardKind, parseCard } = await import("@hfkit/cards");
  // A local file, a name ending in .md, or a local folder that is no repo id ("./model", "."):
  // read from disk. Anything else is a repo id on the Hub.
  const found = await stat(target).catch(() => undefined);
  if (
    found?.isFile() ||
    target.toLowerCase().endsWith(".md") ||
    (found?.isDirectory() && !isRepoId(target, options.repoType))
  ) {
    const text = await readLocalCard(target, "target");
    const card = parseCard(text);
    return { card, kind: options.repoType ?? guessCardKind(card), label: target, source: { path: target } };
  }
  const remote = await fetchReadme(await context.client(options), target, options, context.signal);
  const card = parseCard(remote.text);
  return {
    card,
    kind: options.repoType ?? remote.kind,
    label: `${formatRepoId(remote.repo)}@${remote.revision}`,
    source: { repo: remote.repo, revision: remote.revision },
  };
}

function formatProblem(problem: CardProblem): string {
  return `${problem.line}:${problem.column} ${problem.path} ${problem.severity}: ${problem.message}; ${problem.fix}`;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** `key=value` → [path, value]; the value is read as a YAML scalar or flow collection. */
function parseAssignment(assignment: string, parseYamlValue: (text: string) => unknown): [string, unknown] {
  const equals = assignment.indexOf("=");
  if (equals <= 0) {
    throw new InvalidInputError(`"${assignment}" is not key=value; write e.g. license=mit or tags=[a, b]`, {
      field: "assignments",
    });
  }
  return [assignment.slice(0, equals), parseYamlValue(assignment.slice(equals + 1))];
}

export function registerCardCommand(program: Command, context: CliContext): void {
  const card = program
    .command("card")
    .helpGroup(HELP_GROUPS.cards)
    .description("read, check and edit model and dataset cards (README.md metadata)");

  withHubOptions(
    card
      .command("validate <target>")
      .description("check a card's metadata (a local README.md, or a repo id on the Hub); exits 1 on errors")
      .addHelpText(
        "after",
        examples(
          "hfkit card validate ./README.md",
          "hfkit card validate datasets/acme/reviews --format json",
        ),
      )
      .addOption(repoTypeOption())
      .option("--revision <revision>", "branch, tag or commit of a repo on the Hub (default: main)"),
  ).action(async (target: string, options: RemoteOptions & { format: OutputFormat }) => {
    const { card: parsed, kind, label, source } = await loadCard(context, target, options);
    const { validateCard } = await import("@hfkit/cards");
    const problems = validateCard(parsed, { kind });
    const errors = problems.filter((problem) => problem.severity === "error").length;
    const warnings = problems.length - errors;
    context.print(
      options.format,
      { ...source, kind, valid: errors === 0, errors, warnings, problems },
      () =>
        [
          `${label}: ${errors === 0 ? `valid ${kind} card` : `invalid ${kind} card`} (${count(errors, "error")}, ${count(warnings, "warning")})`,
          ...problems.map(formatProblem),
        ].join("\n"),
      () => problems.map(formatProblem),
    );
    if (errors > 0) throw new Error(`${label}: ${count(errors, "error")} in the card metadata`);
  });

  withHubOptions(
    card
      .command("show <repo_id>")
      .description("print a repo's README.md from the Hub (with --format json: metadata, body and problems)")
      .addHelpText(
        "after",
        examples(
          "hfkit card show acme/bert",
          "hfkit card show datasets/acme/reviews --revision v1.0 --format json",
        ),
      )
      .addOption(repoTypeOption())
      .option("--revision <revision>", "branch, tag or commit (default: main)"),
  ).action(async (target: string, options: RemoteOptions & { format: OutputFormat }) => {
    const { parseCard, validateCard } = await import("@hfkit/cards");
    const remote = await fetchReadme(await context.client(options), target, options, context.signal);
    const parsed = parseCard(remote.text);
    const kind = options.repoType ?? remote.kind;
    context.print(
      options.format,
      {
        repo: remote.repo,
        revision: remote.revision,
        kind,
        metadata: parsed.metadata,
        body: parsed.body,
        problems: validateCard(parsed, { kind }),
      },
      () => remote.text,
      () => remote.text.replace(/\n$/, ""),
    );
  });

  withOutputOptions(
    card
      .command("set <path> [assignments...]")
      .description(
        "edit a local card in place: key=value (dotted keys nest: model-index.0.name=x); other lines stay as they are",
      )
      .addHelpText(
        "after",
        examples(
          "hfkit card set README.md license=mit 'tags=[text, reviews]'",
          "hfkit card set README.md --remove datasets",
        ),
      )
      .option(
        "--remove <key>",
        "remove a key (repeatable)",
        (key: string, keys: string[]) => [...keys, key],
        [],
      ),
  ).action(
    async (path: string, assignments: string[], options: { remove: string[]; format: OutputFormat }) => {
      if (assignments.length === 0 && options.remove.length === 0) {
        throw new InvalidInputError("nothing to change: give key=value pairs or --remove <key>", {
          field: "assignments",
        });
      }
      const { parseCard, parseKeyPath, parseYamlValue, removeMetadata, setMetadata, stringifyCard } =
        await import("@hfkit/cards");
      const before = await readLocalCard(path, "path");
      let edited = parseCard(before);
      const set = assignments.map((assignment) => parseAssignment(assignment, parseYamlValue));
      for (const [key, value] of set) edited = setMetadata(edited, parseKeyPath(key), value);
      for (const key of options.remove) edited = removeMetadata(edited, parseKeyPath(key));
      const after = stringifyCard(edited);
      if (after !== before) await writeFile(path, after, "utf8");
      const changed = after !== before;
      context.print(
        options.format,
        { path, changed, set: set.map(([key]) => key), removed: options.remove },
        () => (changed ? `updated ${path}` : `${path} already had these values`),
      );
    },
  );
}
