import type { Command } from "commander";
import { registerAuthListCommand } from "./commands/auth-list.js";
import { registerAuthLoginCommand } from "./commands/auth-login.js";
import { registerAuthLogoutCommand } from "./commands/auth-logout.js";
import { registerAuthSwitchCommand } from "./commands/auth-switch.js";
import { registerAuthTokenCommand } from "./commands/auth-token.js";
import { registerCardCommand } from "./commands/card.js";
import { registerCompletionCommand } from "./commands/completion.js";
import { registerDatasetsCommand } from "./commands/datasets.js";
import { registerDownloadCommand } from "./commands/download.js";
import { registerEmulatorCommand } from "./commands/emulator.js";
import { registerEnvCommand } from "./commands/env.js";
import { registerRepoBranchCreateCommand } from "./commands/repo-branch-create.js";
import { registerRepoBranchDeleteCommand } from "./commands/repo-branch-delete.js";
import { registerRepoCommitsCommand } from "./commands/repo-commits.js";
import { registerRepoCreateCommand } from "./commands/repo-create.js";
import { registerRepoDeleteCommand } from "./commands/repo-delete.js";
import { registerRepoDeleteFilesCommand } from "./commands/repo-delete-files.js";
import { registerRepoInfoCommand } from "./commands/repo-info.js";
import { registerRepoMoveCommand } from "./commands/repo-move.js";
import { registerRepoRefsCommand } from "./commands/repo-refs.js";
import { registerRepoSettingsCommand } from "./commands/repo-settings.js";
import { registerRepoTagCreateCommand } from "./commands/repo-tag-create.js";
import { registerRepoTagDeleteCommand } from "./commands/repo-tag-delete.js";
import { registerRepoTagListCommand } from "./commands/repo-tag-list.js";
import { registerSyncCommand } from "./commands/sync.js";
import { registerUploadCommand } from "./commands/upload.js";
import { registerWhoamiCommand } from "./commands/whoami.js";
import { CliContext } from "./context.js";
import { examples, HELP_CONFIGURATION, HELP_GROUPS, HfkitCommand } from "./help.js";
import type { CliIO } from "./io.js";
import { addLogOptions } from "./observe.js";
import { VERSION } from "./version.js";

/** Each command lives in its own file under commands/ and registers itself here. */
const COMMANDS: ReadonlyArray<(program: Command, context: CliContext) => void> = [
  registerEnvCommand,
  registerEmulatorCommand,
  registerCardCommand,
  registerAuthLoginCommand,
  registerAuthLogoutCommand,
  registerWhoamiCommand,
  registerAuthListCommand,
  registerAuthSwitchCommand,
  registerAuthTokenCommand,
  registerRepoCreateCommand,
  registerRepoDeleteCommand,
  registerRepoInfoCommand,
  registerRepoMoveCommand,
  registerRepoSettingsCommand,
  registerRepoBranchCreateCommand,
  registerRepoBranchDeleteCommand,
  registerRepoTagCreateCommand,
  registerRepoTagListCommand,
  registerRepoTagDeleteCommand,
  registerRepoRefsCommand,
  registerRepoCommitsCommand,
  registerDownloadCommand,
  registerUploadCommand,
  registerRepoDeleteFilesCommand,
  registerDatasetsCommand,
  registerSyncCommand,
  registerCompletionCommand,
];

export function createProgram(io: CliIO, context: CliContext = new CliContext(io)): Command {
  const program = new HfkitCommand("hfkit")
    .description("A command line for the Hugging Face Hub. Runs against huggingface.co or a local emulator.")
    .version(VERSION, "-V, --version", "print the hfkit version")
    .helpOption("-h, --help", "show help")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp(HELP_CONFIGURATION)
    .addHelpText(
      "after",
      `\nExit codes: 0 success, 1 failure, 2 bad usage, 130 interrupted (Ctrl-C).\n${examples(
        "hfkit auth login",
        "hfkit download datasets/acme/reviews --include '*.parquet'",
      )}`,
    )
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  // `--quiet` also silences the notes and progress of the command about to run.
  program.hook("preAction", (_, action) => {
    context.quiet = action.opts().format === "quiet";
  });
  addLogOptions(program);
  for (const register of COMMANDS) register(program, context);
  // `hfkit help <command…>` (main.ts turns it into `<command…> --help`), listed with the others.
  program.commandsGroup(HELP_GROUPS.other).helpCommand("help [command...]", "show help for a command");
  return program;
}
