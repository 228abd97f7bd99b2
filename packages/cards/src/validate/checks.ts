import * as z from "@hfkit/http/zod";
import { LICENSES } from "../hub-lists/licenses.js";
import type { ProblemParams } from "./problem.js";

type Ctx = z.RefinementCtx;

/** Reports one problem from inside a zod refinement. */
export function report(
  ctx: Ctx,
  path: (string | number)[],
  message: string,
  params: Required<Pick<ProblemParams, "code" | "fix">> & ProblemParams,
): void {
  ctx.addIssue({ code: "custom", message, path, params });
}

function shortList(values: readonly string[], max = 8): string {
  return values.length <= max
    ? values.join(", ")
    : `${values.slice(0, max).join(", ")}, … (${values.length} in all)`;
}

/** Levenshtein distance, stopping early once it exceeds `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      best = Math.min(best, current[j]!);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

function closest(value: string, values: readonly string[]): string | undefined {
  const bare = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, "");
  const wanted = bare(value);
  if (wanted === "") return undefined;
  const exact =
    values.find((candidate) => bare(candidate) === wanted) ??
    values.find((candidate) => bare(candidate).startsWith(wanted));
  if (exact) return exact;
  // A typo: the nearest value within two edits (one for short words).
  const limit = wanted.length <= 4 ? 1 : 2;
  let best: { value: string; distance: number } | undefined;
  for (const candidate of values) {
    const distance = editDistance(wanted, bare(candidate), limit);
    if (distance <= limit && (!best || distance < best.distance)) best = { value: candidate, distance };
  }
  return best?.value;
}

// YAML 1.1 (PyYAML, which the Hub's Python tools use) reads unquoted yes/no/on/off as booleans:
// `language: [no]` is the boolean false, not Norwegian.
function typeHint(value: unknown): string {
  if (typeof value === "boolean")
    return ` (it reads as the boolean ${value}: YAML 1.1 turns unquoted yes/no/on/off into booleans)`;
  if (value === null) return " (it is empty)";
  if (value instanceof Date) return " (it reads as a date: quote it)";
  return ` (it is a ${Array.isArray(value) ? "list" : typeof value})`;
}

/** A string or a list of strings, each checked by `each`. */
export function stringOrList(
  field: string,
  each?: (value: string, ctx: Ctx, path: (string | number)[]) => void,
) {
  return z.unknown().superRefine((input, ctx) => {
    const items = Array.isArray(input) ? input : [input];
    items.forEach((item, i) => {
      const path = Array.isArray(input) ? [i] : [];
      if (typeof item !== "string") {
        report(ctx, path, `\`${field}\` values must be strings${typeHint(item)}`, {
          code: `${field}/type`,
          fix:
            typeof item === "boolean"
              ? "quote the value, e.g. 'no'"
              : `write ${field} as a string or a list of strings`,
        });
      } else {
        each?.(item, ctx, path);
      }
    });
  });
}

/** One of a known list; `severity` says how bad an unknown value is. */
export function oneOf(
  field: string,
  values: readonly string[],
  options: { severity: "error" | "warning"; fix: string; source: string },
) {
  return (value: string, ctx: Ctx, path: (string | number)[]) => {
    if (values.includes(value)) return;
    const suggestion = closest(value, values);
    report(
      ctx,
      path,
      `\`${field}\` must be one of ${options.source} (${shortList(values)}); got "${value}"`,
      {
        code: `${field}/unknown`,
        severity: options.severity,
        fix: suggestion ? `did you mean "${suggestion}"? ${options.fix}` : options.fix,
      },
    );
  };
}

export const license = stringOrList(
  "license",
  oneOf("license", LICENSES, {
    severity: "error",
    source: "the Hub's license ids",
    fix: "use `other` with `license_name` (and `license_link`) for a license not in the list",
  }),
);

/** An ISO 639 code (`en`, `fra`), optionally with a region or script (`en-US`, `zh-Hant`). */
export const language = stringOrList("language", (value, ctx, path) => {
  if (/^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/.test(value)) return;
  report(ctx, path, `\`language\` should be an ISO 639 code like "en" or "fr"; got "${value}"`, {
    code: "language/format",
    severity: "warning",
    fix: "use the ISO 639-1 (two-letter) or 639-3 (three-letter) code of the language",
  });
});

// The Hub's repo id rule: letters, digits, "-", "_", "." in `namespace/name` (or a legacy bare name).
const REPO_ID =
  /^(?:[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?\/)?[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?$/;

export function repoIds(field: string, kind: string) {
  return stringOrList(field, (value, ctx, path) => {
    if (REPO_ID.test(value) && !value.includes("--") && !value.includes("..")) return;
    report(ctx, path, `\`${field}\` must be ${kind} id like "org/name"; got "${value}"`, {
      code: `${field}/repo-id`,
      fix: `use the Hub id of the ${kind.replace(/^an? /, "")} (the part after huggingface.co/ in its URL)`,
    });
  });
}

/** Plain strings, for free-form lists (`tags`, `metrics`). */
export const strings = (field: string) => stringOrList(field);

/** A string, with a type hint when it is not one. */
export function text(field: string) {
  return z.unknown().superRefine((input, ctx) => {
    if (typeof input === "string") return;
    report(ctx, [], `\`${field}\` must be a string${typeHint(input)}`, {
      code: `${field}/type`,
      fix: `write ${field} as a quoted string`,
    });
  });
}

/** Validates with the schema `choose` picks from the input's shape, so issues keep precise paths (unlike a union). */
export function byShape(choose: (input: unknown) => z.ZodType) {
  return z.unknown().superRefine((input, ctx) => {
    const result = choose(input).safeParse(input, { reportInput: true });
    if (result.success) return;
    for (const issue of result.error.issues) {
      const params = (issue as { params?: ProblemParams }).params ?? {};
      ctx.addIssue({
        code: "custom",
        message: issue.message,
        path: issue.path as (string | number)[],
        params: { ...params, zodCode: issue.code, input: (issue as { input?: unknown }).input },
      });
    }
  });
}
