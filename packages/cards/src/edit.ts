import { parseDocument } from "yaml";
import { assembleCard, type Card } from "./card.js";
import { CardError } from "./errors.js";
import type { MetadataPath } from "./yaml/nodes.js";
import type { YamlValue } from "./yaml/render.js";
import { PARSE_OPTIONS } from "./yaml/schema.js";
import { insertItem, removeIn, type SpliceInput, setIn } from "./yaml/splice.js";

/** A key path: `["model-index", 0, "name"]`, or a dotted string `"model-index.0.name"`. */
export type KeyPath = string | MetadataPath;

/** Splits a dotted path; digits-only segments become sequence indexes. */
export function parseKeyPath(path: KeyPath): MetadataPath {
  if (typeof path !== "string") return path;
  if (path === "") return [];
  return path.split(".").map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}

function editable(card: Card): void {
  if (card.yamlErrors.length > 0) {
    const first = card.yamlErrors[0]!;
    throw new CardError(
      "INVALID_YAML",
      first.fix
        ? `${first.message} (line ${first.line}); ${first.fix} before editing`
        : `the front matter is not valid YAML (line ${first.line}, column ${first.column}: ${first.message}); fix it before editing`,
    );
  }
}

function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, clean(v)]),
    );
  }
  return value;
}

/** @internal Applies one text edit and re-parses; an edit that breaks the YAML is a bug, so it throws. */
export function withYaml(card: Card, edit: (input: SpliceInput) => string): Card {
  editable(card);
  const before = card.yaml;
  const after = edit({ text: before, root: card.document.contents, lineBreak: card.lineBreak });
  if (after === before) return card;
  const next = assembleCard({
    opening: card.hasFrontMatter ? card.opening : `---${card.lineBreak}`,
    yaml: after,
    closing: card.hasFrontMatter ? card.closing : `---${card.lineBreak}`,
    body: card.body,
    hasFrontMatter: true,
    lineBreak: card.lineBreak,
  });
  if (next.yamlErrors.length > 0) {
    throw new CardError(
      "UNSUPPORTED_EDIT",
      `this edit would leave invalid YAML (${next.yamlErrors[0]!.message}); please report it with the card`,
    );
  }
  return next;
}

/**
 * Sets a metadata key (creating the mappings on the way) and returns the new card. Only the
 * lines of that key change; a scalar replaced by a scalar keeps its quoting and its comment.
 * New keys are written as PyYAML would, at the end of their mapping.
 *
 * @example
 * let card = parseCard("---\nlicense: mit # chosen in 2021\n---\n");
 * card = setMetadata(card, "license", "apache-2.0");
 * stringifyCard(card); // "---\nlicense: apache-2.0 # chosen in 2021\n---\n"
 */
export function setMetadata(card: Card, path: KeyPath, value: YamlValue): Card {
  const keys = parseKeyPath(path);
  return withYaml(card, (input) => setIn(input, keys, clean(value)));
}

/**
 * Removes a metadata key or list item and returns the new card; a missing key changes nothing.
 *
 * @example
 * const card = removeMetadata(parseCard("---\nlicense: mit\ntags: [a]\n---\n"), "tags");
 * stringifyCard(card); // "---\nlicense: mit\n---\n"
 */
export function removeMetadata(card: Card, path: KeyPath): Card {
  const keys = parseKeyPath(path);
  return withYaml(card, (input) => removeIn(input, keys));
}

/** Inserts an item into a metadata list before `index` (default: at the end) and returns the new card. */
export function insertMetadataItem(card: Card, path: KeyPath, value: YamlValue, index?: number): Card {
  const keys = parseKeyPath(path);
  return withYaml(card, (input) => {
    const list = card.metadata && lookup(card.metadata, keys);
    const length = Array.isArray(list) ? list.length : 0;
    return insertItem(input, keys, index ?? length, clean(value));
  });
}

function lookup(data: unknown, path: MetadataPath): unknown {
  let node = data;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/**
 * Reads a value written on a command line the way PyYAML reads a scalar or flow collection:
 * `mit` → "mit", `3` → 3, `true` → true, `[a, b]` → ["a", "b"], `{k: v}` → {k: "v"}, `'no'` → "no".
 *
 * @example
 * parseYamlValue("[text-generation, chat]"); // ["text-generation", "chat"]
 */
export function parseYamlValue(text: string): unknown {
  const document = parseDocument(text, { ...PARSE_OPTIONS, keepSourceTokens: false });
  if (document.errors.length > 0) {
    throw new CardError(
      "INVALID_INPUT",
      `"${text}" is not a YAML value: ${document.errors[0]!.message.split("\n")[0]}`,
    );
  }
  return document.toJS() as unknown;
}
