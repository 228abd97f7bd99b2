import { type HubErrorDetails, InvalidResponseError } from "@hfkit/http";
import { getPathsInfo } from "@hfkit/repo";
import type { CommitContext } from "./context.js";
import { hashSource } from "./hash.js";
import type { PlannedAdd } from "./plan.js";

/** One file `verify` did not find as uploaded. */
export interface VerifyMismatch {
  path: string;
  problem: "missing" | "size" | "oid";
  expected: string;
  actual: string | undefined;
}

/** `verify: true` found files missing or different after the commit. */
export class CommitVerificationError extends InvalidResponseError {
  static override readonly errorName: string = "CommitVerificationError";
  readonly mismatches: readonly VerifyMismatch[];
  constructor(message: string, options: HubErrorDetails & { mismatches: readonly VerifyMismatch[] }) {
    super(message, options);
    this.mismatches = options.mismatches;
  }
}

/**
 * Checks through paths-info, at the commit just made, that every added file is there with
 * its size and content id: the LFS SHA-256 for LFS files, the git blob id for the others
 * (hashed now if the upload did not need it).
 */
export async function verifyUpload(
  ctx: CommitContext,
  adds: readonly PlannedAdd[],
  commitOid: string,
): Promise<number> {
  const files = adds.filter((a) => !a.ignored);
  const entries = await getPathsInfo(ctx.client, {
    repo: ctx.repo,
    paths: files.map((f) => f.path),
    revision: commitOid,
    signal: ctx.signal,
  });
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const mismatches: VerifyMismatch[] = [];
  for (const file of files) {
    const entry = byPath.get(file.path);
    const size = String(file.source.size);
    if (entry?.type !== "file") {
      mismatches.push({ path: file.path, problem: "missing", expected: size, actual: undefined });
      continue;
    }
    if (entry.size !== file.source.size) {
      mismatches.push({ path: file.path, problem: "size", expected: size, actual: String(entry.size) });
      continue;
    }
    const algorithm = entry.lfs ? "sha256" : "git-blob";
    const known = entry.lfs ? file.sha256 : file.gitOid;
    const expected =
      known ?? (await hashSource({ source: file.source, algorithm, field: file.field, signal: ctx.signal }));
    const actual = entry.lfs ? entry.lfs.oid : entry.oid;
    if (actual !== expected) mismatches.push({ path: file.path, problem: "oid", expected, actual });
  }
  if (mismatches.length > 0) {
    const list = mismatches
      .slice(0, 5)
      .map((m) => `${m.path} (${m.problem}: expected ${m.expected}, found ${m.actual ?? "nothing"})`)
      .join("; ");
    throw new CommitVerificationError(
      `Verification failed for ${mismatches.length} of ${files.length} file(s) at ${commitOid}: ${list}${mismatches.length > 5 ? "; …" : ""}.`,
      { mismatches },
    );
  }
  return files.length;
}
