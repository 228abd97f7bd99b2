import { type Document, LineCounter, parseDocument } from "yaml";
import { CARD_LIMITS, type ParseCardOptions, parseBounded } from "./yaml/bounds.js";
import { PARSE_OPTIONS, PYYAML_STYLE } from "./yaml/schema.js";

// The Hub finds the front matter with this expression, and huggingface_hub copies it
// ("exact same regex as in the Hub server", huggingface_hub `repocard.py` REGEX_YAML_BLOCK).
// Group 1 is the opening fence with anything before it, group 2 the YAML, group 3 the line
// break and closing fence. In JavaScript `\s` also matches U+FEFF, so a BOM lands in group 1.
const FRONT_MATTER = /^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(?:\r\n|\n|$))/;
// The expression above needs a line between the fences; `---\n---\n` is an empty block to
// every Markdown front-matter reader, so we read it as one too (the Hub sees no metadata, and
// an empty block has none).
const EMPTY_FRONT_MATTER = /^(\s*---(?:\r\n|\r|\n))()(---[ \t]*(?:\r\n|\n|$))/;

/**
 * A problem the YAML parser found, placed in the README's own lines (1-based); or a reason the
 * front matter was not read at all (too large, too slow, an alias bomb, no closing fence),
 * which comes with its `fix`.
 */
export interface YamlSyntaxProblem {
  code: string;
  message: string;
  line: number;
  column: number;
  /** How to fix it, for problems that are not YAML syntax. */
  fix?: string;
}

/**
 * A parsed README.md. Its parts concatenate to the original text:
 * `opening + yaml + closing + body` (or `body` alone when there is no front matter).
 * Treat it as immutable: edit with {@link setMetadata}, {@link removeMetadata} and the dataset
 * config helpers, which return a new card and touch only the lines they change.
 */
export interface Card {
  /** Everything up to and including the opening `---` line (leading blank lines and a BOM too). Empty when there is no front matter. */
  readonly opening: string;
  /** The YAML between the fences, each line with its line break. */
  readonly yaml: string;
  /** The closing `---` line, with its line break when there is one. */
  readonly closing: string;
  /** The Markdown after the front matter. */
  readonly body: string;
  readonly hasFrontMatter: boolean;
  /** `\r\n` when the card's first line break is CRLF; new lines are written with it. */
  readonly lineBreak: "\n" | "\r\n";
  /**
   * The YAML document (comments, anchors, key order and scalar styles included), read as YAML 1.1
   * the way PyYAML reads it. Read from it freely; if you mutate it directly, {@link stringifyCard}
   * falls back to the `yaml` package's own formatting for the front matter.
   */
  readonly document: Document.Parsed;
  /** The metadata as plain data (`{}` when there is none or it is not a mapping). */
  readonly metadata: Record<string, unknown>;
  /** YAML syntax errors; a card with any cannot be edited. */
  readonly yamlErrors: readonly YamlSyntaxProblem[];
  /** Line (0-based) of the README on which the YAML starts. */
  readonly yamlLineOffset: number;
  /** @internal Offsets in `yaml` to README line/column. */
  readonly lineCounter: LineCounter;
  /** @internal `document.toString()` at parse time, to notice direct mutation. */
  readonly pristine: string | null;
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) lines++;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) lines++;
  }
  return lines;
}

function detectLineBreak(text: string): "\n" | "\r\n" {
  const lf = text.indexOf("\n");
  return lf > 0 && text[lf - 1] === "\r" ? "\r\n" : "\n";
}

/** The metadata as data, or undefined when its aliases expand past the limit (an alias bomb). */
function plainData(document: Document.Parsed): Record<string, unknown> | undefined {
  if (document.errors.length > 0) return {};
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: CARD_LIMITS.maxAliasCount });
  } catch (error) {
    // yaml's guard against "billion laughs": a ReferenceError about the alias count.
    if (error instanceof ReferenceError && /alias/i.test(error.message)) return undefined;
    throw error;
  }
  return data !== null && typeof data === "object" && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : {};
}

// The parser notices an unclosed quote or flow collection only where the text ends or the next
// key starts; a person needs the line where it was opened.
function errorOffset(yaml: string, code: string, message: string, offset: number): number {
  let opener: string | undefined;
  if (code === "MISSING_CHAR" && /quote/.test(message)) opener = message.includes("'") ? "'" : '"';
  else if (/^Flow sequence/.test(message)) opener = "[";
  else if (/^Flow mapping/.test(message)) opener = "{";
  if (!opener) return offset;
  const at = yaml.lastIndexOf(opener, offset - 1);
  return at === -1 ? offset : at;
}

