import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createHubClient, InvalidInputError } from "@hfkit/http";
import { HUB, rejection, useMswServer } from "@hfkit/testing";
import { describe, expect, it } from "vitest";
import { commit } from "./commit.js";
import { tempTree } from "./test-utils/files.js";
import { sentCommits, TOKEN, useCommitHub } from "./test-utils/hub.js";
import type { CommitOperation, CommitOptions } from "./types.js";

const { server, seen, flush } = useMswServer();
// The emulator answers what gets through (the one commit below); refused input sends nothing.
const emulatorHub = useCommitHub(server);
const hub = () => createHubClient({ endpoint: HUB, token: TOKEN, env: {} });

async function refused(options: Partial<CommitOptions>) {
  const error = await rejection(
    commit(hub(), { repo: "acme/m", message: "m", operations: [], ...options } as CommitOptions),
  );
  expect(InvalidInputError.isInstance(error)).toBe(true);
  expect(seen).toHaveLength(0); // nothing reached the network
  return error;
}

const add = (path: string): CommitOperation => ({ type: "add", path, content: "x" });

describe("bad input fails before any request", () => {
  it.each([
    ["../escape.txt", "contains '..'"],
    ["a/../../b", "contains '..'"],
    ["/abs.txt", "drop the leading '/'"],
    [".git/config", "inside a .git folder"],
    ["sub/.git/HEAD", "inside a .git folder"],
    ["dir/", "ends with '/'"],
    ["a//b", "empty or '.' segments"],
    ["./a", "empty or '.' segments"],
    ["", "is empty"],
    ["bad\nname", "line break"],
    // What the download side would refuse is refused here too (one rule, @hfkit/http).
    ["a\\b.txt", "backslash"],
    [`${"x".repeat(300)}.bin`, "a name of 304 bytes"],
    ["C:/x.txt", "drive letter"],
  ])("rejects the path %j", async (path, problem) => {
    const error = await refused({ operations: [add("ok.txt"), add(path)] });
    expect(error.field).toBe("operations[1].path");
    expect(error.message).toContain(problem);
  });

  it("names a missing local file and where relative paths start", async () => {
    const error = await refused({ operations: [{ type: "add", path: "a.bin", file: "/nope/missing.bin" }] });
    expect(error.field).toBe("operations[0].file");
    expect(error.message).toMatch(/\/nope\/missing\.bin does not exist/);
  });

  it("refuses a directory where a file is expected, pointing at uploadFolder", async () => {
    const dir = await tempTree({ "x/a.txt": "a" });
    await mkdir(join(dir, "empty"));
    const error = await refused({ operations: [{ type: "add", path: "x", file: join(dir, "x") }] });
    expect(error.message).toMatch(/is a directory.*uploadFolder/);
  });

  it("wants exactly one source per add", async () => {
    const both = { type: "add", path: "a", content: "x", file: "/tmp/x" } as unknown as CommitOperation;
    expect((await refused({ operations: [both] })).message).toMatch(
      /exactly one of content, file, stream or uploaded/,
    );
    const none = { type: "add", path: "a" } as unknown as CommitOperation;
    expect((await refused({ operations: [none] })).message).toMatch(/got none/);
  });

  it("needs a size with a stream, and a function", async () => {
    const noSize = { type: "add", path: "a", stream: () => [] } as unknown as CommitOperation;
    expect((await refused({ operations: [noSize] })).field).toBe("operations[0].size");
    const notFn = { type: "add", path: "a", stream: "x", size: 1 } as unknown as CommitOperation;
    expect((await refused({ operations: [notFn] })).field).toBe("operations[0].stream");
  });

  it("refuses two operations writing the same path", async () => {
    const error = await refused({ operations: [add("a.txt"), { type: "delete", path: "b" }, add("a.txt")] });
    expect(error.message).toContain("already written by operations[0]");
  });

  it("checks copies, the title, the parent commit, the type and the concurrency", async () => {
    expect((await refused({ operations: [{ type: "copy", path: "a", oid: "xyz" }] })).field).toBe(
      "operations[0].oid",
    );
    const both = { type: "copy", path: "a", oid: "e".repeat(64), from: "b" } as unknown as CommitOperation;
    expect((await refused({ operations: [both] })).field).toBe("operations[0]");
    expect((await refused({ message: " ", operations: [add("a")] })).field).toBe("message");
    expect((await refused({ parentCommit: "main", operations: [add("a")] })).field).toBe("parentCommit");
    const odd = { type: "rename", path: "a" } as unknown as CommitOperation;
    expect((await refused({ operations: [odd] })).field).toBe("operations[0].type");
    expect((await refused({ concurrency: { parts: 0 }, operations: [add("a")] })).field).toBe(
      "concurrency.parts",
    );
    expect((await refused({ repo: "not a repo", operations: [add("a")] })).field).toBe("repo");
    expect((await refused({ operations: [] })).field).toBe("operations");
  });

  it.each(["..", "../main", "main..dev", "a b", "main/"])("refuses the revision %j", async (revision) => {
    const error = await refused({ revision, operations: [add("a")] });
    expect(error.field).toBe("revision");
  });

  it("still deletes a file another tool uploaded with a backslash in its name", async () => {
    await emulatorHub.seed("acme/m", { "old\\name.txt": "x" }, { token: TOKEN });
    const ops: CommitOperation[] = [{ type: "delete", path: "old\\name.txt" }];
    const result = await commit(hub(), { repo: "acme/m", message: "m", operations: ops });
    expect(result.commitOid).toMatch(/^[0-9a-f]{40}$/);
    await flush();
    expect(sentCommits(seen).map((c) => c.lines.slice(1))).toEqual([
      [{ key: "deletedFile", value: { path: "old\\name.txt" } }],
    ]);
  });
});
