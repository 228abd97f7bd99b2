import { describe, expect, it } from "vitest";
import { InvalidInputError } from "./errors.js";
import { checkPathInRepo, pathInRepoProblem } from "./path-in-repo.js";
import { parseRepoId } from "./repo-id.js";
import { checkRevision, revisionProblem } from "./revision.js";

function refusal(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (error) {
    expect(InvalidInputError.isInstance(error)).toBe(true);
    return error as InvalidInputError;
  }
  throw new Error("accepted");
}

describe("the path rule shared by uploads and downloads", () => {
  it.each([
    "config.json",
    "data/train-00000-of-00001.parquet",
    "ünï/cödé #1?.txt",
    ".gitattributes",
    ".github/workflows/ci.yml",
    "a..b/c",
    `${"x".repeat(255)}/y`,
    `${"é".repeat(127)}t`, // 127 × 2 bytes + 1 = 255 bytes
  ])("accepts %j", (path) => {
    expect(pathInRepoProblem(path)).toBeUndefined();
    expect(checkPathInRepo(path, "pathInRepo")).toBe(path);
  });

  it.each([
    ["", /is empty/],
    ["/abs.txt", /starts with '\/'/],
    ["folder/", /ends with '\/'/],
    ["../x", /contains '\.\.'/],
    ["a/../../x", /contains '\.\.'/],
    ["a//b", /empty or '\.' segments/],
    ["./a", /empty or '\.' segments/],
    ["a\\b", /backslash/],
    ["a\u0000b", /control character/],
    ["a\nb", /control character/],
    ["a\tb", /control character/],
    ["a\u007fb", /control character/],
    [".git/config", /\.git folder/],
    ["sub/.git/HEAD", /\.git folder/],
    ["C:/Windows/x", /drive letter/],
    ["d:foo", /drive letter/],
    [`${"x".repeat(256)}`, /a name of 256 bytes/],
    [`${"é".repeat(128)}`, /a name of 256 bytes/],
    [`${"a/".repeat(500)}b`, /longer than 1000 characters/],
  ])("refuses %j, naming the field and the fix", (path, problem) => {
    const error = refusal(() => checkPathInRepo(path, "pathInRepo"));
    expect(error.field).toBe("pathInRepo");
    expect(error.message).toMatch(/^pathInRepo: /);
    expect(error.message).toMatch(problem);
  });

  it("shows control characters escaped in messages", () => {
    expect(refusal(() => checkPathInRepo("a\nb", "path")).message).toContain('"a\\nb"');
  });
});

describe("the revision rule", () => {
  it.each([
    "main",
    "v1.0",
    "refs/pr/12",
    "refs/convert/parquet",
    "a".repeat(40),
    "feature/x-y_z",
    "release@2",
  ])("accepts %j", (revision) => {
    expect(revisionProblem(revision)).toBeUndefined();
    expect(checkRevision(revision)).toBe(revision);
  });

  it("defaults to main", () => {
    expect(checkRevision(undefined)).toBe("main");
  });

  it.each([
    ["", /is empty/],
    ["..", /contains '\.\.'/],
    ["../main", /contains '\.\.'/],
    ["main..dev", /contains '\.\.'/],
    ["a b", /space/],
    ["a\nb", /control character/],
    ["a~1", /~ \^ :/],
    ["HEAD^", /~ \^ :/],
    ["a:b", /~ \^ :/],
    ["a\\b", /~ \^ :/],
    ["a*", /~ \^ :/],
    ["main@{1}", /@\{/],
    ["/main", /empty segment/],
    ["main/", /empty segment/],
    ["a//b", /empty segment/],
    [".hidden", /starting with '\.'/],
    ["refs/heads/.x", /starting with '\.'/],
    ["main.lock", /\.lock/],
    ["main.", /\.lock' or '\.'/],
    ["x".repeat(257), /longer than 256/],
  ])("refuses %j before any request", (revision, problem) => {
    const error = refusal(() => checkRevision(revision));
    expect(error.field).toBe("revision");
    expect(error.message).toMatch(problem);
  });
});

describe("repo ids are never repaired silently", () => {
  it.each([
    ["alice/", /ends with '\/'; write the full id, e.g. "alice\/my-repo"/],
    ["/alice/model", /starts with '\/'; drop it: "alice\/model"/],
    ["alice//model", /has an empty part/],
    ["alice/model.git", /ends with '\.git'; drop the suffix: "alice\/model"/],
    ["datasets/alice/data.git", /drop the suffix: "datasets\/alice\/data"/],
  ])("%j is a usage error naming the fix", (id, message) => {
    const error = refusal(() => parseRepoId(id, "model", "repo id"));
    expect(error.message).toMatch(/^repo id: /);
    expect(error.message).toMatch(message);
  });
});
