import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main } from "../main.js";
import { capture as captureIO } from "../test-utils.js";

const HUB = "https://hub.test";
const server = setupServer();
const seen: { method: string; path: string; body: string; authorization: string | null }[] = [];
const OID = "a".repeat(40);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  seen.length = 0;
});
afterAll(() => server.close());

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hfkit-upload-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// HF_HOME points at an empty folder so no saved token on this machine is read.
const capture = (tty = false) =>
  captureIO({ HF_ENDPOINT: HUB, HF_HOME: dir, HF_TOKEN: "hf_cli_token" }, { tty });

/** The Hub's answers for text files (regular uploads) and deletions. */
function hubForRegularFiles(repoPath = "models/me/m", tree: string[] = []) {
  const web = repoPath.replace(/^models\//, "");
  const record = async (request: Request) => {
    seen.push({
      method: request.method,
      path: new URL(request.url).pathname + new URL(request.url).search,
      body: await request.clone().text(),
      authorization: request.headers.get("authorization"),
    });
  };
  server.use(
    http.post(`${HUB}/api/${repoPath}/preupload/:rev`, async ({ request }) => {
      await record(request);
      const { files } = (await request.json()) as { files: { path: string }[] };
      return HttpResponse.json({
        files: files.map((f) => ({ path: f.path, uploadMode: "regular", shouldIgnore: false })),
        commitOid: OID,
      });
    }),
    http.get(`${HUB}/api/${repoPath}/tree/:rev`, async ({ request }) => {
      await record(request);
      return HttpResponse.json(tree.map((path) => ({ type: "file", oid: "b".repeat(40), size: 1, path })));
    }),
    http.post(`${HUB}/api/${repoPath}/commit/:rev`, async ({ request }) => {
      await record(request);
      const pr = new URL(request.url).searchParams.get("create_pr") === "1";
      return HttpResponse.json({
        success: true,
        commitOid: "c".repeat(40),
        commitUrl: `${HUB}/${web}/commit/${"c".repeat(40)}`,
        ...(pr ? { pullRequestUrl: `${HUB}/${web}/discussions/7` } : {}),
      });
    }),
  );
}

const lines = (body: string) =>
  body
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe("hfkit upload", () => {
  it("uploads a folder and prints the commit URL", async () => {
    await writeFile(join(dir, "a.txt"), "a");
    await mkdir(join(dir, "sub"));
    await writeFile(join(dir, "sub", "b.md"), "b");
    await writeFile(join(dir, "skip.log"), "x");
    hubForRegularFiles();
    const { io, stdout, stderr } = capture();
    const code = await main(
      [
        "upload",
        "me/m",
        dir,
        "docs",
        "--exclude",
        "*.log",
        "--commit-message",
        "Docs",
        "--commit-description",
        "d",
      ],
      io,
    );
    expect(stderr()).toBe("2 file(s): 0 LFS, 2 regular\n");
    expect(code).toBe(0);
    expect(stdout()).toBe(`${HUB}/me/m/commit/${"c".repeat(40)}\n`);
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/models/me/m/preupload/main",
      "POST /api/models/me/m/commit/main",
    ]);
    expect(lines(seen[1]!.body)).toEqual([
      { key: "header", value: { summary: "Docs", description: "d" } },
      { key: "file", value: { content: btoa("a"), path: "docs/a.txt", encoding: "base64" } },
      { key: "file", value: { content: btoa("b"), path: "docs/sub/b.md", encoding: "base64" } },
    ]);
    expect(seen.every((r) => r.authorization === "Bearer hf_cli_token")).toBe(true);
  });

  it("leaves out a symbolic link to a file outside the folder, with a note, unless told to follow it", async () => {
    const folder = join(dir, "folder");
    await mkdir(folder);
    await writeFile(join(folder, "a.txt"), "a");
    await writeFile(join(dir, "secret"), "PRIVATE");
    await symlink(join(dir, "secret"), join(folder, "config.json"));
    hubForRegularFiles();
    const { io, stderr } = capture();
    expect(await main(["upload", "me/m", folder], io)).toBe(0);
    expect(stderr()).toContain(
      `not uploaded: config.json is a symbolic link to ${await realpath(join(dir, "secret"))}, outside the folder (--follow-external-symlinks uploads it)`,
    );
    expect(lines(seen[1]!.body).map((l) => l.value.path)).toEqual([undefined, "a.txt"]);

    seen.length = 0;
    const followed = capture();
    expect(await main(["upload", "me/m", folder, "--follow-external-symlinks"], followed.io)).toBe(0);
    expect(followed.stderr()).not.toContain("not uploaded");
    expect(lines(seen[1]!.body).map((l) => l.value.path)).toEqual([undefined, "a.txt", "config.json"]);
  });

  it("says in its help what resuming means today", async () => {
    const { io, stdout } = capture();
    expect(await main(["upload", "--help"], io)).toBe(0);
    expect(stdout()).toContain("Resumption is per whole file: a large file whose multipart");
    expect(stdout()).toContain("upload was killed midway is sent again from its first part.");
    expect(stdout()).toContain("--follow-external-symlinks");
  });

  it("uploads one file under its name, to a dataset, as a pull request, with JSON output", async () => {
    await writeFile(join(dir, "notes.txt"), "n");
    hubForRegularFiles("datasets/me/d");
    const { io, stdout } = capture();
    const code = await main(
      ["upload", "me/d", join(dir, "notes.txt"), "--repo-type", "dataset", "--create-pr", "--format", "json"],
      io,
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout())).toEqual({
      repo: "datasets/me/d",
      commitOid: "c".repeat(40),
      commitUrl: `${HUB}/datasets/me/d/commit/${"c".repeat(40)}`,
      pullRequestUrl: `${HUB}/datasets/me/d/discussions/7`,
      created: true,
    });
    expect(seen.map((r) => r.path)).toEqual([
      "/api/datasets/me/d/preupload/main?create_pr=1",
      "/api/datasets/me/d/commit/main?create_pr=1",
    ]);
    expect(lines(seen[1]!.body)[1].value.path).toBe("notes.txt");
  });

  it("deletes remote files matching --delete in the same commit", async () => {
    await writeFile(join(dir, "new.bin.txt"), "n");
    hubForRegularFiles("models/me/m", ["old.ckpt", "keep.txt"]);
    const { io } = capture();
    expect(await main(["upload", "me/m", dir, "--delete", "*.ckpt"], io)).toBe(0);
    expect(lines(seen.at(-1)!.body).slice(1)).toEqual([
      { key: "file", value: { content: btoa("n"), path: "new.bin.txt", encoding: "base64" } },
      { key: "deletedFile", value: { path: "old.ckpt" } },
    ]);
  });

  it("fails with a one-line reason and exit 2 on bad input, before any request", async () => {
    const { io, stderr } = capture();
    expect(await main(["upload", "me/m", join(dir, "missing")], io)).toBe(2);
    expect(stderr()).toBe(
      `error: local_path: ${join(dir, "missing")} does not exist; give a file or a folder to upload.\n`,
    );
    await writeFile(join(dir, "f.txt"), "f");
    const second = capture();
    expect(await main(["upload", "me/m", join(dir, "f.txt"), "--include", "*.txt"], second.io)).toBe(2);
    expect(second.stderr()).toMatch(/^error: --include, --exclude and --delete apply to folders/);
    const third = capture();
    expect(await main(["upload", "me/m", dir, "../escape"], third.io)).toBe(2);
    // The argument is named as the help names it, not as the library's option.
    expect(third.stderr()).toMatch(/^error: path_in_repo: "\.\.\/escape" contains '\.\.'/);
    const fourth = capture();
    expect(await main(["upload", "me/m", join(dir, "f.txt"), "sub/"], fourth.io)).toBe(2);
    expect(fourth.stderr()).toBe(`error: path_in_repo: "sub/" ends with '/'; name a file, not a folder.\n`);
    expect(seen).toHaveLength(0);
  });

  it("exits 1 with the Hub's reason when the commit fails", async () => {
    await writeFile(join(dir, "a.txt"), "a");
    hubForRegularFiles();
    server.use(
      http.post(`${HUB}/api/models/me/m/commit/main`, () =>
        HttpResponse.json({ error: "Your push was rejected" }, { status: 400 }),
      ),
    );
    const { io, stderr, stdout } = capture();
    expect(await main(["upload", "me/m", dir], io)).toBe(1);
    const errorLines = stderr()
      .split("\n")
      .filter((l) => l.startsWith("error:"));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toContain("Your push was rejected");
    expect(stderr()).not.toContain("hf_cli_token");
    expect(stdout()).toBe("");
  });
});

