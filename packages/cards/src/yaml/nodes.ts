import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from "yaml";

/** A path into the metadata: keys of mappings and indexes of sequences. */
export type MetadataPath = readonly (string | number)[];

/** `model-index[0].results`, `configs[1].data_files`: how paths are shown to people. */
export function formatPath(path: MetadataPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === "" ? "(metadata)" : out;
}

/** The key of a pair as the string it reads as (`0`, `true` and `null` keys included). */
export function keyText(pair: Pair): string | undefined {
  const key = pair.key as unknown;
  if (isScalar(key)) return String(key.value);
  if (typeof key === "string" || typeof key === "number" || typeof key === "boolean") return String(key);
  return undefined;
}

export function findPair(map: YAMLMap, key: string): Pair<Node, Node | null> | undefined {
  return (map.items as Pair<Node, Node | null>[]).find((pair) => keyText(pair) === key);
}

/** What a path points at in the document: the last existing node and how far the path got. */
export interface Located {
  /** The node at `path[0..depth)` (the root contents when depth is 0). */
  node: Node | null;
  /** The pair holding `node`, when its parent is a mapping. */
  pair: Pair<Node, Node | null> | undefined;
  /** The parent collection of `node`. */
  parent: YAMLMap | YAMLSeq | undefined;
  depth: number;
}

/** Follows `path` as far as it exists. Aliases are not followed: an edit goes where the alias is. */
export function locate(root: Node | null, path: MetadataPath): Located {
  let located: Located = { node: root, pair: undefined, parent: undefined, depth: 0 };
  for (const segment of path) {
    const { node } = located;
    if (typeof segment === "string" && isMap(node)) {
      const pair = findPair(node, segment);
      if (!pair) break;
      located = { node: pair.value, pair, parent: node, depth: located.depth + 1 };
    } else if (typeof segment === "number" && isSeq(node) && segment >= 0 && segment < node.items.length) {
      located = {
        node: node.items[segment] as Node,
        pair: undefined,
        parent: node,
        depth: located.depth + 1,
      };
    } else {
      break;
    }
  }
  return located;
}

/** Source range `[start, valueEnd, nodeEnd]` of a node, when it came from the text. */
export function rangeOf(node: unknown): [number, number, number] | undefined {
  const range = (node as { range?: [number, number, number] | null } | null)?.range;
  return range ?? undefined;
}

/**
 * Where in the text to point for `path`: the value when it exists, else the key of the deepest
 * part of the path that does (a missing field is reported at the mapping that lacks it).
 */
export function pathOffset(root: Node | null, path: MetadataPath): number | undefined {
  const found = locate(root, path);
  const node = found.node ?? found.pair?.key ?? null;
  let offset = rangeOf(node)?.[0];
  if (offset === undefined || (found.depth < path.length && (isMap(node) || isSeq(node)))) {
    offset = rangeOf(found.pair?.key)?.[0] ?? rangeOf(node)?.[0];
  }
  return offset;
}
