import type * as z from "@hfkit/http/zod";
import { isMap, isSeq } from "yaml";
import { type Card, positionOf } from "../card.js";
import { formatPath, type MetadataPath, pathOffset } from "../yaml/nodes.js";
import { datasetCardSchema } from "./dataset-card.js";
import { modelCardSchema } from "./model-card.js";
import type { CardProblem, ProblemParams, RawProblem } from "./problem.js";
import { configsRules, datasetInfoRules, licenseRules } from "./rules.js";

/** Which metadata a card holds: that of a model, a dataset or a Space repo. */
export type CardKind = "model" | "dataset" | "space";

export interface ValidateCardOptions {
  /** Default: guessed from the metadata (`configs`, `dataset_info`, `task_categories`… mean a dataset). */
  kind?: CardKind;
}

const DATASET_KEYS = [
  "configs",
  "dataset_info",
  "task_categories",
  "task_ids",
  "size_categories",
  "pretty_name",
];

/** Guesses the kind of a card from its metadata keys: dataset keys mean a dataset, else a model. */
export function guessCardKind(card: Card): CardKind {
  return DATASET_KEYS.some((key) => key in card.metadata) ? "dataset" : "model";
}

// What to do about a missing or mistyped key, by the key's name.
const FIXES: Record<string, string> = {
  task: "add `task: {type: <pipeline tag>}`, e.g. `type: text-classification`",
  dataset: "add `dataset: {type: <Hub dataset id>, name: <readable name>}`",
  metrics: "add `metrics:` with at least one `{type: <metric id>, value: <number>}`",
  results: "add `results:` (a list of evaluation results)",
  type: "add `type:` with an id (a task, a Hub dataset id or a metric id)",
  name: "add `name:` with a readable name",
  value: "add `value:` with the metric's value",
  url: "add `url:` with a link to the source",
  config_name: "add `config_name:` (the name passed to load_dataset)",
  split: "add `split:` (e.g. train)",
  path: "add `path:` with the file or glob of the split",
};

function describeType(input: unknown): string {
  if (input === undefined) return "missing";
  if (input === null) return "empty";
  if (Array.isArray(input)) return "a list";
  return `a ${typeof input}`;
}

function fromZod(issue: z.core.$ZodIssue, prefix: MetadataPath): RawProblem {
  const params = ((issue as { params?: ProblemParams & { zodCode?: string; input?: unknown } }).params ??
    {}) as ProblemParams & { zodCode?: string; input?: unknown };
  const path = [...prefix, ...(issue.path as (string | number)[])];
  const last = [...path].reverse().find((segment) => typeof segment === "string") as string | undefined;
  const zodCode = params.zodCode ?? issue.code;
  const input = params.input ?? (issue as { input?: unknown }).input;
  const shown = formatPath(path);
  if (zodCode === "invalid_type" || (zodCode === "custom" && params.code === "model-index/required")) {
    const missing = input === undefined || input === null;
    const expected = (issue as { expected?: string }).expected;
    return {
      path,
      severity: "error",
      code: missing ? "schema/required" : "schema/type",
      message: missing
        ? `\`${shown}\` is required`
        : `\`${shown}\` must be ${expected === "array" ? "a list" : `a ${expected ?? "value of another type"}`}, not ${describeType(input)}`,
      fix: (last && FIXES[last]) ?? `write \`${last ?? shown}\` as the Hub documents it`,
    };
  }
  if (zodCode === "too_small") {
    return {
      path,
      severity: "error",
      code: "schema/too-small",
      message: `\`${shown}\` ${Array.isArray(input) || (issue as { origin?: string }).origin === "array" ? "must not be empty" : issue.message}`,
      fix: (last && FIXES[last]) ?? "add at least one entry",
    };
  }
  return {
    path,
    severity: params.severity ?? "error",
    code: params.code ?? `schema/${zodCode}`,
    message: issue.message,
    fix: params.fix ?? "see the Hub's card metadata documentation",
  };
}

function place(card: Card, problem: RawProblem): CardProblem {
  const offset = pathOffset(card.document.contents, problem.path);
  const position =
    offset === undefined ? { line: card.yamlLineOffset + 1, column: 1 } : positionOf(card, offset);
  return { ...problem, ...position, path: formatPath(problem.path) };
}

/**
 * Checks a card's metadata and returns every problem at once, each with its metadata path, README
 * line and column, severity and fix. An empty list means the card is valid. YAML syntax errors
 * are reported too (and then nothing else can be checked).
 *
 * @example
 * const problems = validateCard(parseCard("---\nlicense: apache2\n---\n"), { kind: "model" });
 * // [{ path: "license", line: 2, column: 10, severity: "error", code: "license/unknown",
 * //    message: "`license` must be one of the Hub's license ids (…); got \"apache2\"",
 * //    fix: "did you mean \"apache-2.0\"? use `other` with `license_name` …" }]
 */
export function validateCard(card: Card, options: ValidateCardOptions = {}): CardProblem[] {
  if (card.yamlErrors.length > 0) {
    return card.yamlErrors.map((error) => ({
      path: "(front matter)",
      line: error.line,
      column: error.column,
      severity: "error",
      code: `yaml/${error.code.toLowerCase()}`,
      message: error.fix ? error.message : `the front matter is not valid YAML: ${error.message}`,
      fix: error.fix ?? "fix the YAML syntax at this line (indentation, quotes, a missing `:`)",
    }));
  }
  const contents = card.document.contents;
  if (contents !== null && !isMap(contents)) {
    return [
      place(card, {
        path: [],
        severity: "error",
        code: "metadata/not-a-mapping",
        message: `the metadata must be a mapping of keys (\`license: mit\`…), not ${isSeq(contents) ? "a list" : "a single value"}`,
        fix: "write one `key: value` per line between the `---` fences",
      }),
    ];
  }
  const kind = options.kind ?? guessCardKind(card);
  const metadata = card.metadata;
  const raw: RawProblem[] = [...licenseRules(metadata)];
  if (kind === "model") {
    const result = modelCardSchema.safeParse(metadata, { reportInput: true });
    if (!result.success) raw.push(...result.error.issues.map((issue) => fromZod(issue, [])));
  } else if (kind === "dataset") {
    const result = datasetCardSchema.safeParse(metadata, { reportInput: true });
    if (!result.success) raw.push(...result.error.issues.map((issue) => fromZod(issue, [])));
    raw.push(...configsRules(metadata), ...datasetInfoRules(metadata));
  } else {
    // Spaces: only the fields they share with the other cards.
    const result = modelCardSchema
      .pick({ license: true, license_name: true, license_link: true, tags: true })
      .safeParse(metadata, { reportInput: true });
    if (!result.success) raw.push(...result.error.issues.map((issue) => fromZod(issue, [])));
  }
  return raw
    .map((problem) => place(card, problem))
    .sort((a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path));
}
