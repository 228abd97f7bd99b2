import { z } from "zod";
import { badRequest, EmulatorHttpError } from "../core/errors.js";
import { LIMITS } from "../core/limits.js";
import { parseBody } from "../core/validate.js";
import { assertPathInRepo } from "./names.js";

export interface CommitHeader {
  summary: string;
  description?: string | null | undefined;
  parentCommit?: string | null | undefined;
}

export type CommitOp =
  | { kind: "file"; path: string; content: Buffer }
  | { kind: "lfsFile"; path: string; oid: string; size: number | undefined }
  | { kind: "delete"; path: string; folder: boolean | undefined };

const Header = z.object({
  summary: z.string().min(1, "summary must not be empty"),
  description: z.string().nullish(),
  parentCommit: z
    .string()
    .regex(/^[0-9a-f]{5,40}$/, "must be 5 to 40 lowercase hex characters")
    .nullish(),
});
const File = z.object({
  path: z.string(),
  content: z.string(),
  encoding: z.enum(["base64", "utf-8"]).nullish(),
});
const LfsFile = z.object({
  path: z.string(),
  algo: z.literal("sha256").nullish(),
  oid: z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase hex sha256"),
  size: z.number().int().nonnegative().nullish(),
});
const Deleted = z.object({ path: z.string() });
/** One NDJSON line. Built once: zod compiles a schema on its first parse (~60 µs a line). */
const Line = z.object({ key: z.string(), value: z.unknown() });

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeContent(value: z.infer<typeof File>): Buffer {
  if (value.encoding === "base64") {
    const compact = value.content.replace(/\s+/g, "");
    if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
      throw badRequest(`Invalid base64 content for ${value.path}`, "InvalidCommitPayload");
    }
    return Buffer.from(compact, "base64");
  }
  return Buffer.from(value.content, "utf8");
}

function toOp(key: string, value: unknown, where: string): CommitOp {
  switch (key) {
    case "file": {
      const file = parseBody(File, value, `${where} (file)`);
      assertPathInRepo(file.path);
      return { kind: "file", path: file.path, content: decodeContent(file) };
    }
    case "lfsFile": {
      const lfs = parseBody(LfsFile, value, `${where} (lfsFile)`);
      assertPathInRepo(lfs.path);
      return { kind: "lfsFile", path: lfs.path, oid: lfs.oid, size: lfs.size ?? undefined };
    }
    case "deletedFile":
    case "deletedFolder":
    case "deletedEntry": {
      const { path } = parseBody(Deleted, value, `${where} (${key})`);
      const trimmed = key === "deletedFolder" ? path.replace(/\/$/, "") : path;
      assertPathInRepo(trimmed);
      return {
        kind: "delete",
        path: trimmed,
        folder: key === "deletedFolder" ? true : key === "deletedFile" ? false : undefined,
      };
    }
    default:
      throw badRequest(`${where}: unknown key "${key}"`, "InvalidCommitPayload");
  }
}

/**
 * The NDJSON commit body: a `header` line first, then one operation per line. Blank lines
 * and a missing trailing newline (the JS client) are fine; anything else malformed is a 400.
 * Lines are consumed as they arrive, and a commit of more than `maxOperations` operations is
 * refused (413) at the first line past the limit, before the rest is read.
 */
export async function parseNdjsonCommit(
  lines: AsyncIterable<string> | Iterable<string>,
  maxOperations: number = LIMITS.commitOperations,
): Promise<{ header: CommitHeader; ops: CommitOp[] }> {
  let header: CommitHeader | undefined;
  const ops: CommitOp[] = [];
  let index = 0;
  for await (const raw of lines) {
    index++;
    const line = raw.trim();
    if (!line) continue;
    const where = `line ${index}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw badRequest(`Malformed NDJSON: ${where} is not valid JSON`, "InvalidCommitPayload");
    }
    const { key, value } = parseBody(Line, parsed, where);
    if (key === "header") {
      if (header || ops.length)
        throw badRequest(`${where}: the header must be the first line, once`, "InvalidCommitPayload");
      header = parseBody(Header, value, `${where} (header)`);
      continue;
    }
    if (!header)
      throw badRequest("Malformed NDJSON: the first line must be the header", "InvalidCommitPayload");
    if (ops.length >= maxOperations) throw tooManyOperations(maxOperations);
    ops.push(toOp(key, value, where));
  }
  if (!header) throw badRequest("Malformed NDJSON: missing header line", "InvalidCommitPayload");
  return { header, ops };
}

const tooManyOperations = (max: number) =>
  new EmulatorHttpError(
    413,
    "TooManyOperations",
    `A commit may hold at most ${max} operations: split it into several commits`,
  );

const JsonCommit = z.object({
  summary: z.string().min(1),
  description: z.string().nullish(),
  parentCommit: z.string().nullish(),
  files: z.array(z.unknown()).nullish(),
  lfsFiles: z.array(z.unknown()).nullish(),
  deletedEntries: z.array(z.unknown()).nullish(),
  deletedFiles: z.array(z.unknown()).nullish(),
});

/** The legacy JSON commit form (`files`, `lfsFiles`, `deletedEntries` / `deletedFiles`). */
export function parseJsonCommit(data: unknown): { header: CommitHeader; ops: CommitOp[] } {
  const body = parseBody(JsonCommit, data, "commit");
  const count =
    (body.files?.length ?? 0) +
    (body.lfsFiles?.length ?? 0) +
    (body.deletedEntries?.length ?? 0) +
    (body.deletedFiles?.length ?? 0);
  if (count > LIMITS.commitOperations) throw tooManyOperations(LIMITS.commitOperations);
  const header = parseBody(Header, body, "commit header");
  const ops = [
    ...(body.files ?? []).map((v, i) => toOp("file", v, `files[${i}]`)),
    ...(body.lfsFiles ?? []).map((v, i) => toOp("lfsFile", v, `lfsFiles[${i}]`)),
    ...[...(body.deletedEntries ?? []), ...(body.deletedFiles ?? [])].map((v, i) =>
      toOp("deletedEntry", v, `deletedEntries[${i}]`),
    ),
  ];
  return { header, ops };
}
