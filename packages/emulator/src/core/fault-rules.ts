import { z } from "zod";
import type { FaultSpec } from "./faults.js";

/**
 * Fault rules as JSON (`--faults FILE`, `POST /_emulator/faults`): `FaultSpec`s, with the
 * path as `path` (exact) or `pathRegex` (a RegExp source), and `times: "always"` for
 * `Infinity` (JSON has no Infinity).
 */
const Rule = z
  .object({
    method: z
      .string()
      .regex(/^[A-Za-z]+$/, "must be an HTTP method such as GET")
      .optional(),
    path: z.string().startsWith("/", "must be a URL path starting with /").optional(),
    pathRegex: z.string().optional(),
    status: z.number().int().min(100).max(599).optional(),
    times: z.union([z.number().int().positive(), z.literal("always")]).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    reset: z.boolean().optional(),
  })
  .strict();

/** One fault rule as written in a `--faults` file or posted to `/_emulator/faults`. */
export type FaultRuleJson = z.infer<typeof Rule>;

/** Parses one rule or an array of rules; the error names the rule and field and how to fix it. */
export function parseFaultRules(input: unknown, source = "faults"): FaultSpec[] {
  const list = Array.isArray(input) ? input : [input];
  return list.map((raw, i) => {
    const where = `${source}[${i}]`;
    const result = Rule.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const field = issue.path.length ? `.${issue.path.join(".")}` : "";
      throw new TypeError(`${where}${field}: ${issue.message}`);
    }
    const rule = result.data;
    if ((rule.path === undefined) === (rule.pathRegex === undefined))
      throw new TypeError(
        `${where}: give exactly one of "path" (exact, e.g. "/api/whoami-v2") or "pathRegex"`,
      );
    if (rule.status === undefined && rule.latencyMs === undefined && !rule.reset)
      throw new TypeError(`${where}: a rule needs "status", "latencyMs" or "reset": true to do anything`);
    let path: string | RegExp;
    if (rule.pathRegex !== undefined) {
      try {
        path = new RegExp(rule.pathRegex);
      } catch (error) {
        throw new TypeError(`${where}.pathRegex: ${(error as Error).message}`);
      }
    } else path = rule.path!;
    return {
      path,
      ...(rule.method ? { method: rule.method.toUpperCase() } : {}),
      ...(rule.status !== undefined ? { status: rule.status } : {}),
      ...(rule.times !== undefined ? { times: rule.times === "always" ? Infinity : rule.times } : {}),
      ...(rule.headers ? { headers: rule.headers } : {}),
      ...(rule.latencyMs !== undefined ? { latencyMs: rule.latencyMs } : {}),
      ...(rule.reset ? { reset: true } : {}),
    };
  });
}
