import * as z from "@hfkit/http/zod";

// One entry of `GET /api/{type}/{repo}/tree/{rev}` and `POST …/paths-info/{rev}` (hub-protocol §4.1).
// Lenient: unknown keys pass, optional fields may be absent on older servers.
export interface WireTreeEntry {
  type: string;
  oid: string;
  size?: number;
  path: string;
  lfs?: { oid: string; size: number; pointerSize?: number } | null;
  xetHash?: string;
  lastCommit?: { id: string; title: string; date: string } | null;
  securityFileStatus?: { status: string } | null;
}

type Expected = "string" | "number" | "object";
/** A field's name, its type, and whether it may be absent (`optional`) or absent or null (`nullable`). */
type Field = readonly [name: string, type: Expected, optional?: "optional" | "nullable"];

const ENTRY: readonly Field[] = [
  ["type", "string"],
  ["oid", "string"],
  ["size", "number", "optional"],
  ["path", "string"],
  ["lfs", "object", "nullable"],
  ["xetHash", "string", "optional"],
  ["lastCommit", "object", "nullable"],
  ["securityFileStatus", "object", "nullable"],
];
const NESTED: Record<string, readonly Field[]> = {
  lfs: [
    ["oid", "string"],
    ["size", "number"],
    ["pointerSize", "number", "optional"],
  ],
  lastCommit: [
    ["id", "string"],
    ["title", "string"],
    ["date", "string"],
  ],
  securityFileStatus: [["status", "string"]],
};

const received = (value: unknown) =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The common entry (a listing without `expand`: plain, LFS or Xet files, folders) passes here
 * without the loop of `mismatch`, which is for the rest and for the messages: ~10% of a
 * 20,000-entry listing's client CPU, most of it before V8 optimises the loop.
 */
function isPlain(entry: unknown): boolean {
  const e = entry as Record<string, unknown> | null;
  if (typeof e !== "object" || e === null) return false;
  const lfs = e.lfs as Record<string, unknown> | null | undefined;
  return (
    typeof e.type === "string" &&
    typeof e.oid === "string" &&
    typeof e.path === "string" &&
    (e.size === undefined || typeof e.size === "number") &&
    (lfs === undefined ||
      (typeof lfs === "object" &&
        lfs !== null &&
        typeof lfs.oid === "string" &&
        typeof lfs.size === "number" &&
        (lfs.pointerSize === undefined || typeof lfs.pointerSize === "number"))) &&
    (e.xetHash === undefined || typeof e.xetHash === "string") &&
    e.lastCommit === undefined &&
    e.securityFileStatus === undefined
  );
}

/** The first field of `value` that does not match `fields`: its path below `value` and the message. */
function mismatch(value: Record<string, unknown>, fields: readonly Field[]): [string[], string] | undefined {
  for (let i = 0; i < fields.length; i++) {
    const [name, type, optional] = fields[i] as Field;
    const field = value[name];
    if (field === undefined && optional) continue;
    if (field === null && optional === "nullable") continue;
    if (type === "object" ? !isRecord(field) : typeof field !== type) {
      return [[name], `Invalid input: expected ${type}, received ${received(field)}`];
    }
    const nested = type === "object" ? NESTED[name] : undefined;
    const inner = nested && mismatch(field as Record<string, unknown>, nested);
    if (inner) return [[name, ...inner[0]], inner[1]];
  }
  return undefined;
}

/**
 * A page of tree entries (or a paths-info answer), checked in place: the entries come back as
 * JSON.parse made them, with no per-entry schema objects or copies (a recursive listing of a
 * large repo checks tens of thousands). An entry that does not match gives an issue naming its
 * index and field, as zod would (`3.lfs.size: Invalid input: expected number, received string`).
 * The web build checks with zod instead (tree-entry.browser.ts; tree-entry.test.ts compares them).
 */
export const WireTreePage: z.ZodType<WireTreeEntry[]> = z
  .custom<WireTreeEntry[]>()
  .superRefine((page, ctx) => {
    if (!Array.isArray(page)) {
      ctx.addIssue({ code: "custom", message: `Invalid input: expected array, received ${received(page)}` });
      return;
    }
    let issues = 0;
    for (let i = 0; i < page.length && issues < 5; i++) {
      const entry: unknown = page[i];
      if (isPlain(entry)) continue;
      const found = isRecord(entry)
        ? mismatch(entry, ENTRY)
        : ([[], `Invalid input: expected object, received ${received(entry)}`] as const);
      if (!found) continue;
      ctx.addIssue({ code: "custom", path: [i, ...found[0]], message: found[1], input: entry });
      issues++;
    }
  });
