import { mkdtemp, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HUB, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CliIO } from "../io.js";
import { main } from "../main.js";

// msw-level checks of what the repo commands print and ask; the same commands run against a
// real emulator server in test/cli-emulator.test.ts.
const { server, seen, flush } = useMswServer();
let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "hfkit-cli-repo-"));
});
afterEach(() => rm(home, { recursive: true, force: true }));

function run(argv: string[], extra: Partial<CliIO> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    env: { HF_ENDPOINT: HUB, HF_HOME: home, HF_TOKEN: "hf_cli_secret" },
    ...extra,
  };
  return main(argv, io).then((code) => ({ code, stdout: out.join(""), stderr: err.join("") }));
}

describe("hfkit repo delete", () => {
  it("refuses without a terminal unless --yes is given", async () => {
    const refused = await run(["repo", "delete", "datasets/acme/x"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /Delete datasets\/acme\/x .*Refusing without a terminal to confirm on; pass --yes/,
    );
    expect(seen).toHaveLength(0);

    server.use(http.delete(`${HUB}/api/repos/delete`, () => HttpResponse.json({})));
    const done = await run(["repo", "delete", "datasets/acme/x", "--yes", "--format", "json"]);
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toEqual({ repo: "datasets/acme/x", deleted: true });
    await flush();
    expect(JSON.parse(new TextDecoder().decode(seen[0]!.body))).toEqual({
      name: "x",
      organization: "acme",
      type: "dataset",
    });
  });

  it("asks on a terminal and deletes only on yes", async () => {
    server.use(http.delete(`${HUB}/api/repos/delete`, () => HttpResponse.json({})));
    const questions: string[] = [];
    const terminal = (answer: string): Partial<CliIO> => ({
      stdin: { isTTY: true },
      prompt: async (q) => {
        questions.push(q);
        return answer;
      },
    });
    const no = await run(["repo", "delete", "acme/bert"], terminal("n"));
    expect(no).toMatchObject({ code: 0, stdout: "" });
    expect(no.stderr).toContain("Not deleted.");
    expect(seen).toHaveLength(0);
    const yes = await run(["repo", "delete", "acme/bert"], terminal("y"));
    expect(yes).toMatchObject({ code: 0, stdout: "Deleted acme/bert\n" });
    expect(questions[0]).toBe("Delete acme/bert and all its files? This cannot be undone. [y/N] ");
    expect(seen).toHaveLength(1);
  });
});

describe("hfkit repo create / settings / whoami", () => {
  it("creates with --repo-type, --private and --exist-ok, never printing the token", async () => {
    server.use(
      http.post(`${HUB}/api/repos/create`, () =>
        HttpResponse.json(
          { error: "You already created this dataset repo", url: `${HUB}/datasets/acme/x` },
          { status: 409 },
        ),
      ),
    );
    const result = await run([
      "repo",
      "create",
      "acme/x",
      "--repo-type",
      "dataset",
      "--private",
      "--exist-ok",
    ]);
    expect(result).toMatchObject({ code: 0, stdout: `Already exists: ${HUB}/datasets/acme/x\n` });
    await flush();
    expect(JSON.parse(new TextDecoder().decode(seen[0]!.body))).toMatchObject({
      type: "dataset",
      visibility: "private",
    });
    const conflict = await run(["repo", "create", "acme/x", "--repo-type", "dataset"]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/^error: Conflict \(409 .*You already created this dataset repo/);
    expect(conflict.stderr + conflict.stdout).not.toContain("hf_cli_secret");
  });

  it("maps settings flags and refuses an empty change", async () => {
    server.use(
      http.put(`${HUB}/api/models/acme/bert/settings`, () =>
        HttpResponse.json({ private: false, gated: false }),
      ),
    );
    const result = await run([
      "repo",
      "settings",
      "acme/bert",
      "--public",
      "--gated",
      "false",
      "--no-discussions",
    ]);
    expect(result.code).toBe(0);
    await flush();
    expect(JSON.parse(new TextDecoder().decode(seen[0]!.body))).toEqual({
      visibility: "public",
      gated: false,
      discussionsDisabled: true,
    });
    expect((await run(["repo", "settings", "acme/bert"])).code).toBe(2);
  });
});

describe("hfkit download", () => {
  const COMMIT = "e".repeat(40);
  const content = new TextEncoder().encode("hello\n");
  const blobId = "ce013625030ba8dba906f756967f9e9ca394464a"; // git hash-object of "hello\n"

  beforeEach(() => {
    server.use(
      http.head(
        `${HUB}/acme/bert/resolve/:rev/hello.txt`,
        () =>
          new HttpResponse(null, {
            headers: {
              "x-repo-commit": COMMIT,
              etag: `"${blobId}"`,
              "content-length": String(content.byteLength),
            },
          }),
      ),
      http.get(
        `${HUB}/acme/bert/resolve/:rev/hello.txt`,
        () => new HttpResponse(content, { headers: { etag: `"${blobId}"` } }),
      ),
    );
  });

  it("prints the cached path of each named file", async () => {
    const cache = join(home, "hub");
    const result = await run(["download", "acme/bert", "hello.txt"]);
    const expected = join(cache, "models--acme--bert", "snapshots", COMMIT, "hello.txt");
    expect(result).toMatchObject({ code: 0, stdout: `${expected}\n` });
    expect(await readlink(expected)).toBe(`../../blobs/${blobId}`);
  });

  it("fails offline with one line naming the file and revision", async () => {
    const result = await run(["download", "acme/bert", "hello.txt", "--revision", "v1"], {
      env: { HF_ENDPOINT: HUB, HF_HOME: home, HF_HUB_OFFLINE: "1" },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: "hello.txt" of acme\/bert at revision "v1" is not in .*HF_HUB_OFFLINE\.\n$/,
    );
    expect(seen).toHaveLength(0);
  });

  it("refuses a --local-dir or --cache-dir that is a file, before any request", async () => {
    const file = join(home, "config.json");
    await writeFile(file, "{}");
    for (const option of ["--local-dir", "--cache-dir"]) {
      for (const files of [[], ["hello.txt"]]) {
        const result = await run(["download", "acme/bert", ...files, option, file]);
        expect(result).toEqual({
          code: 2,
          stdout: "",
          stderr: `error: ${option}: ${file} is a file; give a folder.\n`,
        });
      }
    }
    expect(seen).toHaveLength(0);
  });

  it("refuses a --max-workers that is no count, before any request, instead of using 8", async () => {
    for (const value of ["0", "many", "2.5"]) {
      const result = await run(["download", "acme/bert", "--max-workers", value]);
      expect(result).toEqual({
        code: 2,
        stdout: "",
        stderr: `error: --max-workers: give a whole number of at least 1, not "${value}".\n`,
      });
    }
    expect(seen).toHaveLength(0);
  });
});
