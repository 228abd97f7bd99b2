import type { YamlSyntaxProblem } from "./card.js";
import { assembleCard, positionOf } from "./card.js";
import { CARD_LIMITS, type ParseCardOptions } from "./yaml/bounds.js";
import { locate, type MetadataPath, pathOffset, rangeOf } from "./yaml/nodes.js";

/** A YAML file read with the card parser's rules and bounds, able to place a path on its lines. */
export interface YamlFile {
  /** The document as plain data; `undefined` when it has problems (or is empty). */
  readonly value: unknown;
  /** Syntax errors and refusals (too large, too slow, alias bomb), each with line and column (1-based). */
  readonly problems: readonly YamlSyntaxProblem[];
  /**
   * Line and column (1-based) of the value at `path` (`["requests", 2, "split"]`), or of the
   * deepest part of the path that exists: where to point a person at a field that is wrong
   * or missing. With `key: true`, the key of the last segment instead of its value (for a key
   * that should not be there).
   */
  positionOf(path: MetadataPath, options?: { key?: boolean }): { line: number; column: number };
}

/**
 * Parses a whole YAML file (a config or request file, not a README) as cards are parsed:
 * YAML 1.1 as PyYAML reads it, bounded in size, time and alias expansion, never throwing.
 * Validate `value` with your own schema and report each issue at `positionOf(issue.path)`.
 *
 * @example
 * const file = parseYamlFile("hf_id: acme/reviews\nsplit: 3\n");
 * file.value; // { hf_id: "acme/reviews", split: 3 }
 * file.positionOf(["split"]); // { line: 2, column: 8 }
 */
export function parseYamlFile(text: string, options: ParseCardOptions = {}): YamlFile {
  const lineBreak = /\r\n/.test(text) ? "\r\n" : "\n";
  const card = assembleCard(
    { opening: "", yaml: text, closing: "", body: "", hasFrontMatter: true, lineBreak },
    options,
  );
  let value: unknown;
  if (card.yamlErrors.length === 0) {
    // assembleCard already refused an alias bomb (the document is then empty).
    value = card.document.toJS({ maxAliasCount: CARD_LIMITS.maxAliasCount }) ?? undefined;
  }
  return {
    value,
    problems: card.yamlErrors,
    positionOf(path, { key = false } = {}) {
      const found = key ? locate(card.document.contents, path) : undefined;
      const keyOffset = found && found.depth === path.length ? rangeOf(found.pair?.key)?.[0] : undefined;
      const offset = keyOffset ?? pathOffset(card.document.contents, path);
      return offset === undefined ? { line: 1, column: 1 } : positionOf(card, offset);
    },
  };
}
