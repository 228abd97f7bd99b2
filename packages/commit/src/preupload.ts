import { encodeRevision, InvalidResponseError, repoApiPath } from "@hfkit/http";
import { TaskGroup } from "@hfkit/http/work";
import PQueue from "p-queue";
import { type CommitContext, prQuery } from "./context.js";
import type { PlannedAdd } from "./plan.js";
import { WirePreuploadResponse } from "./wire/preupload.js";

/** Files per preupload request: huggingface_hub sends 256 (the JS client 100). */
export const PREUPLOAD_BATCH = 256;
/** The Hub sniffs the first 512 bytes of each file to choose between regular and LFS. */
export const SAMPLE_BYTES = 512;
/** `.gitattributes` / `.gitignore` larger than this are not sent along (they never are). */
const RULES_MAX_BYTES = 1 << 20;

interface PreuploadFile {
  path: string;
  size: number;
  sample: string;
}

async function rulesFile(adds: readonly PlannedAdd[], name: string): Promise<string | undefined> {
  const file = adds.find((a) => a.path === name);
  if (!file || file.source.size > RULES_MAX_BYTES) return undefined;
  return new TextDecoder().decode(await file.source.all());
}

/**
 * Asks the Hub how each file is stored (`uploadMode`), whether `.gitignore` excludes it and
 * what the revision holds at its path. A `.gitattributes` or `.gitignore` being committed is
 * sent along, as the official clients do, so that its new rules apply to this commit.
 * Returns the head commit the Hub reported.
 */
export async function runPreupload(
  ctx: CommitContext,
  adds: readonly PlannedAdd[],
): Promise<string | undefined> {
  const todo = adds.filter((a) => a.mode === undefined);
  if (todo.length === 0) return undefined;
  const gitAttributes = await rulesFile(adds, ".gitattributes");
  const gitIgnore = await rulesFile(adds, ".gitignore");
  const queue = new PQueue({ concurrency: ctx.concurrency.preupload });
  const group = new TaskGroup(ctx.signal);
  let head: string | undefined;
  for (let i = 0; i < todo.length; i += PREUPLOAD_BATCH) {
    const batch = todo.slice(i, i + PREUPLOAD_BATCH);
    group.spawn(() =>
      queue.add(async () => {
        // Samples are read per batch and dropped after it: 20,000 files never sit in memory.
        const files: PreuploadFile[] = await Promise.all(
          batch.map(async (a) => ({
            path: a.path,
            size: a.source.size,
            sample: Buffer.from(await a.source.head(SAMPLE_BYTES)).toString("base64"),
          })),
        );
        const { data, url, status, requestId } = await ctx.client.request({
          method: "POST",
          path: `${repoApiPath(ctx.repo)}/preupload/${encodeRevision(ctx.revision)}`,
          query: prQuery(ctx),
          body: {
            json: { files, ...(gitAttributes ? { gitAttributes } : {}), ...(gitIgnore ? { gitIgnore } : {}) },
          },
          schema: WirePreuploadResponse,
          idempotent: true, // a question, not a change
          signal: group.signal,
          operation: "preupload",
        });
        const answers = new Map(data.files.map((f) => [f.path, f]));
        for (const add of batch) {
          const answer = answers.get(add.path);
          if (!answer) {
            throw new InvalidResponseError(`The preupload answer leaves out ${add.path}.`, {
              status,
              url,
              requestId,
            });
          }
          // Empty files are always regular (huggingface_hub forces it too).
          add.mode = add.source.size === 0 ? "regular" : answer.uploadMode;
          add.ignored = answer.shouldIgnore === true;
          if (answer.oid) add.remoteOid = answer.oid;
        }
        head ??= data.commitOid ?? undefined;
      }),
    );
  }
  await group.wait();
  return head;
}
