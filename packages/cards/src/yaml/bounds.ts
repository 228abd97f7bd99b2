import {
  Composer,
  type Document,
  Lexer,
  type LineCounter,
  Parser,
  parseDocument,
  YAMLParseError,
} from "yaml";
import { PARSE_OPTIONS } from "./schema.js";

/** Bounds on what reading one card may cost. */
export interface ParseCardOptions {
  /**
   * Largest front matter read, in bytes. Default 5 MB: the largest dataset cards (hundreds of
   * configs with their `dataset_info`) stay well under it, and reading YAML costs about 2 s per
   * MB on a small machine.
   */
  maxYamlBytes?: number;
  /** Time allowed to read the front matter, in milliseconds. Default 10,000. */
  timeLimitMs?: number;
}

/** The defaults of {@link ParseCardOptions}, and the alias expansion limit. */
export const CARD_LIMITS = { maxYamlBytes: 5_000_000, timeLimitMs: 10_000, maxAliasCount: 10_000 } as const;

/** A reason the front matter was not read, with the fix. */
export interface BoundProblem {
  code: "TOO_LARGE" | "TIME_LIMIT";
  message: string;
  fix: string;
}

// How many lexical tokens are read between two looks at the clock.
const CHECK_EVERY = 2048;

/**
 * Parses the front matter as `parseDocument` does, but refuses it when it is larger than
 * `maxYamlBytes` or when reading it takes longer than `timeLimitMs`: the lexer and the parser
 * (most of the cost) are driven token by token and stop at the deadline. Either way the card
 * gets an empty document and the problem to report, never an exception.
 */
export function parseBounded(
  yaml: string,
  lineCounter: LineCounter,
  options: ParseCardOptions = {},
): { document: Document.Parsed; problem?: BoundProblem } {
  const maxBytes = options.maxYamlBytes ?? CARD_LIMITS.maxYamlBytes;
  const timeLimitMs = options.timeLimitMs ?? CARD_LIMITS.timeLimitMs;
  const empty = () => parseDocument("", PARSE_OPTIONS);
  // UTF-16 length bounds the UTF-8 size from below: count bytes only when it is close.
  const bytes = yaml.length * 3 > maxBytes ? Buffer.byteLength(yaml) : yaml.length;
  if (bytes > maxBytes) {
    return {
      document: empty(),
      problem: {
        code: "TOO_LARGE",
        message: `the front matter is ${megabytes(bytes)}, more than the ${megabytes(maxBytes)} hfkit reads`,
        fix: "move large data out of the card's metadata (into files of the repo), or raise maxYamlBytes",
      },
    };
  }
  const deadline = performance.now() + timeLimitMs;
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0); // as Parser.parse does for a new source
  const tokens = [];
  let count = 0;
  for (const lexeme of new Lexer().lex(yaml)) {
    if (++count % CHECK_EVERY === 0 && performance.now() > deadline) {
      return {
        document: empty(),
        problem: {
          code: "TIME_LIMIT",
          message: `reading the front matter took more than ${timeLimitMs / 1000} s (${megabytes(bytes)}), and was stopped`,
          fix: "make the card's metadata smaller, or raise timeLimitMs",
        },
      };
    }
    for (const token of parser.next(lexeme)) tokens.push(token);
  }
  for (const token of parser.end()) tokens.push(token);
  const documents = [...new Composer(PARSE_OPTIONS).compose(tokens, true, yaml.length)] as Document.Parsed[];
  const document = documents[0] ?? empty();
  if (documents.length > 1) {
    // What parseDocument reports for a second document.
    const range = documents[1]!.range;
    document.errors.push(
      new YAMLParseError([range[0], range[1]], "MULTIPLE_DOCS", "Source contains multiple documents"),
    );
  }
  return { document };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