describe("hfkit repo delete-files", () => {
  it("deletes the matching files in one commit and prints its URL", async () => {
    hubForRegularFiles("models/me/m", ["a.bin", "sub/b.bin", "README.md", "logs/x.txt"]);
    const { io, stdout, stderr } = capture();
    expect(
      await main(["repo", "delete-files", "me/m", "*.bin", "logs/", "--commit-message", "Clean"], io),
    ).toBe(0);
    expect(lines(seen.at(-1)!.body)).toEqual([
      { key: "header", value: { summary: "Clean" } },
      { key: "deletedFile", value: { path: "a.bin" } },
      { key: "deletedFile", value: { path: "sub/b.bin" } },
      { key: "deletedFolder", value: { path: "logs/" } },
    ]);
    expect(stderr()).toBe("deleted 3 path(s): a.bin, sub/b.bin, logs/\n");
    expect(stdout()).toBe(`${HUB}/me/m/commit/${"c".repeat(40)}\n`);
  });

  it("exits 1 when nothing matches", async () => {
    hubForRegularFiles("models/me/m", ["a.txt"]);
    const { io, stderr } = capture();
    expect(await main(["repo", "delete-files", "me/m", "*.bin"], io)).toBe(1);
    expect(stderr()).toBe("error: No file of me/m at main matches *.bin; nothing to delete.\n");
  });
});
