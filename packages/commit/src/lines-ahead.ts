import { type CommitHeader, commitLines } from "./commit-payload.js";
import type { PlannedOp } from "./plan.js";

/** Base64 text the lines made ahead may hold at a time. */
const AHEAD_CHARS = 33_554_432; // 32 MiB (a literal: a page bundler drops it unused)
/** Lines made between two turns of the event loop. */
const TURN_LINES = 256;

/**
 * The lines of the next commit of a split folder upload, made while the Hub answers the one
 * before: the Hub applies a commit after its body has arrived (the emulator, ~60 ms for 1,000
 * small files), time in which the client sat idle, then made the next body while sending it.
 * `start()` makes them (regular files read and base64-encoded) up to 32 MiB of content;
 * iterating yields those, then the rest as they are made. A file that fails while they are
 * made ahead fails the commit where its line would have been, as it would have then.
 * Only for commits without an LFS file, whose line needs the SHA-256 its upload sets later.
 */
export class LinesAhead implements AsyncIterable<unknown> {
  private readonly lines: AsyncGenerator<unknown>;
  private readonly ready: unknown[] = [];
  private making: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;
  private done = false;

  constructor(header: CommitHeader, ops: readonly PlannedOp[]) {
    this.lines = commitLines(header, ops);
  }

  start(): void {
    this.making ??= this.make();
  }

  private async make(): Promise<void> {
    try {
      for (let chars = 0; chars < AHEAD_CHARS; ) {
        const step = await this.lines.next();
        if (step.done) {
          this.done = true;
          return;
        }
        this.ready.push(step.value);
        chars += (step.value as { value: { content?: string } }).value.content?.length ?? 0;
        // Small files' lines come from memory, without a turn of the event loop between them:
        // give it one now and then, as the walk does, so that nothing else waits long.
        if (this.ready.length % TURN_LINES === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      this.failure = { error };
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<unknown> {
    await this.making;
    while (this.ready.length > 0) yield this.ready.shift();
    if (this.failure) throw this.failure.error;
    if (!this.done) yield* this.lines;
  }
}

/** Whether the lines of `ops` can be made before the commit's transfers run (no LFS file). */
export function aheadFits(ops: readonly PlannedOp[]): boolean {
  return ops.every((op) => op.kind === "delete" || (op.kind === "add" && op.mode === "regular"));
}

/** `lines`, then `then()` once the last one was taken. */
export async function* linesThen(lines: AsyncIterable<unknown>, then: () => void): AsyncGenerator<unknown> {
  yield* lines;
  then();
}
