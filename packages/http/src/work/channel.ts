interface Entry<E> {
  event: E;
  key: string | undefined;
}

/**
 * Events from concurrent tasks, read by one async iterator. Progress events pass a `key`:
 * a newer one replaces an undelivered older one with the same key, so a slow consumer
 * never makes events pile up (memory stays bounded whatever the file sizes).
 */
export class EventChannel<E> implements AsyncIterable<E> {
  private readonly queue: Entry<E>[] = [];
  private readonly latest = new Map<string, Entry<E>>();
  private wake: (() => void) | undefined;
  private closed = false;
  private error: { reason: unknown } | undefined;

  push(event: E, key?: string): void {
    if (this.closed) return;
    const previous = key === undefined ? undefined : this.latest.get(key);
    if (previous) {
      previous.event = event;
    } else {
      const entry = { event, key };
      this.queue.push(entry);
      if (key !== undefined) this.latest.set(key, entry);
    }
    this.notify();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  fail(reason: unknown): void {
    this.error = { reason };
    this.close();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<E> {
    for (;;) {
      const entry = this.queue.shift();
      if (entry) {
        if (entry.key !== undefined && this.latest.get(entry.key) === entry) this.latest.delete(entry.key);
        yield entry.event;
        continue;
      }
      if (this.closed) {
        if (this.error) throw this.error.reason;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
