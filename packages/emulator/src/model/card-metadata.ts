import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from "yaml";
import { LIMITS } from "../core/limits.js";
import { metadataValueErrors } from "./card-rules.js";

/**
 * The Hub reads a README's YAML front matter (between a leading `---` line and the next
 * `---` line) as the repo's metadata, and refuses commits where it is not valid YAML or not
 * a mapping (huggingface_hub checks the same through `POST /api/validate-yaml` before it
 * commits a README.md). Returns the problems, empty when the card is acceptable.
 *
 * Bounded (issue 10): front matter over `LIMITS.yamlChars`, nesting deeper than
 * `LIMITS.yamlDepth` and more than `LIMITS.yamlAliases` alias expansions are problems (a 400),
 * never a long parse or a 500.
 */
export function cardMetadataProblems(content: string): string[] {
  return cardMetadata(content).errors;
}

export interface CardMetadataCheck {
  errors: string[];
  /** Set when the card has no metadata (or an empty block): the Hub warns about it. */
  empty: boolean;
}

/** Parses and checks a README's metadata: syntax, bounds, shape, then the Hub's value rules. */
export function cardMetadata(content: string): CardMetadataCheck {
  const errors = syntaxProblems(content);
  if (errors.problems.length || errors.value === undefined)
    return { errors: errors.problems, empty: errors.value === undefined && !errors.problems.length };
  const value = errors.value;
  return { errors: metadataValueErrors(value), empty: Object.keys(value).length === 0 };
}

/** Syntax, bounds and shape; `value` is the metadata mapping when there is one. */
function syntaxProblems(content: string): { problems: string[]; value?: Record<string, unknown> } {
  const result = (problems: string[]) => ({ problems });
  const yaml = frontMatter(content);
  if (yaml === undefined) return result([]);
  if (yaml.length > LIMITS.yamlChars) {
    return result([
      `README.md metadata is too large (${yaml.length} characters; at most ${LIMITS.yamlChars}): move long content below the front matter`,
    ]);
  }
  const flowDepth = maxFlowDepth(yaml);
  if (flowDepth > LIMITS.yamlDepth) return result([tooDeep()]);
  // YAML 1.1, as PyYAML (the Hub's own tooling) reads it. Duplicate keys are checked below:
  // the parser's own `uniqueKeys` check is quadratic in the number of keys.
  const document = parseDocument(yaml, { version: "1.1", uniqueKeys: false });
  const problems = document.errors.map((error) => {
    const what = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    const at = error.linePos?.[0];
    // +1: the YAML starts on the line after the opening `---`.
    return `Invalid YAML in README.md metadata${at ? ` at line ${at.line + 1}, column ${at.col}` : ""}: ${what}`;
  });
  if (problems.length > 0) return result(problems);
  const shape = shapeProblem(document.contents);
  if (shape) return result([shape]);
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: LIMITS.yamlAliases });
  } catch (error) {
    // The `yaml` package throws a ReferenceError for excessive aliasing (an alias bomb).
    if (error instanceof ReferenceError || error instanceof RangeError) {
      return result([
        `README.md metadata expands too many aliases (at most ${LIMITS.yamlAliases}): write the values out`,
      ]);
    }
    throw error;
  }
  if (value === null || value === undefined) return { problems: [], value: {} };
  // An alias inside the node it names (`a: &a {b: *a}`) makes a cycle: the Hub keeps metadata
  // as JSON (`cardData`), which cannot hold one.
  if (isCyclic(value)) {
    return result([
      "Invalid YAML in README.md metadata: an alias refers to a node that contains it (a recursive structure); write the values out",
    ]);
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    return result(["README.md metadata must be a YAML mapping (key: value pairs)"]);
  }
  return { problems: [], value: value as Record<string, unknown> };
}

/** True when an object reaches itself (depth is bounded by `LIMITS.yamlDepth` before this runs). */
function isCyclic(value: unknown, ancestors = new Set<object>()): boolean {
  if (value === null || typeof value !== "object") return false;
  if (ancestors.has(value)) return true;
  ancestors.add(value);
  for (const child of Object.values(value)) if (isCyclic(child, ancestors)) return true;
  ancestors.delete(value);
  return false;
}

/** The front matter's YAML, or `undefined` when the text has no front matter. */
export function frontMatter(content: string): string | undefined {
  const text = content.replace(/^\uFEFF/, "");
  // Leading blank lines are allowed, as huggingface_hub's `REGEX_YAML_BLOCK` allows them.
  const first = /^\s*---[ \t]*\r?\n/.exec(text);
  if (!first) return undefined;
  const start = first[0].length;
  // The closing line: `---` alone on its line (the YAML may be empty).
  const close = /\n---[ \t]*(?:\r?\n|$)/g;
  // From the opening line's own newline, so that an empty block (`---\n---`) is found.
  close.lastIndex = start - 1;
  const match = close.exec(text);
  return match ? text.slice(start, Math.max(start, match.index)).replace(/\r$/, "") : undefined;
}

const tooDeep = () => `README.md metadata nests more than ${LIMITS.yamlDepth} levels deep: flatten it`;

/** Deepest `[`/`{` nesting, ignoring quoted strings and comments (a cheap pre-parse bound). */
function maxFlowDepth(yaml: string): number {
  let depth = 0;
  let max = 0;
  let quote: string | undefined;
  for (let i = 0; i < yaml.length; i++) {
    const c = yaml[i]!;
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#") {
      const nl = yaml.indexOf("\n", i);
      i = nl === -1 ? yaml.length : nl;
    } else if (c === "[" || c === "{") max = Math.max(max, ++depth);
    else if (c === "]" || c === "}") depth = Math.max(0, depth - 1);
    else if (c === "\n") quote = undefined;
  }
  return max;
}

/** Duplicate keys and excessive nesting, walked without recursion. */
function shapeProblem(root: unknown): string | undefined {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: root, depth: 0 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (depth > LIMITS.yamlDepth) return tooDeep();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isScalar(pair.key)) {
          const key = String(pair.key.value);
          if (seen.has(key)) {
            const line = pair.key.range ? ` (offset ${pair.key.range[0]})` : "";
            return `Invalid YAML in README.md metadata: Map keys must be unique ("${key}"${line})`;
          }
          seen.add(key);
        }
        stack.push({ node: pair.value, depth: depth + 1 });
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
    } else if (isAlias(node)) {
      // Aliases are bounded by `maxAliasCount` when converted.
    }
  }
  return undefined;
}
