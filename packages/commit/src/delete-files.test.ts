import { EntryNotFoundError } from "@hfkit/http";
import { listFiles } from "@hfkit/repo";
import { rejection, useMswServer } from "@hfkit/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { deleteFiles } from "./delete-files.js";
import { observer, sentCommits, TOKEN, testClient, useCommitHub } from "./test-utils/hub.js";

const { server, seen, flush } = useMswServer();
const emulatorHub = useCommitHub(server);
const hub = () => testClient();
const remote = {
  "README.md": "r",
  "docs/README.md": "d",
  "w1.bin": "1",
  "sub/w2.bin": "2",
  "logs/a.txt": "a",
  "logs/b/c.txt": "c",
};

beforeEach(async () => {
  await emulatorHub.seed("acme/m", remote, { token: TOKEN });
});

describe("deleteFiles", () => {
  it("deletes matching files one by one (in the tree's order: git's, by path) and a plain folder as a folder, in one commit", async () => {
    const result = await deleteFiles(hub(), {
      repo: "acme/m",
      patterns: ["*.bin", "README.md", "logs/"],
      message: "Clean up",
    });
    await flush();
    const commits = sentCommits(seen);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.lines).toEqual([
      { key: "header", value: { summary: "Clean up" } },
      { key: "deletedFile", value: { path: "README.md" } },
      { key: "deletedFile", value: { path: "sub/w2.bin" } },
      { key: "deletedFile", value: { path: "w1.bin" } },
      { key: "deletedFolder", value: { path: "logs/" } },
    ]);
    expect(result.deleted).toEqual(["README.md", "sub/w2.bin", "w1.bin", "logs/"]);
    const left: string[] = [];
    for await (const e of listFiles(observer(emulatorHub.emulator), { repo: "acme/m", recursive: true })) {
      if (e.type === "file") left.push(e.path);
    }
    expect(left.sort()).toEqual([".gitattributes", "docs/README.md"]);
  });

  it("fails without committing when nothing matches", async () => {
    const error = await rejection(deleteFiles(hub(), { repo: "acme/m", patterns: ["*.gguf"] }));
    expect(EntryNotFoundError.isInstance(error)).toBe(true);
    expect(error.message).toContain("No file of acme/m at main matches *.gguf");
    expect(seen.some((r) => r.url.pathname.includes("/commit/"))).toBe(false);
  });

  it("needs at least one pattern", async () => {
    const error = await rejection(deleteFiles(hub(), { repo: "acme/m", patterns: [] }));
    expect(error.field).toBe("patterns");
    expect(seen).toHaveLength(0);
  });
});
