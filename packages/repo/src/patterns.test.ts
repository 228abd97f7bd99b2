import { describe, expect, it } from "vitest";
import { pathFilter, pathMatcher } from "./patterns.js";

const keep = (include?: string | string[], exclude?: string | string[]) => (paths: string[]) =>
  paths.filter(pathFilter(include, exclude));

// Expected results follow Python's fnmatch.fnmatchcase as huggingface_hub applies it (utils/_paths.py).
describe("pathFilter", () => {
  it("keeps what matches an include and no exclude (huggingface_hub's own example)", () => {
    expect(keep("*.pdf", ".*")(["aaa.pdf", "bbb.jpg", ".ccc.pdf", ".ddd.png"])).toEqual(["aaa.pdf"]);
  });

  it("lets * cross folders, unlike shell globs", () => {
    expect(keep("data/*.json")(["data/a.json", "data/sub/b.json", "a.json", "data/c.jsonl"])).toEqual([
      "data/a.json",
      "data/sub/b.json",
    ]);
    expect(keep("*.safetensors")(["model.safetensors", "sub/model-00001.safetensors"])).toHaveLength(2);
  });

  it("reads a trailing slash as a folder's content, and handles ?, sets and literal dots", () => {
    expect(keep("data/")(["data/x", "data/y/z", "database"])).toEqual(["data/x", "data/y/z"]);
    expect(keep("v?.bin")(["v1.bin", "v12.bin", "vx.bin", "v1xbin"])).toEqual(["v1.bin", "vx.bin"]);
    expect(keep("[ab]*", "[!b]x*")(["a1", "ax1", "b1", "c1"])).toEqual(["a1", "b1"]);
    expect(keep("a+b(1).txt")(["a+b(1).txt", "aab1.txt"])).toEqual(["a+b(1).txt"]);
  });

  it("keeps everything without patterns, and treats backslashes in patterns as separators", () => {
    expect(keep()(["x", "y/z"])).toEqual(["x", "y/z"]);
    expect(keep("data\\*.csv")(["data/a.csv"])).toEqual(["data/a.csv"]);
  });
});

describe("pathMatcher", () => {
  const match = (patterns: string | string[], path: string) => pathMatcher(patterns, "include")!(path);

  it("takes a pattern without wildcards as one path, from the root", () => {
    expect(match("README.md", "README.md")).toBe(true);
    expect(match("README.md", "docs/README.md")).toBe(false);
    expect(match("./README.md", "README.md")).toBe(true);
    expect(match("logs/", "logs/2024/run.log")).toBe(true);
    expect(match("logs/", "logs")).toBe(false);
  });

  it("matches any of several patterns, dotfiles included", () => {
    expect(match(["*.tmp", "logs/"], "a/b.tmp")).toBe(true);
    expect(match(["*.tmp", "logs/"], "other/run.log")).toBe(false);
    expect(match("*.env", "sub/.env")).toBe(true);
  });

  it("has no opinion without patterns, and rejects empty ones naming the field", () => {
    expect(pathMatcher(undefined, "include")).toBeUndefined();
    expect(() => pathMatcher(["ok", ""], "exclude")).toThrow(/^exclude: give glob patterns/);
  });
});
