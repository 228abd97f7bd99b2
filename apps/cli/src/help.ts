import { Command, Help, type Option } from "commander";

/**
 * The groups `hfkit --help` shows, in this order. A command joins one by declaring it
 * (`inGroup(command, "datasets")`); nothing else needs to change to list a new command.
 */
export const HELP_GROUPS = {
  repos: "Repos:",
  files: "Files:",
  datasets: "Datasets:",
  cards: "Cards:",
  auth: "Auth:",
  emulator: "Local hub:",
  other: "Other commands:",
} as const;

export type HelpGroup = keyof typeof HELP_GROUPS;

/** Puts a top-level command in one of `hfkit --help`'s groups. */
export function inGroup(command: Command, group: HelpGroup): Command {
  return command.helpGroup(HELP_GROUPS[group]);
}

/**
 * The end of a command's `--help`: one or two real examples, each a whole line a user can run
 * (`.addHelpText("after", examples(…))`). A test runs every example through the command's own
 * parser, and the reference page lists them.
 */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join("\n")}\n`;
}

/** A sub-command group (`hfkit auth`, `hfkit repo tag`), created by whichever command registers first. */
export function commandGroup(parent: Command, name: string, description: string): Command {
  return parent.commands.find((c) => c.name() === name) ?? parent.command(name).description(description);
}

/** `hfkit repo branch create`: the command's path from the root program. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** Every command a user can run (no groups, no hidden ones), depth first, in registration order. */
export function* runnableCommands(command: Command): Generator<Command> {
  for (const sub of command.commands) {
    // visibleCommands drops hidden commands (and adds the implicit `help`, left out here).
    if (!command.createHelp().visibleCommands(command).includes(sub)) continue;
    if (sub.commands.length > 0) yield* runnableCommands(sub);
    else yield sub;
  }
}

/**
 * Help settings for the program (inherited by every command): command groups are listed in
 * `HELP_GROUPS` order, whatever order the commands registered in.
 */
export const HELP_CONFIGURATION: Partial<Help> = {
  groupItems<T extends Command | Option>(
    this: Help,
    unsorted: T[],
    visible: T[],
    getGroup: (item: T) => string,
  ): Map<string, T[]> {
    const order: string[] = Object.values(HELP_GROUPS);
    const rank = (heading: string) => (order.includes(heading) ? order.indexOf(heading) : order.length);
    const groups: Map<string, T[]> = Help.prototype.groupItems.call<
      Help,
      [T[], T[], (item: T) => string],
      Map<string, T[]>
    >(this, unsorted, visible, getGroup);
    return new Map([...groups].sort(([a], [b]) => rank(a) - rank(b)));
  },
};

/** Edit distance with transpositions (optimal string alignment), as typos go. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The commands a mistyped word most likely meant, anywhere in the tree: `hfkit login` →
 * `hfkit auth login`, `hfkit repo tga list` → `hfkit repo tag`. Names (and aliases) within a
 * third of the word's length in edits count; the closest ones win, nearer levels first.
 */
export function closestCommands(from: Command, word: string): string[] {
  const limit = Math.max(1, Math.floor(word.length / 3));
  const found: Array<{ path: string; score: number }> = [];
  const visit = (command: Command, depth: number) => {
    for (const sub of command.createHelp().visibleCommands(command)) {
      if (sub.name() === "help") continue;
      const score = Math.min(...[sub.name(), ...sub.aliases()].map((name) => distance(word, name)));
      if (score <= limit) found.push({ path: commandPath(sub), score: score * 10 + depth });
      visit(sub, depth + 1);
    }
  };
  visit(from, 0);
  if (found.length === 0 && from.parent) return closestCommands(from.parent, word);
  const best = Math.min(...found.map((f) => f.score));
  return found.filter((f) => f.score === best).map((f) => f.path);
}

/**
 * The program's command class: an unknown command suggests the closest commands of the whole
 * tree (commander alone only looks among the siblings).
 */
export class HfkitCommand extends Command {
  override createCommand(name?: string): Command {
    return new HfkitCommand(name);
  }

  /** Called by commander when the first operand names no sub-command. */
  unknownCommand(): never {
    const word = this.args[0] ?? "";
    const suggestions = closestCommands(this, word);
    const hint = suggestions.length
      ? `\n(Did you mean ${suggestions.map((s) => `\`${s}\``).join(" or ")}?)`
      : "";
    return this.error(`error: unknown command '${word}'${hint}`, { code: "commander.unknownCommand" });
  }
}
