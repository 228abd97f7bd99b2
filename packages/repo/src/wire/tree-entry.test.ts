import { describe, expect, it } from "vitest";
import { WireTreePage as webCheck } from "./tree-entry.browser.js";
import { WireTreePage } from "./tree-entry.js";

// Entries as the Hub sends them (hub-protocol.md §4.1), and one broken field each.
const FILE = { type: "file", oid: "a".repeat(40), size: 512, path: "README.md" };
const LFS = { oid: "c".repeat(64), size: 9, pointerSize: 135 };
const ACCEPTED = [
  FILE,
  { type: "directory", oid: "e".repeat(40), size: 0, path: "data" },
  { ...FILE, size: undefined, lfs: LFS, xetHash: "d".repeat(64) },
  { ...FILE, lfs: null, lastCommit: null, securityFileStatus: null },
  { ...FILE, lastCommit: { id: "1".repeat(40), title: "Add", date: "2025-03-07T12:24:12.000Z" } },
  { ...FILE, securityFileStatus: { status: "safe", avScan: { virusFound: false } }, future: [1] },
  { type: "unknown-kind", oid: "f".repeat(40), path: "odd" },
];
const REFUSED = [
  "README.md",
  null,
  [FILE],
  { ...FILE, type: 1 },
  { ...FILE, oid: undefined },
  { ...FILE, size: "512" },
  { ...FILE, path: null },
  { ...FILE, lfs: { ...LFS, oid: 7 } },
  { ...FILE, lfs: { ...LFS, size: undefined } },
  { ...FILE, lfs: { ...LFS, pointerSize: "135" } },
  { ...FILE, lfs: [] },
  { ...FILE, xetHash: false },
  { ...FILE, lastCommit: { id: "1".repeat(40), title: "Add", date: 20250307 } },
  { ...FILE, lastCommit: "yesterday" },
  { ...FILE, securityFileStatus: { status: null } },
];

/** What a check says of a page: ok, or its issues as `path: message`. */
function verdict(check: typeof WireTreePage, page: unknown): string[] | "ok" {
  const parsed = check.safeParse(JSON.parse(JSON.stringify(page)));
  return parsed.success ? "ok" : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("WireTreePage", () => {
  it("accepts what the Hub may send and hands the entries back as parsed", () => {
    const page = JSON.parse(JSON.stringify(ACCEPTED));
    const parsed = WireTreePage.safeParse(page);
    expect(parsed.success && parsed.data).toBe(page);
  });

  it("names the entry and the field of what it refuses, as the web build's zod schema does", () => {
    for (const entry of ACCEPTED) expect(verdict(webCheck, [entry])).toBe("ok");
    for (const entry of REFUSED) {
      const node = verdict(WireTreePage, [FILE, entry]);
      expect(node).toHaveLength(1);
      expect(node[0]).toMatch(/^1(\.\w+)*: Invalid input: expected \w+, received \w+$/);
      expect(node).toEqual(verdict(webCheck, [FILE, entry]));
    }
  });

  it("refuses a page that is not a list", () => {
    expect(verdict(WireTreePage, { entries: [] })).toEqual([
      ": Invalid input: expected array, received object",
    ]);
  });
});
