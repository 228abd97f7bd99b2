import { stat } from "node:fs/promises";
import { basename } from "node:path";
// @hfkit/commit and @hfkit/repo are loaded when the upload runs.
import type { CommitProgressEvent, CommitResult, UploadFolderResult } from "@hfkit/commit";
import {
  checkPathInRepo,
  formatRepoId,
  type HubClient,
  InvalidInputError,
  type RepoId,
  RepoNotFoundError,
  type RepoType,
  RevisionNotFoundError,
} from "@hfkit/http";
import type { Command } from "commander";
import { type CliContext, type HubCommandOptions, repeatable, withHubOptions } from "../context.js";
import { examples, HELP_GROUPS } from "../help.js";
import { startProgress } from "../observe.js";
import { commitNote } from "../progress.js";
import { REPO_ID_HELP, repoArgument, repoTypeOption } from "../repo-command.js";

interface UploadOptions extends HubCommandOptions {
  repoType?: RepoType;
  revision?: string;
  include?: string[];
  exclude?: string[];
  delete?: string[];
  commitMessage?: string;
  commitDescription?: string;
  createPr?: boolean;
  private?: boolean;
  verify?: boolean;
  followExternalSymlinks?: boolean;
}

async function kindOf(path: string): Promise<"file" | "folder"> {
  try {
    return (await stat(path)).isDirectory() ? "folder" : "file";
  } catch {
    throw new InvalidInputError(`local_path: ${path} does not exist; give a file or a folder to upload.`, {
      field: "local_path",
    });
  }
}

/**
 * Creates the repo when the upload found it missing, as `hf upload` does (private with
 * `--private`). The upload runs first so that bad input fails before anything is created;
 * a missing repo fails its first request, before any byte is uploaded.
 */
async function createMissingRepo(
  context: CliContext,
  client: HubClient,
  repo: RepoId,
  options: UploadOptions,
  error: unknown,
): Promise<void> {
  const { signal } = context;
  // Opening a pull request needs an existing repo (and usually no write access to create one).
  if (!RepoNotFoundError.isInstance(error) || options.createPr) throw error;
  const { createRepo, repoExists } = await import("@hfkit/repo");
  if (await repoExists(client, { repo, signal })) throw error;
  const { url } = await createRepo(client, {
    repo,
    existOk: true,
    signal,
    ...(options.private ? { private: true } : {}),
  });
  context.note(`created ${url}`);
}

/**
 * A `--revision` branch the repo lacks: the Hub only says "Invalid rev id", so say which branch
 * is missing and the command that makes it.
 */
function missingBranch(error: unknown, repo: RepoId, revision: string | undefined): unknown {
  if (revision === undefined || !RevisionNotFoundError.isInstance(error)) return error;
  const { status, requestId, serverMessage, url, method } = error;
  const id = formatRepoId(repo);
  return new RevisionNotFoundError(
    `--revision: ${id} has no branch "${revision}"; create it with \`hfkit repo branch create ${id} ${revision}\`, then upload again. (${error.message})`,
    { status, requestId, serverMessage, url, method, cause: error },
  );
}

/**
 * Runs an upload generator with progress on stderr (observe.ts: bars on a terminal, JSON lines
 * with --log-format json) and its phases as notes. Ctrl-C stops it through the run's signal.
 */
async function follow<R>(iterator: AsyncGenerator<CommitProgressEvent, R>, context: CliContext): Promise<R> {
  const stopProgress = await startProgress(context);
  try {
    for (;;) {
      const step = await iterator.next();
      if (step.done) return step.value;
      const note = commitNote(step.value);
      if (note !== undefined) context.note(note);
    }
  } finally {
    stopProgress();
  }
}

/**
 * `hfkit upload <repo> [local_path] [path_in_repo]`: a file or a folder to the Hub, through
 * Git LFS where needed, with byte-level progress on a terminal. Re-running an interrupted
 * upload resumes it file by file: what the Hub already holds is skipped, but the parts of a
 * multipart upload that was killed are sent again.
 */
