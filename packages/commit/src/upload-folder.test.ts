import { realpath, symlink, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { InvalidInputError } from "@hfkit/http";
import { drain } from "@hfkit/http/work";
import { listFiles } from "@hfkit/repo";
import { HUB, rejection, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { noise, sha256, tempTree } from "./test-utils/files.js";
import { observer, sentCommits, TOKEN, testClient, useCommitHub } from "./test-utils/hub.js";
import type { CommitProgressEvent } from "./types.js";
import { uploadFile, uploadFileIter } from "./upload-file.js";
import { type UploadFolderOptions, uploadFolder, uploadFolderIter } from "./upload-folder.js";
import { CommitVerificationError } from "./verify.js";

const { server, seen, flush } = useMswServer();
const emulatorHub = useCommitHub(server);
const hub = () => testClient();

async function collect(options: UploadFolderOptions) {
  const events: CommitProgressEvent[] = [];
  const iter = uploadFolderIter(hub(), options);
  for (;;) {
    const step = await iter.next();
    if (step.done) return { events, result: step.value };
    events.push(step.value);
  }
}

/** The commits sent so far, from the wire. */
const commits = async () => {
  await flush();
  return sentCommits(seen);
};
const committedPaths = async (i: number) =>
  (await commits())[i]!.lines.slice(1).map((l) => `${l.key} ${l.value.path}`);
/** The files of acme/m at main now. */
const remoteFiles = async () => {
  const paths: string[] = [];
  for await (const e of listFiles(observer(emulatorHub.emulator), { repo: "acme/m", recursive: true })) {
    if (e.type === "file" && e.path !== ".gitattributes") paths.push(e.path);
  }
  return paths.sort();
};

describe("uploadFolder", () => {
  it("uploads the folder under pathInRepo, with include/exclude globs, skipping .git", async () => {
    const dir = await tempTree({
      "README.md": "# hi\n",
      "config.json": "{}",
      "sub/deep.json": "[]",
      "sub/w.bin": noise(3000),
      "logs/run.log": "x",
      "tmp.tmp": "t",
      ".git/HEAD": "ref: refs/heads/main\n",
      ".cache/huggingface/x.lock": "",
    });
    const { result, events } = await collect({
      repo: "acme/m",
      folder: dir,
      pathInRepo: "ckpt/",
      exclude: ["*.tmp", "logs/"],
    });
    expect(await committedPaths(0)).toEqual([
      "file ckpt/README.md",
      "file ckpt/config.json",
      "file ckpt/sub/deep.json",
      "lfsFile ckpt/sub/w.bin",
    ]);
    expect((await commits())[0]!.lines[0]).toEqual({
      key: "header",
      value: { summary: "Upload folder with hfkit" },
    });
    expect(result.commits).toHaveLength(1);
    expect(result.created).toBe(true);
    expect(events.find((e) => e.type === "commit-part-started")).toEqual({
      type: "commit-part-started",
      part: 1,
      parts: 1,
      files: 4,
    });

    seen.length = 0;
    await uploadFolder(hub(), { repo: "acme/m", folder: dir, include: "*.json", message: "json only" });
    expect(await committedPaths(0)).toEqual(["file config.json", "file sub/deep.json"]);
  });

  it("commits the bytes a small file's preupload sample was read with; a larger one is read again", async () => {
    const dir = await tempTree({ "small.txt": "before\n", "big.txt": "b".repeat(70_000) });
    // Rewrites both files (same sizes) once the preupload is answered, as the commit starts.
    const client = testClient({
      middleware: [
        async (ctx, next) => {
          if (ctx.request.url.pathname.includes("/commit/")) {
            await writeFile(join(dir, "small.txt"), "after!\n");
            await writeFile(join(dir, "big.txt"), "c".repeat(70_000));
          }
          return next(ctx);
        },
      ],
    });
    await uploadFolder(client, { repo: "acme/m", folder: dir });
    const [sent] = await commits();
    const content = (path: string) =>
      Buffer.from(String(sent!.lines.find((l) => l.value.path === path)!.value.content), "base64").toString();
    // Up to 64 KiB a file is read whole, once, with its sample: the commit sends what the Hub judged.
    expect(content("small.txt")).toBe("before\n");
    expect(content("big.txt")).toBe("c".repeat(70_000));
  });

  it("follows links inside the folder, and leaves out links that lead out of it, naming each", async () => {
    const outside = await tempTree({ id_rsa: "PRIVATE KEY", "dir/token": "hf_secret" });
    const dir = await tempTree({ "sub/real.json": "{}", "README.md": "# x\n" });
    await symlink("sub/real.json", join(dir, "config.json")); // relative, inside
    await symlink(join(dir, "README.md"), join(dir, "sub/readme-link.md")); // absolute, inside
    await symlink(join(outside, "id_rsa"), join(dir, "key.txt")); // absolute, outside
    await symlink(relative(join(dir, "sub"), join(outside, "dir/token")), join(dir, "sub/token")); // relative, outside
    await symlink(join(dir, "key.txt"), join(dir, "chain.txt")); // inside link to an outside link
    const { result, events } = await collect({ repo: "acme/m", folder: dir });
    expect(await committedPaths(0)).toEqual([
      "file README.md",
      "file config.json",
      "file sub/readme-link.md",
      "file sub/real.json",
    ]);
    const real = await realpath(outside);
    expect(result.refusedSymlinks).toEqual([
      { path: "chain.txt", target: join(real, "id_rsa") },
      { path: "key.txt", target: join(real, "id_rsa") },
      { path: "sub/token", target: join(real, "dir/token") },
    ]);
    expect(events.filter((e) => e.type === "file-skipped")).toEqual(
      result.refusedSymlinks.map((l) => ({ type: "file-skipped", reason: "external-symlink", ...l })),
    );
    expect((await commits())[0]!.lines.map((l) => JSON.stringify(l))).not.toContainEqual(
      expect.stringContaining(Buffer.from("PRIVATE KEY").toString("base64")),
    );

    seen.length = 0;
    const followed = await uploadFolder(hub(), { repo: "acme/m", folder: dir, followExternalSymlinks: true });
    expect(followed.refusedSymlinks).toEqual([]);
    expect(await committedPaths(0)).toContain("file key.txt");
    expect(await committedPaths(0)).toContain("file sub/token");
  });

  it("makes the next part's lines while the Hub answers a commit, and sends them unchanged", async () => {
    // Over 64 KiB: read when its commit line is made, not with its sample.
    const dir = await tempTree({ "a.txt": "a".repeat(70_000), "b.txt": "b".repeat(70_000) });
    let answered = 0;
    // Rewrites b.txt (same size) once the first commit is answered.
    const client = testClient({
      middleware: [
        async (ctx, next) => {
          const response = await next(ctx);
          if (ctx.request.url.pathname.includes("/commit/") && ++answered === 1) {
            await writeFile(join(dir, "b.txt"), "c".repeat(70_000));
          }
          return response;
        },
      ],
    });
    const result = await uploadFolder(client, { repo: "acme/m", folder: dir, maxFilesPerCommit: 1 });
    expect(result.commits).toHaveLength(2);
    const sent = await commits();
    expect(
      sent.map((c) => c.lines.map((l) => (l.key === "header" ? l.value.summary : l.value.path))),
    ).toEqual([
      ["Upload folder with hfkit (part 1 of 2)", "a.txt"],
      ["Upload folder with hfkit (part 2 of 2)", "b.txt"],
    ]);
    // b.txt was read (and its line made) before the first commit was answered.
    expect(Buffer.from(String(sent[1]!.lines[1]!.value.content), "base64").toString()).toBe(
      "b".repeat(70_000),
    );
  });

  it("splits by file count and by regular bytes, titles each part, deletes in the last one", async () => {
    const files: Record<string, string | Uint8Array> = {};
    for (let i = 0; i < 5; i++) files[`t${i}.txt`] = "x".repeat(400);
    files["big.bin"] = noise(50_000);
    const dir = await tempTree(files);
    await emulatorHub.seed("acme/m", { "old/a.bin": noise(10, 2), "old/keep.txt": "k" }, { token: TOKEN });
    seen.length = 0;
    const { result } = await collect({
      repo: "acme/m",
      folder: dir,
      message: "Sync",
      maxFilesPerCommit: 3,
      maxRegularBytesPerCommit: 1000,
      delete: ["*.bin"],
    });
    // big.bin (LFS) counts for files but not for inline bytes: 1000 bytes fit two 400-byte texts.
    const sent = await commits();
    expect(sent.map((c) => c.lines[0]!.value.summary)).toEqual([
      "Sync (part 1 of 3)",
      "Sync (part 2 of 3)",
      "Sync (part 3 of 3)",
    ]);
    expect(sent.map((c) => c.lines.slice(1).map((l) => `${l.key} ${l.value.path}`))).toEqual([
      ["lfsFile big.bin", "file t0.txt", "file t1.txt"],
      ["file t2.txt", "file t3.txt"],
      ["file t4.txt", "deletedFile old/a.bin"],
    ]);
    expect(result.commits).toHaveLength(3);
    expect(result.commitOid).toBe(result.commits[2]!.commitOid);
    expect(await remoteFiles()).toContain("old/keep.txt");
  });

  it("resumes after a failure: committed files and uploaded objects are not sent again", async () => {
    const dir = await tempTree({
      "a.bin": noise(20_000, 1),
      "b.bin": noise(20_000, 2),
      "c.bin": noise(20_000, 3),
      "d.txt": "d",
    });
    let commitsLeft = 1; // the second commit fails, as if the process died there
    server.use(
      http.post(`${HUB}/api/models/acme/m/commit/main`, () =>
        commitsLeft-- > 0 ? undefined : new HttpResponse("upstream died", { status: 502 }),
      ),
    );
    const options = { repo: "acme/m", folder: dir, maxFilesPerCommit: 2 };
    const error = await rejection(uploadFolder(hub(), options));
    expect(error.status).toBe(502);
    expect(await remoteFiles()).toEqual(["a.bin", "b.bin"]);
    // c.bin's object was uploaded before the commit that failed.
    expect(seen.filter((r) => r.method === "PUT")).toHaveLength(3);

    commitsLeft = Number.POSITIVE_INFINITY;
    seen.length = 0;
    const { events, result } = await collect(options);
    // Files hash concurrently: the order of these events is not fixed.
    const skipped = events.filter((e) => e.type === "file-skipped");
    expect(skipped.sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { type: "file-skipped", path: "a.bin", reason: "unchanged" },
      { type: "file-skipped", path: "b.bin", reason: "unchanged" },
    ]);
    expect(events).toContainEqual({
      type: "lfs-object-skipped",
      path: "c.bin",
      oid: sha256(noise(20_000, 3)),
      size: 20_000,
    });
    expect(seen.filter((r) => r.method === "PUT")).toHaveLength(0);
    expect(result.commits).toHaveLength(1);
    expect(await remoteFiles()).toEqual(["a.bin", "b.bin", "c.bin", "d.txt"]);

    // A third run finds nothing to do and makes no commit.
    const again = await collect(options);
    expect(again.result.created).toBe(false);
    expect(again.events.at(-1)).toEqual({ type: "commit-skipped", commitOid: result.commitOid });
  });

  it("opens one pull request and adds the later parts to it", async () => {
    const dir = await tempTree({ "a.bin": noise(1000, 1), "b.bin": noise(1000, 2) });
    const result = await uploadFolder(hub(), {
      repo: "acme/m",
      folder: dir,
      createPr: true,
      maxFilesPerCommit: 1,
    });
    expect((await commits()).map((c) => `${c.url.pathname}${c.url.search}`)).toEqual([
      "/api/models/acme/m/commit/main?create_pr=1",
      "/api/models/acme/m/commit/refs%2Fpr%2F1",
    ]);
    const batches = seen.filter((r) => r.url.pathname.endsWith("/objects/batch"));
    for (const b of batches) expect(JSON.parse(new TextDecoder().decode(b.body))).not.toHaveProperty("ref");
    expect(result.pullRequestUrl).toBe(`${HUB}/acme/m/discussions/1`);
  });

  it("verifies every file through paths-info after the commit", async () => {
    const dir = await tempTree({ "a.txt": "a", "w.bin": noise(5000) });
    const { events } = await collect({ repo: "acme/m", folder: dir, verify: true });
    expect(events.at(-1)).toEqual({ type: "verify-done", files: 2 });
    const pathsInfo = seen.find((r) => r.url.pathname.includes("/paths-info/"))!;
    expect(pathsInfo.url.pathname).toMatch(/\/paths-info\/[0-9a-f]{40}$/);
  });

  it("fails verification when the Hub does not hold what was sent", async () => {
    const dir = await tempTree({ "a.txt": "a", "w.bin": noise(5000) });
    // A Hub that lost a file (hub-protocol §4.2 leaves out paths that do not exist); the
    // emulator keeps what it is sent.
    server.use(
      http.post(`${HUB}/api/models/acme/m/paths-info/:rev`, () =>
        HttpResponse.json([{ type: "file", oid: "0".repeat(40), size: 1, path: "a.txt" }]),
      ),
    );
    const error = await rejection(uploadFolder(hub(), { repo: "acme/m", folder: dir, verify: true }));
    expect(CommitVerificationError.isInstance(error)).toBe(true);
    expect((error as unknown as CommitVerificationError).mismatches.map((m) => [m.path, m.problem])).toEqual([
      ["a.txt", "oid"],
      ["w.bin", "missing"],
    ]);
  });

  it("rejects a missing folder, a file given as folder, and an empty selection before any request", async () => {
    const dir = await tempTree({ "a.txt": "a" });
    for (const [folder, include, message] of [
      [join(dir, "nope"), undefined, /does not exist/],
      [join(dir, "a.txt"), undefined, /is a file; upload it with uploadFile/],
      [dir, "*.bin", /nothing to upload/],
    ] as const) {
      const error = await rejection(uploadFolder(hub(), { repo: "acme/m", folder, include }));
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect(error.message).toMatch(message);
    }
    const bad = await rejection(uploadFolder(hub(), { repo: "acme/m", folder: dir, pathInRepo: "../up" }));
    expect(bad.field).toBe("pathInRepo");
    expect(seen).toHaveLength(0);
  });
});

describe("uploadFile", () => {
  it("names the file after the local one and verifies it", async () => {
    const dir = await tempTree({ "model.bin": noise(4000) });
    const events: CommitProgressEvent[] = [];
    const iter = uploadFileIter(hub(), { repo: "acme/m", file: join(dir, "model.bin"), verify: true });
    for await (const e of iter) events.push(e);
    expect(await committedPaths(0)).toEqual(["lfsFile model.bin"]);
    expect((await commits())[0]!.lines[0]!.value.summary).toBe("Upload model.bin with hfkit");
    expect(events.at(-1)).toEqual({ type: "verify-done", files: 1 });
  });

  it("takes content with a pathInRepo, and requires one", async () => {
    await uploadFile(hub(), { repo: "acme/m", pathInRepo: "notes/a.md", content: "# a", message: "notes" });
    expect(await committedPaths(0)).toEqual(["file notes/a.md"]);
    const error = await rejection(drain(uploadFileIter(hub(), { repo: "acme/m", content: "x" })));
    expect(error.field).toBe("pathInRepo");
  });

  it("reports the local file by its option name", async () => {
    const dir = await tempTree({});
    await writeFile(join(dir, "x"), "");
    const error = await rejection(uploadFile(hub(), { repo: "acme/m", file: join(dir, "missing") }));
    expect(error.field).toBe("file");
  });
});
