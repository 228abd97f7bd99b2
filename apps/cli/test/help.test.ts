import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { commandPath, inGroup, runnableCommands } from "../src/help.js";
import { main } from "../src/main.js";
import { createProgram } from "../src/program.js";
import { capture } from "../src/test-utils.js";

// Help as a new user reads it: grouped, with examples that really run, at any depth.

async function hfkit(...argv: string[]) {
  const { io, stdout, stderr } = capture({ HF_HOME: "/nonexistent-hfkit-home" });
  const code = await main(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

/** Shell words of one command line: quotes group, backslash escapes inside double quotes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /'([^']*)'|"((?:\\.|[^"\\])*)"|(\S+)/g;
  let current = "";
  let last = 0;
  for (const match of line.matchAll(pattern)) {
    if (match.index > last && current) {
      words.push(current);
      current = "";
    }
    current += match[1] ?? match[2]?.replace(/\\(.)/g, "$1") ?? match[3];
    last = match.index + match[0].length;
    if (line[last] === undefined || /\s/.test(line[last]!)) {
      words.push(current);
      current = "";
    }
  }
  return words;
}

/** The `hfkit …` part of an example line (it may sit in a pipe or in `$(…)`). */
function hfkitArgv(example: string): string[] {
  const start = example.indexOf("hfkit ");
  expect(start, example).toBeGreaterThanOrEqual(0);
  const rest = example.slice(start).split(/\s\|\s|\)|\s>\s/)[0]!;
  return shellWords(rest).slice(1);
}

const commands = [...runnableCommands(createProgram(capture().io))].map(commandPath);

describe("hfkit help", () => {
  it("lists the commands in groups, in a fixed order", async () => {
    const { stdout, code } = await hfkit("--help");
    expect(code).toBe(0);
    const headings = stdout.split("\n").filter((line) => /^[A-Z][a-z ]+:$/.test(line));
    expect(headings).toEqual([
      "Options:",
      "Repos:",
      "Files:",
      "Datasets:",
      "Cards:",
      "Auth:",
      "Local hub:",
      "Other commands:",
      "Examples:",
    ]);
    expect(stdout).toContain("\nExit codes: 0 success, 1 failure, 2 bad usage, 130 interrupted (Ctrl-C).\n");
    expect(stdout).toMatch(/Auth:\n {2}auth /);
    expect(stdout).toMatch(/Other commands:\n {2}env .*\n {2}completion .*\n {2}help \[command\.\.\.\]/);
  });

  it("gives a new command a group by declaring it, whatever order it registers in", async () => {
    const { io, stdout } = capture();
    const program = createProgram(io);
    inGroup(program.command("spaces").description("run and watch Spaces"), "datasets");
    program.outputHelp();
    expect(stdout()).toMatch(
      /Files:\n(?: {2}.*\n)+\nDatasets:\n {2}datasets .*\n {2}sync .*\n {2}spaces +run and watch Spaces\n\nCards:/,
    );
  });

  it.each(commands)("%s --help ends with examples that the command itself parses", async (path) => {
    const { stdout, code } = await hfkit(...path.split(" ").slice(1), "--help");
    expect(code).toBe(0);
    const [, tail] = stdout.split("\nExamples:\n");
    expect(tail, "an Examples: section").toBeDefined();
    const lines = tail!.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(2);
    for (const line of lines) {
      expect(line).toMatch(/^ {2}\$ \S/);
      // Parse the example with every action replaced by a recorder: it must reach this command
      // with no usage error (a missing argument, an unknown option, a bad choice).
      const { io, stderr } = capture();
      const program = createProgram(io);
      let reached: string | undefined;
      const stub = (command: Command) => {
        for (const sub of command.commands) {
          sub.action(() => {
            reached = commandPath(sub);
          });
          stub(sub);
        }
      };
      stub(program);
      await program.parseAsync(hfkitArgv(line.slice(4)), { from: "user" }).catch(() => undefined);
      expect(stderr(), line).toBe("");
      expect(reached, line).toBe(path);
    }
  });

  it("hfkit help <command…> is <command…> --help, at any depth", async () => {
    const viaHelp = await hfkit("help", "repo", "tag", "create");
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe((await hfkit("repo", "tag", "create", "--help")).stdout);
    expect(viaHelp.stdout).toMatch(/^Usage: hfkit repo tag create \[options\] <repo_id> <tag>/);
    expect((await hfkit("help", "auth")).stdout).toMatch(/^Usage: hfkit auth/);
  });

  it("suggests the closest command anywhere in the tree for an unknown one", async () => {
    const login = await hfkit("login");
    expect(login.code).toBe(2);
    expect(login.stderr).toMatch(/^error: unknown command 'login'\n\(Did you mean `hfkit auth login`\?\)\n/);
    expect((await hfkit("repo", "tga", "list", "acme/x")).stderr).toMatch(/Did you mean `hfkit repo tag`\?/);
    expect((await hfkit("auth", "lgout")).stderr).toMatch(/Did you mean `hfkit auth logout`\?/);
    expect((await hfkit("help", "uplaod")).stderr).toMatch(/Did you mean `hfkit upload`\?/);
    expect((await hfkit("frobnicate")).stderr).toBe(
      "error: unknown command 'frobnicate'\n(run with --help for usage)\n",
    );
  });

  it("takes the spellings of Python's hf: repos, --force-download, --json", async () => {
    const { io, stderr } = capture();
    const program = createProgram(io);
    const seen: Array<{ path: string; options: Record<string, unknown> }> = [];
    for (const command of runnableCommands(program)) {
      command.action(function (this: Command) {
        seen.push({ path: commandPath(this), options: this.opts() });
      });
    }
    await program.parseAsync(["repos", "create", "acme/x", "--json"], { from: "user" });
    await program.parseAsync(["download", "acme/x", "--force-download"], { from: "user" });
    expect(stderr()).toBe("");
    expect(seen).toMatchObject([
      { path: "hfkit repo create", options: { format: "json" } },
      { path: "hfkit download", options: { force: true } },
    ]);
  });
});
