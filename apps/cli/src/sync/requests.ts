import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { formatPath, type MetadataPath, parseYamlFile, type YamlFile } from "@hfkit/cards";
import { InvalidInputError, parseRepoId, type RepoId, type RepoType, revisionProblem } from "@hfkit/http";
import * as z from "@hfkit/http/zod";
import { pathMatcher } from "@hfkit/repo";

/** Where a request (or a problem) is: the request file, and the 1-based line and column in it. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** "We need this dataset (or model), at this revision, narrowed to this subset and split." */
export interface AddRequest {
  kind: "add";
  repo: RepoId;
  /** `hf_id` as written. */
  hfId: string;
  description: string;
  revision: string;
  subset?: string;
  split?: string;
  include?: string[];
  exclude?: string[];
  source: SourceLocation;
  /** Where each field written in the file is, to point a problem found on the Hub at its line. */
  fields: Record<string, SourceLocation>;
}

/** "We no longer need this repo", with why. Archives every active copy of it. */
export interface RemoveRequest {
  kind: "remove";
  repo: RepoId;
  hfId: string;
  reason: string;
  source: SourceLocation;
}

/** One thing wrong with the requests, placed in its file. `field` is the YAML path (`add[1].split`). */
export interface SyncProblem extends SourceLocation {
  field: string;
  message: string;
}

export interface RequestSet {
  adds: AddRequest[];
  removes: RemoveRequest[];
  problems: SyncProblem[];
}

const text = (field: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined ? "is required" : `must be text, not ${typeof issue.input}`,
    })
    .trim()
    .min(1, `must not be empty`)
    .describe(field);

const patterns = z
  .union([z.string(), z.array(z.string())], { error: "must be a glob or a list of globs" })
  .transform((value) => (typeof value === "string" ? [value] : value))
  .superRefine((value, ctx) => {
    try {
      pathMatcher(value, "patterns");
    } catch {
      ctx.addIssue({ code: "custom", message: 'must be non-empty globs, e.g. "data/*.parquet"' });
    }
  });

const repoType = z.enum(["dataset", "model", "space"], {
  error: 'must be "dataset", "model" or "space"',
});

// strictObject: a misspelt key (`hfid`, `splits`) is an error, not a request that silently
// mirrors more than was meant.
const addSchema = z.strictObject({
  hf_id: text("hf_id"),
  description: text("description"),
  repo_type: repoType.default("dataset"),
  revision: text("revision")
    .default("main")
    .superRefine((value, ctx) => {
      const problem = revisionProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  subset: text("subset").optional(),
  split: text("split").optional(),
  include: patterns.optional(),
  exclude: patterns.optional(),
});

const removeSchema = z.strictObject({
  hf_id: text("hf_id"),
  reason: text("reason"),
  repo_type: repoType.default("dataset"),
});

type Kind = "add" | "remove";

function readRepo(hfId: string, type: RepoType): RepoId | string {
  try {
    return parseRepoId(hfId, type, "hf_id");
  } catch (error) {
    return InvalidInputError.isInstance(error) ? error.message.replace(/^hf_id: /, "") : String(error);
  }
}

/** Checks one request (a mapping at `path` in the file) and adds it, or its problems, to `set`. */
function readRequest(
  kind: Kind,
  value: unknown,
  path: MetadataPath,
  file: string,
  yaml: YamlFile,
  set: RequestSet,
) {
  const at = (sub: MetadataPath, key = false) => ({ file, ...yaml.positionOf([...path, ...sub], { key }) });
  const problem = (sub: MetadataPath, message: string, key = false) =>
    set.problems.push({ ...at(sub, key), field: formatPath([...path, ...sub]), message });
  const schema = kind === "add" ? addSchema : removeSchema;
  const result = schema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          problem(
            [...(issue.path as (string | number)[]), key],
            `is not a field of ${kind} requests (they have ${Object.keys(schema.shape).join(", ")})`,
            true,
          );
        }
      } else if (issue.code === "invalid_type" && issue.path.length === 0) {
        problem(
          [],
          `a${kind === "add" ? "n add" : " remove"} request must be a mapping (\`hf_id: …\`), not ${Array.isArray(value) ? "a list" : typeof value}`,
        );
      } else {
        problem(issue.path as (string | number)[], issue.message);
      }
    }
    return;
  }
  const data = result.data;
  const repo = readRepo(data.hf_id, data.repo_type);
  if (typeof repo === "string") {
    problem(["hf_id"], repo);
    return;
  }
  const source = at([]);
  const fields = Object.fromEntries(Object.keys(value as object).map((key) => [key, at([key])]));
  if (kind === "add") {
    const add = data as z.infer<typeof addSchema>;
    if (repo.type !== "dataset" && (add.subset !== undefined || add.split !== undefined)) {
      problem(
        [add.subset !== undefined ? "subset" : "split"],
        `subset and split narrow datasets only; ${data.hf_id} is a ${repo.type}`,
      );
      return;
    }
    set.adds.push({
      kind,
      repo,
      hfId: add.hf_id,
      description: add.description,
      revision: add.revision,
      ...(add.subset !== undefined ? { subset: add.subset } : {}),
      ...(add.split !== undefined ? { split: add.split } : {}),
      ...(add.include ? { include: add.include } : {}),
      ...(add.exclude ? { exclude: add.exclude } : {}),
      source,
      fields,
    });
  } else {
    const remove = data as z.infer<typeof removeSchema>;
    set.removes.push({ kind, repo, hfId: remove.hf_id, reason: remove.reason, source });
  }
}

