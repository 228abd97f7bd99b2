import type { Command } from "commander";
import type { CliContext } from "./context.js";
import { commandGroup, inGroup } from "./help.js";

/** The `hfkit auth` group, created by whichever auth command registers first. */
export function authGroup(program: Command): Command {
  return inGroup(
    commandGroup(program, "auth", "log in and out, and manage saved tokens (shared with Python's `hf`)"),
    "auth",
  );
}

/** A note when `HF_TOKEN` is set: it wins over every saved token, as in Python. */
export function noteEnvironmentToken(context: CliContext, what: string): void {
  const { env } = context.io;
  const variable = env.HF_TOKEN?.trim()
    ? "HF_TOKEN"
    : env.HUGGING_FACE_HUB_TOKEN?.trim()
      ? "HUGGING_FACE_HUB_TOKEN"
      : undefined;
  if (variable) context.note(`Note: ${variable} is set and is used instead of ${what} until you unset it.`);
}
