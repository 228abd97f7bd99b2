import { describe, expect, it } from "vitest";
import { InvalidInputError } from "./errors.js";
import {
  encodePathInRepo,
  encodeRevision,
  formatRepoId,
  isCommitId,
  parseRepoId,
  repoApiPath,
  repoWebPath,
} from "./repo-id.js";

describe("parseRepoId", () => {
  it("reads the type from a prefix, else the default", () => {
    expect(parseRepoId("datasets/acme/reviews")).toEqual({ type: "dataset", name: "acme/reviews" });
    expect(parseRepoId("spaces/acme/demo")).toEqual({ type: "space", name: "acme/demo" });
    expect(parseRepoId("models/acme/bert")).toEqual({ type: "model", name: "acme/bert" });
    expect(parseRepoId("acme/bert")).toEqual({ type: "model", name: "acme/bert" });
    expect(parseRepoId("acme/reviews", "dataset")).toEqual({ type: "dataset", name: "acme/reviews" });
    expect(parseRepoId("gpt2")).toEqual({ type: "model", name: "gpt2" });
    expect(parseRepoId({ type: "dataset", name: "a/b" })).toEqual({ type: "dataset", name: "a/b" });
  });

  it("treats a namespace called datasets as a namespace when there are only two parts", () => {
    expect(parseRepoId("datasets/x")).toEqual({ type: "model", name: "datasets/x" });
  });

  it.each([
    "",
    "a/b/c/d",
    "a//b",
    "-a/b",
    "a/b-",
    "a--b/c",
    "a/b..c",
    "a b/c",
    `a/${"x".repeat(97)}`,
    "alice/",
    "/alice/model",
    "datasets/alice/",
    "alice/model.git",
    "..",
  ])("rejects %j naming the field", (id) => {
    try {
      parseRepoId(id, "model", "repoId");
      throw new Error("accepted");
    } catch (error) {
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).field).toBe("repoId");
      expect((error as Error).message).toMatch(/^repoId: /);
    }
  });

  it("round-trips through formatRepoId", () => {
    for (const id of ["datasets/a/b", "spaces/a/b", "a/b"]) expect(formatRepoId(parseRepoId(id))).toBe(id);
  });
});

describe("URL building", () => {
  it("builds API and web paths per type", () => {
    expect(repoApiPath({ type: "dataset", name: "a/b" })).toBe("/api/datasets/a/b");
    expect(repoWebPath({ type: "model", name: "a/b" })).toBe("/a/b");
    expect(repoWebPath({ type: "space", name: "a/b" })).toBe("/spaces/a/b");
  });

  it("encodes revisions as one segment and file paths segment by segment", () => {
    expect(encodeRevision("refs/pr/1")).toBe("refs%2Fpr%2F1");
    expect(encodeRevision("feature/x+é")).toBe("feature%2Fx%2B%C3%A9");
    // No URL is ever built with a revision that no ref can have.
    expect(() => encodeRevision("..")).toThrow(/revision: "\.\." contains '\.\.'/);
    expect(() => encodeRevision("feature/x y")).toThrow(/contains a space/);
    expect(encodePathInRepo("data/my file #1?.csv")).toBe("data/my%20file%20%231%3F.csv");
    expect(encodePathInRepo("ünï/cödé.txt")).toBe("%C3%BCn%C3%AF/c%C3%B6d%C3%A9.txt");
  });

  it("tells commit ids from branch names", () => {
    expect(isCommitId("a".repeat(40))).toBe(true);
    expect(isCommitId("main")).toBe(false);
    expect(isCommitId("A".repeat(40))).toBe(false);
  });
});