/** A request file's content: one request, a list of them, or (`kind` undefined) `{add: [...], remove: [...]}`. */
function readFileRequests(kind: Kind | undefined, file: string, source: string, set: RequestSet): void {
  const yaml = parseYamlFile(source);
  for (const p of yaml.problems) {
    set.problems.push({
      file,
      line: p.line,
      column: p.column,
      field: "(file)",
      message: `not valid YAML: ${p.message}`,
    });
  }
  if (yaml.problems.length > 0) return;
  const value = yaml.value;
  const many = (k: Kind, list: unknown, path: MetadataPath) => {
    if (!Array.isArray(list)) readRequest(k, list, path, file, yaml, set);
    else for (const [i, item] of list.entries()) readRequest(k, item, [...path, i], file, yaml, set);
  };
  if (kind) {
    many(kind, value, []);
    return;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    set.problems.push({
      file,
      line: 1,
      column: 1,
      field: "(file)",
      message: "must be a mapping with `add:` and/or `remove:` lists of requests",
    });
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== "add" && key !== "remove") {
      set.problems.push({
        file,
        ...yaml.positionOf([key], { key: true }),
        field: key,
        message: "is not a section of a request file (it has add and remove)",
      });
    }
  }
  if (record.add !== undefined) many("add", record.add, ["add"]);
  if (record.remove !== undefined) many("remove", record.remove, ["remove"]);
}

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

/**
 * Reads the requests at `path`: a folder with `add/*.yaml` and `remove/*.yaml` (each file one
 * request or a list of them), or one file with `add:` and `remove:` lists. Every problem is
 * collected (never thrown), with its file (as `path` names it), line and field.
 */
export async function readRequests(path: string): Promise<RequestSet> {
  const set: RequestSet = { adds: [], removes: [], problems: [] };
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new InvalidInputError(
      `requests: ${path} does not exist; give a request file or a folder with add/ and remove/`,
      { field: "path" },
    );
  }
  if (info.isDirectory()) {
    const adds = await yamlFiles(join(path, "add"));
    const removes = await yamlFiles(join(path, "remove"));
    if (adds.length === 0 && removes.length === 0) {
      throw new InvalidInputError(`requests: ${path} has no add/*.yaml or remove/*.yaml request files`, {
        field: "path",
      });
    }
    for (const [kind, files] of [
      ["add", adds],
      ["remove", removes],
    ] as const) {
      for (const file of files) readFileRequests(kind, file, await readFile(file, "utf8"), set);
    }
  } else {
    readFileRequests(undefined, path, await readFile(path, "utf8"), set);
  }
  return set;
}

/** `file:line:column field: message`, the form editors and CI annotations pick up. */
export function formatProblem(problem: SyncProblem): string {
  return `${problem.file}:${problem.line}:${problem.column} ${problem.field}: ${problem.message}`;
}
