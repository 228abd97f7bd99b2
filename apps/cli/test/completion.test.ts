import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/main.js";
import { capture } from "../src/test-utils.js";

// The bash completion script, run by a real bash: bash calls `_hfkit` with COMP_WORDS and
// COMP_CWORD set as it does when the user presses Tab, and offers COMPREPLY.
const BIN = join(import.meta.dirname, "..", "bin", "hfkit.js");
let dir: string;
let script: string;

async function generate(shell: string) {
  const { io, stdout, stderr } = capture();
  const code = await main(["completion", shell], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

/** What bash offers for `line` (the cursor at its end: a trailing space starts a new word). */
function complete(line: string): string[] {
  const words = line.split(" ");
  const quoted = words.map((word) => `'${word}'`).join(" ");
  const out = execFileSync(
    "bash",
    [
      "--norc",
      "--noprofile",
      "-c",
      `source "$1"; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; COMP_LINE='${line}'; _hfkit; printf '%s\\n' "\${COMPREPLY[@]}"`,
      "bash",
      script,
    ],
    { encoding: "utf8" },
  );
  return out.split("\n").filter(Boolean).sort();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hfkit-completion-"));
  script = join(dir, "hfkit.bash");
  await writeFile(script, (await generate("bash")).stdout);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("hfkit completion bash", () => {
  it("loads in bash and registers the completion, from the built binary", () => {
    const registered = execFileSync(
      "bash",
      [
        "--norc",
        "--noprofile",
        "-c",
        `source <("${process.execPath}" "${BIN}" completion bash) && complete -p hfkit`,
      ],
      { encoding: "utf8" },
    );
    expect(registered.trim()).toBe("complete -o default -F _hfkit hfkit");
  });

  it("completes commands and sub-commands at every level", () => {
    expect(complete("hfkit ")).toEqual(
      [
        "auth",
        "card",
        "completion",
        "datasets",
        "download",
        "emulator",
        "env",
        "repo",
        "repos",
        "sync",
        "upload",
      ].sort(),
    );
    expect(complete("hfkit re")).toEqual(["repo", "repos"]); // hf spells it `repos`
    expect(complete("hfkit repos t")).toEqual(["tag"]);
    expect(complete("hfkit repo t")).toEqual(["tag"]);
    expect(complete("hfkit repo tag ")).toEqual(["create", "delete", "list"]);
    expect(complete("hfkit auth l")).toEqual(["list", "login", "logout", "ls"]);
    expect(complete("hfkit completion ")).toEqual(["bash", "fish", "zsh"]);
  });

  it("completes the options of the command typed, skipping option values on the way", () => {
    expect(complete("hfkit auth login --")).toEqual([
      "--endpoint",
      "--force",
      "--format",
      "--help",
      "--quiet",
      "--token",
    ]);
    expect(complete("hfkit repo info acme/x --revision main --f")).toEqual(["--format"]);
    expect(complete("hfkit repo create --repo-type dataset acme/x --p")).toEqual(["--private"]);
    expect(complete("hfkit repo --repo-type dataset")).toEqual([]); // not an option of `repo`
  });

  it("completes option values from their choices", () => {
    expect(complete("hfkit repo create acme/x --repo-type ")).toEqual(["dataset", "model", "space"]);
    expect(complete("hfkit download acme/x --repo-type d")).toEqual(["dataset"]);
    expect(complete("hfkit repo info acme/x --format=j")).toEqual(["--format=json"]);
    expect(complete("hfkit repo settings acme/x --gated ")).toEqual(["auto", "false", "manual"]);
    // A free value offers nothing: bash falls back to file names (-o default).
    expect(complete("hfkit download acme/x --local-dir ")).toEqual([]);
  });

  it("also prints zsh and fish scripts, and refuses another shell as a usage error", async () => {
    expect((await generate("zsh")).stdout).toMatch(
      /^#compdef hfkit\n[\s\S]*bashcompinit[\s\S]*complete -o default -F _hfkit hfkit\n$/,
    );
    const fish = (await generate("fish")).stdout;
    expect(fish).toContain("complete -c hfkit -n 'test (__hfkit_path) = '\\''repo tag'\\''' -a 'create'");
    expect(fish).toContain("-l repo-type -x -a 'model dataset space'");
    const other = await generate("powershell");
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /value 'powershell' is invalid for argument 'shell'\. Allowed choices are bash, zsh, fish/,
    );
  });
});
