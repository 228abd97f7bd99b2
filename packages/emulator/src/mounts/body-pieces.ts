import type { Readable } from "node:stream";

/** A reader may fall this far behind before the socket is paused (the servers' highWaterMark). */
const QUEUED_BYTES = 1024 * 1024;

/**
 * A request body's pieces as node:http hands them over ('data' events), the request paused
 * while the reader is `QUEUED_BYTES` or more behind: one promise per piece, where
 * `req.iterator()` adds a generator step and a `read()` with its 'readable' round trip (a Xet
 * upload's intake is ~2,700 pieces of 64 KiB for 174 MB). Listens only once read; returning
 * early detaches without destroying the socket (the mount then discards the rest, see
 * server.ts). A body cut short (the client went away) is an error, as with `req.iterator()`.
 */
export function bodyPieces(req: Readable): AsyncIterable<Uint8Array> {
  return { [Symbol.asyncIterator]: () => new BodyPieces(req) };
}

class BodyPieces implements AsyncIterator<Uint8Array> {
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  private listening = false;
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly req: Readable) {}

  async next(): Promise<IteratorResult<Uint8Array>> {
    if (!this.listening) this.listen();
    for (;;) {
      const piece = this.queue.shift();
      if (piece) {
        this.queued -= piece.byteLength;
        if (this.queued < QUEUED_BYTES && this.req.isPaused()) this.req.resume();
        return { value: piece, done: false };
      }
      if (this.failure) {
        this.detach();
        throw this.failure;
      }
      if (this.ended) {
        this.detach();
        return { value: undefined, done: true };
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.detach();
    return { value: undefined, done: true };
  }

  private listen(): void {
    this.listening = true;
    if (this.req.readableEnded) this.ended = true;
    this.req.on("data", this.onData);
    this.req.on("end", this.onEnd);
    this.req.on("error", this.onError);
    this.req.on("close", this.onClose);
    // Read only after the connection was gone (a route that waited first): its "close" has
    // passed, and no event will come; without this the read waited forever.
    if (this.req.destroyed) this.onClose();
  }

  private detach(): void {
    this.req.off("data", this.onData);
    this.req.off("end", this.onEnd);
    this.req.off("error", this.onError);
    this.req.off("close", this.onClose);
    this.queue.length = 0;
    this.queued = 0;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private readonly onData = (piece: Uint8Array): void => {
    this.queue.push(piece);
    this.queued += piece.byteLength;
    if (this.queued >= QUEUED_BYTES) this.req.pause();
    this.notify();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.notify();
  };

  private readonly onError = (error: Error): void => {
    this.failure ??= error;
    this.notify();
  };

  private readonly onClose = (): void => {
    if (!this.ended)
      this.failure ??= new Error("The request body ended early: the client closed the connection");
    this.notify();
  };
}