/** @internal Builds a card from its parts. */
export function assembleCard(
  parts: Pick<Card, "opening" | "yaml" | "closing" | "body" | "hasFrontMatter" | "lineBreak">,
  options: ParseCardOptions = {},
  extra: readonly YamlSyntaxProblem[] = [],
): Card {
  const lineCounter = new LineCounter();
  const bounded = parseBounded(parts.yaml, lineCounter, options);
  let { document } = bounded;
  const yamlLineOffset = countLines(parts.opening);
  const refused: YamlSyntaxProblem[] = [...extra];
  if (bounded.problem) refused.push({ ...bounded.problem, line: yamlLineOffset + 1, column: 1 });
  let metadata = plainData(document);
  if (metadata === undefined) {
    refused.push({
      code: "ALIAS_LIMIT",
      message: `the front matter's aliases expand to more than ${CARD_LIMITS.maxAliasCount} nodes (an alias bomb?), so it was not read`,
      line: yamlLineOffset + 1,
      column: 1,
      fix: "write the values out instead of repeating them through `*alias` references",
    });
    document = parseDocument("", PARSE_OPTIONS);
    metadata = {};
  }
  const yamlErrors = document.errors.map((error) => {
    const pos = lineCounter.linePos(errorOffset(parts.yaml, error.code, error.message, error.pos[0]));
    return {
      code: error.code,
      message: error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, ""),
      line: pos.line + yamlLineOffset,
      column: pos.col,
    };
  });
  return {
    ...parts,
    document,
    metadata,
    yamlErrors: [...refused, ...yamlErrors],
    yamlLineOffset,
    lineCounter,
    pristine: document.errors.length === 0 && refused.length === 0 ? document.toString(PYYAML_STYLE) : null,
  };
}

/**
 * Splits a README.md into front matter and Markdown body and parses the YAML. Never throws:
 * YAML syntax errors are reported in `yamlErrors` (and by `validateCard`, with their line), as
 * are front matter that is never closed, larger than `maxYamlBytes`, slower to read than
 * `timeLimitMs`, or whose aliases expand past 10,000 nodes; such a card reads as having no
 * metadata and cannot be edited.
 *
 * @example
 * const card = parseCard("---\nlicense: mit\n---\n# My model\n");
 * card.metadata.license; // "mit"
 * stringifyCard(card) === "---\nlicense: mit\n---\n# My model\n"; // true
 */
export function parseCard(text: string, options: ParseCardOptions = {}): Card {
  const match = FRONT_MATTER.exec(text) ?? EMPTY_FRONT_MATTER.exec(text);
  const lineBreak = detectLineBreak(text);
  if (!match) {
    const parts = { opening: "", yaml: "", closing: "", body: text, hasFrontMatter: false, lineBreak };
    return assembleCard(parts, options, unterminated(text));
  }
  const [whole, opening, content, tail] = match as unknown as [string, string, string, string];
  // Give the YAML its last line break back (the expression puts it in the closing group), so
  // that every YAML line ends with one and new lines can be appended after it.
  const breakMatch = /^(\r\n|\r|\n)/.exec(tail);
  const yaml = content + (breakMatch ? breakMatch[1] : "");
  const closing = breakMatch ? tail.slice(breakMatch[1]!.length) : tail;
  return assembleCard(
    {
      opening,
      yaml,
      closing,
      body: text.slice(whole.length),
      hasFrontMatter: true,
      lineBreak,
    },
    options,
  );
}

// A first line of `---` that no closing fence follows: the Hub reads no metadata from it,
// which is never what the author meant.
const OPENING_FENCE = /^(\s*)---[ \t]*(?:\r\n|\r|\n)/;

function unterminated(text: string): YamlSyntaxProblem[] {
  const opening = OPENING_FENCE.exec(text);
  if (!opening) return [];
  const line = countLines(opening[1]!) + 1;
  return [
    {
      code: "UNTERMINATED_FRONT_MATTER",
      message: `the front matter opened by \`---\` on line ${line} is never closed, so the Hub reads no metadata from it`,
      line,
      column: 1,
      fix: "add a line with only `---` after the metadata (or remove the opening `---` if the card has none)",
    },
  ];
}

/**
 * Writes a card back to text. An unchanged card comes back byte for byte (line endings, BOM,
 * trailing spaces, comments and all).
 */
export function stringifyCard(card: Card): string {
  if (!card.hasFrontMatter) return card.body;
  let yaml = card.yaml;
  if (card.pristine !== null && card.document.toString(PYYAML_STYLE) !== card.pristine) {
    // The document was mutated through the `yaml` API: its own printer is all we have.
    yaml = card.document.toString(PYYAML_STYLE);
    if (card.lineBreak === "\r\n") yaml = yaml.replace(/\r?\n/g, "\r\n");
  }
  return card.opening + yaml + card.closing + card.body;
}

/** @internal README line (1-based) and column (1-based) of an offset into `card.yaml`. */
export function positionOf(card: Card, offset: number): { line: number; column: number } {
  const pos = card.lineCounter.linePos(offset);
  return { line: pos.line + card.yamlLineOffset, column: pos.col };
}
