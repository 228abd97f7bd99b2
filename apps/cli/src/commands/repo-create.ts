import type { RepoType } from "@hfkit/http";
import type { SpaceSdk } from "@hfkit/repo";
import { type Command, Option } from "commander";
import { type CliContext, type HubCommandOptions, withHubOptions } from "../context.js";
import { examples } from "../help.js";
import { REPO_ID_HELP, repoArgument, repoGroup, repoTypeOption } from "../repo-command.js";

interface CreateOptions extends HubCommandOptions {
  repoType?: RepoType;
  private?: boolean;
  existOk?: boolean;
  spaceSdk?: SpaceSdk;
}

/** `hfkit repo create <id>`, as `hf repo create`. */
export function registerRepoCreateCommand(program: Command, context: CliContext): void {
  withHubOptions(
    repoGroup(program)
      .command("create")
      .description("create a model, dataset or Space repo")
      .addHelpText(
        "after",
        examples(
          "hfkit repo create acme/bert --private",
          "hfkit repo create acme/reviews --repo-type dataset --exist-ok",
        ),
      )
      .argument("<repo_id>", REPO_ID_HELP)
      .addOption(repoTypeOption())
      .option("--private", "make the repo private")
      .option("--exist-ok", "succeed if the repo already exists")
      .addOption(
        new Option("--space-sdk <sdk>", "SDK of a Space").choices([
          "gradio",
          "streamlit",
          "docker",
          "static",
        ]),
      ),
  ).action(async (id: string, options: CreateOptions) => {
    const { createRepo } = await import("@hfkit/repo");
    const repo = repoArgument(id, options.repoType);
    const result = await createRepo(await context.client(options), {
      repo,
      ...(options.private ? { private: true } : {}),
      ...(options.spaceSdk ? { sdk: options.spaceSdk } : {}),
      existOk: options.existOk ?? false,
    });
    context.print(options.format, { repo, url: result.url, created: result.created }, () =>
      result.created ? `Created ${result.url}` : `Already exists: ${result.url}`,
    );
  });
}
