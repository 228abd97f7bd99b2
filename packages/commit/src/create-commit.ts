import { encodeRevision, repoApiPath } from "@hfkit/http";
import { NDJSON_WRITER } from "./commit-body.js";
import { type CommitHeader, commitLines } from "./commit-payload.js";
import { type CommitContext, prQuery } from "./context.js";
import type { PlannedOp } from "./plan.js";
import type { CommitResult } from "./types.js";
import { WireCommitResponse } from "./wire/commit.js";

/**
 * `POST /api/{type}/{repo}/commit/{rev}` with the NDJSON body streamed from a generator.
 * Sent exactly once: a lost answer could otherwise create the commit twice (huggingface_hub
 * never retries it either). A stale `parentCommit` comes back as PreconditionFailedError.
 */
export async function createCommit(
  ctx: CommitContext,
  header: CommitHeader,
  ops: readonly PlannedOp[],
): Promise<CommitResult> {
  // A file that fails while the body streams (it changed size, it vanished) surfaces as a
  // transport error; report the file's own error instead.
  let bodyError: { error: unknown } | undefined;
  async function* lines() {
    try {
      yield* header.lines ?? commitLines(header, ops);
    } catch (error) {
      bodyError = { error };
      throw error;
    }
  }
  const { data } = await ctx.client
    .request({
      method: "POST",
      path: `${repoApiPath(ctx.repo)}/commit/${encodeRevision(ctx.revision)}`,
      query: prQuery(ctx),
      // Node writes the body itself (commit-body.ts); the browser build sends the lines as NDJSON.
      body: NDJSON_WRITER
        ? { binary: () => NDJSON_WRITER!(lines()), contentType: "application/x-ndjson" }
        : { ndjson: lines },
      schema: WireCommitResponse,
      idempotent: false,
      retry: false,
      signal: ctx.signal,
      operation: "createCommit",
    })
    .catch((error: unknown) => {
      throw bodyError ? bodyError.error : error;
    });
  return {
    commitOid: data.commitOid,
    commitUrl: data.commitUrl,
    ...(data.pullRequestUrl ? { pullRequestUrl: data.pullRequestUrl } : {}),
    created: true,
  };
}
