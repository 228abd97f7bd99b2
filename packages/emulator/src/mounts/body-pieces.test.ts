import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { bodyPieces } from "./body-pieces.js";

const MiB = 1024 * 1024;

/** A readable fed by hand, as node:http feeds a request: 64 KiB pieces. */
function body() {
  return new PassThrough({ highWaterMark: 64 * 1024 });
}

const piece = (n: number) => Buffer.alloc(64 * 1024, n);

describe("bodyPieces", () => {
  it("fails a body first read after its connection was gone, instead of waiting for ever", async () => {
    const source = body();
    source.write(piece(1));
    source.destroy();
    await new Promise((resolve) => setImmediate(resolve)); // its "close" has passed
    const reading = (async () => {
      for await (const _ of bodyPieces(source));
    })();
    const outcome = await Promise.race([
      reading.then(
        () => "ended",
        (error: Error) => error.message,
      ),
      new Promise((resolve) => setTimeout(() => resolve("still waiting after 2 s"), 2000)),
    ]);
    expect(outcome).toBe("The request body ended early: the client closed the connection");
  });

  it("hands every piece over in order, the same buffers, then ends", async () => {
    const source = body();
    const sent = [piece(1), piece(2), piece(3)];
    const read: Uint8Array[] = [];
    const reading = (async () => {
      for await (const p of bodyPieces(source)) read.push(p);
    })();
    for (const p of sent) source.write(p);
    source.end();
    await reading;
    expect(read).toHaveLength(3);
    expect(read.map((p) => Buffer.from(p))).toEqual(sent);
  });

  it("pauses the body while the reader is 1 MiB behind, and resumes it as the reader catches up", async () => {
    const source = body();
    const iterator = bodyPieces(source)[Symbol.asyncIterator]();
    const first = iterator.next(); // starts listening
    for (let i = 0; i < 40; i++) source.write(piece(i)); // 2.5 MiB, none read yet but the first
    await new Promise((resolve) => setImmediate(resolve));
    expect((await first).value).toHaveLength(64 * 1024);
    expect(source.isPaused()).toBe(true);
    // At most ~1 MiB went to the reader's queue: the rest of the 2.5 MiB waits in the source.
    expect(source.readableLength + source.writableLength).toBeGreaterThan(MiB);
    let pieces = 1;
    source.end();
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      expect(r.value[0]).toBe(pieces % 256);
      pieces++;
    }
    expect(pieces).toBe(40);
  });

  it("fails when the body is cut short (the client went away), as req.iterator() does", async () => {
    const source = body();
    const reading = (async () => {
      for await (const _ of bodyPieces(source)) source.destroy();
    })();
    source.write(piece(1));
    await expect(reading).rejects.toThrow(/ended early|aborted|closed/);
  });

  it("passes an error of the body on to the reader", async () => {
    const source = body();
    const reading = (async () => {
      for await (const _ of bodyPieces(source)) source.destroy(new Error("reset by peer"));
    })();
    source.write(piece(1));
    await expect(reading).rejects.toThrow("reset by peer");
  });

  it("touches nothing until read, and on an early return leaves the body to be drained", async () => {
    const source = body();
    const pieces = bodyPieces(source);
    source.write(piece(1));
    expect(source.listenerCount("data")).toBe(0);
    for await (const _ of pieces) break;
    expect(source.listenerCount("data")).toBe(0);
    expect(source.destroyed).toBe(false);
    source.end(piece(2));
    source.resume();
    await new Promise((resolve) => source.on("end", resolve));
  });
});
