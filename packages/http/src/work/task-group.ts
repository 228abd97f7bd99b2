/**
 * Concurrent work that fails as a whole: the first error aborts `signal` (so requests and
 * hashes in flight stop) and is what `wait()` rejects with. The caller's signal aborts the
 * group too; the listener on it is removed when `wait()` settles.
 */
export class TaskGroup {
  private readonly running = new Set<Promise<void>>();
  private readonly controller = new AbortController();
  private readonly detach: () => void;
  private failed = false;
  private firstError: unknown;

  constructor(parent?: AbortSignal) {
    const onAbort = () => this.controller.abort(parent?.reason);
    if (parent?.aborted) onAbort();
    else parent?.addEventListener("abort", onAbort, { once: true });
    this.detach = () => parent?.removeEventListener("abort", onAbort);
  }

  /** Aborted when the caller's signal aborts or when any task fails. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts `task` (often `queue.add(...)`); its failure fails the group. */
  spawn(task: (signal: AbortSignal) => Promise<unknown>): void {
    const promise = (async () => {
      try {
        if (this.signal.aborted) return;
        await task(this.signal);
      } catch (error) {
        this.fail(error);
      }
    })();
    this.running.add(promise);
    void promise.finally(() => this.running.delete(promise));
  }

  /** Fails the group from outside a task (the first failure wins). */
  fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.firstError = error;
    this.controller.abort(error);
  }

  /** Waits for every task, including those spawned meanwhile; rejects with the first error. */
  async wait(): Promise<void> {
    try {
      while (this.running.size > 0) await Promise.all([...this.running]);
    } finally {
      this.detach();
    }
    if (this.failed) throw this.firstError;
    this.signal.throwIfAborted();
  }
}