export function registerUploadCommand(program: Command, context: CliContext): void {
  withHubOptions(
    program
      .command("upload")
      .helpGroup(HELP_GROUPS.files)
      .description("upload a file or a folder to a repo (run again to resume: see --help)")
      .argument("<repo_id>", REPO_ID_HELP)
      .argument("[local_path]", "file or folder to upload", ".")
      .argument(
        "[path_in_repo]",
        "where it goes in the repo (default: the file name, or the root for a folder)",
      )
      .addOption(repoTypeOption())
      .option("--revision <rev>", "branch to commit to", "main")
      .option("--include <glob>", "only upload matching files (repeatable)", repeatable)
      .option("--exclude <glob>", "skip matching files (repeatable)", repeatable)
      .option("--delete <glob>", "delete matching remote files under path_in_repo (repeatable)", repeatable)
      .option("--commit-message <message>", "commit title")
      .option("--commit-description <text>", "commit description")
      .option("--create-pr", "open a pull request instead of committing to the branch")
      .option("--private", "make the repo private if it has to be created")
      .option("--verify", "check every file on the Hub after the commit")
      .option(
        "--follow-external-symlinks",
        "also upload the targets of symbolic links that lead out of the folder (default: leave them out)",
      )
      .addHelpText(
        "after",
        [
          "",
          "Resuming: run the same command again after an interruption. Files the branch already",
          "holds (same content) and LFS files the Hub already stores are skipped, so finished",
          "files are not sent twice. Resumption is per whole file: a large file whose multipart",
          "upload was killed midway is sent again from its first part.",
          "",
          "Symbolic links inside the folder are followed when they point inside it; links that",
          "lead out of it are left out with a note naming each, unless --follow-external-symlinks.",
        ].join("\n"),
      )
      .addHelpText(
        "after",
        examples(
          'hfkit upload acme/bert ./model --commit-message "Fine-tuned on reviews"',
          "hfkit upload datasets/acme/reviews ./data data --include '*.parquet' --delete 'data/*.parquet'",
        ),
      ),
  ).action(
    async (repoId: string, localPath: string, pathInRepo: string | undefined, options: UploadOptions) => {
      const { uploadFileIter, uploadFolderIter } = await import("@hfkit/commit");
      const repo = repoArgument(repoId, options.repoType);
      const kind = await kindOf(localPath);
      // Checked here so that a bad path names the argument as typed (the library's field is
      // pathInRepo); a folder's may end with "/".
      if (pathInRepo !== undefined && pathInRepo !== ".") {
        checkPathInRepo(kind === "folder" ? pathInRepo.replace(/\/+$/, "") : pathInRepo, "path_in_repo");
      }
      const client = await context.client(options);
      const common = {
        repo,
        revision: options.revision,
        createPr: options.createPr === true,
        signal: context.signal,
        verify: options.verify === true,
        ...(options.commitMessage !== undefined ? { message: options.commitMessage } : {}),
        ...(options.commitDescription !== undefined ? { description: options.commitDescription } : {}),
      };
      if (kind === "file" && (options.include || options.exclude || options.delete)) {
        throw new InvalidInputError(
          "--include, --exclude and --delete apply to folders; local_path is a file.",
          {
            field: "include",
          },
        );
      }
      const upload = (): Promise<CommitResult | UploadFolderResult> => {
        if (kind === "file") {
          const file = { ...common, file: localPath, pathInRepo: pathInRepo ?? basename(localPath) };
          return follow(uploadFileIter(client, file), context);
        }
        return follow(
          uploadFolderIter(client, {
            ...common,
            folder: localPath,
            ...(pathInRepo !== undefined && pathInRepo !== "." ? { pathInRepo } : {}),
            ...(options.include ? { include: options.include } : {}),
            ...(options.exclude ? { exclude: options.exclude } : {}),
            ...(options.delete ? { delete: options.delete } : {}),
            ...(options.followExternalSymlinks ? { followExternalSymlinks: true } : {}),
          }),
          context,
        );
      };
      let result: CommitResult | UploadFolderResult;
      try {
        try {
          result = await upload();
        } catch (error) {
          await createMissingRepo(context, client, repo, options, error);
          result = await upload();
        }
      } catch (error) {
        throw missingBranch(error, repo, options.revision);
      }
      context.print(options.format, { repo, ...result }, () =>
        [result.pullRequestUrl, result.commitUrl].filter(Boolean).join("\n"),
      );
    },
  );
}
