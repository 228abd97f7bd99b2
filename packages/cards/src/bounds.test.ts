// What one card can cost to read is bounded: size, time and alias expansion. A card past a
// bound reads as having no metadata, with one problem that says why and how to fix it; it is
// written back unchanged and cannot be edited. Unterminated front matter is an error too.
import { describe, expect, it } from "vitest";
import { parseCard, stringifyCard } from "./card.js";
import { setMetadata } from "./edit.js";
import { CardError } from "./errors.js";
import { validateCard } from "./validate/validate.js";
import { CARD_LIMITS } from "./yaml/bounds.js";

/** A dataset card whose front matter is a list of `tags` about `bytes` long. */
function bigCard(bytes: number): string {
  const lines = ["---", "license: mit", "tags:"];
  for (let size = 0; size < bytes; size += 20) lines.push(`- tag-${String(size).padStart(13, "0")}`);
  return `${lines.join("\n")}\n---\n# Body\n`;
}

function expectRefused(text: string, code: string, line: number, options = {}) {
  const card = parseCard(text, options);
  expect(card.metadata).toEqual({});
  expect(card.yamlErrors[0]).toMatchObject({ code, line, column: 1 });
  const problems = validateCard(card);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatchObject({ severity: "error", code: `yaml/${code.toLowerCase()}`, line });
  expect(problems[0]!.fix).not.toMatch(/YAML syntax/);
  expect(stringifyCard(card)).toBe(text);
  expect(() => setMetadata(card, "license", "apache-2.0")).toThrow(CardError);
  return problems[0]!;
}

describe("size", () => {
  it("refuses a front matter over 5 MB without parsing it", () => {
    const problem = expectRefused(bigCard(CARD_LIMITS.maxYamlBytes + 100), "TOO_LARGE", 2);
    expect(problem.message).toMatch(/^the front matter is 5\.0 MB, more than the 5\.0 MB hfkit reads$/);
    expect(problem.fix).toContain("maxYamlBytes");
  });

  it("counts bytes, not characters, and takes a smaller bound as an option", () => {
    const text = `---\nname: ${"é".repeat(600)}\n---\n`;
    // 607 characters, 1207 bytes.
    expect(parseCard(text, { maxYamlBytes: 1207 }).metadata).toEqual({ name: "é".repeat(600) });
    expectRefused(text, "TOO_LARGE", 2, { maxYamlBytes: 1206 });
  });
});

describe("time", () => {
  it("stops reading when the time limit passes", () => {
    // 1 MB of YAML takes far more than a millisecond to read on any machine.
    const problem = expectRefused(bigCard(1_000_000), "TIME_LIMIT", 2, { timeLimitMs: 1 });
    expect(problem.message).toMatch(/took more than 0\.001 s \(1\.0 MB\), and was stopped/);
  });

  it("reads the same card within the default limit", () => {
    const card = parseCard(bigCard(100_000));
    expect(card.yamlErrors).toEqual([]);
    expect((card.metadata.tags as string[]).length).toBe(5000);
  });
});

describe("aliases", () => {
  it("refuses an alias bomb instead of expanding it", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (const [i, name] of ["b", "c", "d", "e", "f", "g", "h"].entries()) {
      const prev = "abcdefg"[i];
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]`);
    }
    const problem = expectRefused(`\n---\n${levels.join("\n")}\n---\n`, "ALIAS_LIMIT", 3);
    expect(problem.message).toContain("aliases expand to more than 10000 nodes");
  });

  it("reads cards that use a few anchors", () => {
    const card = parseCard("---\nbase: &b {license: mit}\nmodel: *b\n---\n");
    expect(card.metadata).toEqual({ base: { license: "mit" }, model: { license: "mit" } });
  });
});

describe("unterminated front matter", () => {
  it.each([
    ["---\nlicense: mit\ntags: [a]\n# Model\n", 1],
    ["\n\n---\nlicense: mit\n", 3],
    ["\uFEFF---\r\nlicense: mit\r\n", 1],
    ["--- \nlicense: mit\n", 1],
  ])("is an error at the line of its opening fence: %j", (text, line) => {
    const card = parseCard(text);
    expect(card.hasFrontMatter).toBe(false);
    const problem = expectRefused(text, "UNTERMINATED_FRONT_MATTER", line);
    expect(problem.message).toBe(
      `the front matter opened by \`---\` on line ${line} is never closed, so the Hub reads no metadata from it`,
    );
    expect(problem.fix).toContain("add a line with only `---`");
  });

  it("leaves cards without front matter alone", () => {
    for (const text of ["# Model\n\n---\n\nText\n", "", "text ---\n"]) {
      expect(validateCard(parseCard(text))).toEqual(
        validateCard(parseCard(text)).filter((p) => !p.code.startsWith("yaml/")),
      );
      expect(parseCard(text).yamlErrors).toEqual([]);
    }
  });
});
