import { Argument, type Command } from "commander";
import { bashCompletion, completionTree, fishCompletion, zshCompletion } from "../completion.js";
import type { CliContext } from "../context.js";
import { examples, HELP_GROUPS } from "../help.js";

const SHELLS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion } as const;

/**
 * `hfkit completion bash|zsh|fish`: a completion script made from the command tree of this very
 * hfkit, so it completes exactly the commands, options and option values it has.
 */
export function registerCompletionCommand(program: Command, context: CliContext): void {
  program
    .command("completion")
    .helpGroup(HELP_GROUPS.other)
    .description("print a shell completion script for commands, options and their values")
    .addArgument(new Argument("<shell>", "the shell").choices(Object.keys(SHELLS)))
    .addHelpText(
      "after",
      examples(
        "source <(hfkit completion bash)",
        "hfkit completion fish > ~/.config/fish/completions/hfkit.fish",
      ),
    )
    .action((shell: keyof typeof SHELLS) => {
      context.io.stdout.write(SHELLS[shell](program.name(), completionTree(program)));
    });
}
