import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_QUEUED, writeCopied, writePipelined } from "./write-verified.js";

const dir = mkdtempSync(join(tmpdir(), "hfkit-write-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const chunks = Array.from({ length: 40 }, (_, i) => new Uint8Array(10_000 + i).fill(i + 1));
const joined = Buffer.concat(chunks);

/**
 * A disk that answers only when the test says so (`release` lets every write through until
 * `done` settles): how far reading runs ahead of it is what bounds the memory a download holds.
 */
async function slowDisk(name: string) {
  const real = await open(join(dir, name), "w");
  const pending: (() => void)[] = [];
  const handle = {
    writev: (buffers: Uint8Array[], at: number) =>
      new Promise((resolve, reject) => {
        pending.push(() => real.writev(buffers, at).then(resolve, reject));
      }),
  } as unknown as FileHandle;
  const release = async (done: Promise<number>) => {
    let finished = false;
    void done.finally(() => {
      finished = true;
    });
    while (!finished) {
      pending.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    await real.close();
    return readFileSync(join(dir, name));
  };
  return { handle, pending, release };
}

async function writeTo(name: string, source: AsyncIterable<Uint8Array>, from = 0) {
  // Not "a": positional writes must land where they are aimed, which O_APPEND would hide.
  const handle = await open(join(dir, name), from > 0 ? "r+" : "w");
  const seen: number[] = [];
  try {
    const end = await writePipelined(handle, source, from, (c) => seen.push(c.byteLength));
    return { end, seen };
  } finally {
    await handle.close();
  }
}

describe("writePipelined", () => {
  it("puts every chunk at its place in the file, and hears each as it arrives", async () => {
    const { end, seen } = await writeTo(
      "whole",
      (async function* () {
        yield* chunks;
      })(),
    );
    expect(end).toBe(joined.byteLength);
    expect(seen).toEqual(chunks.map((c) => c.byteLength));
    expect(readFileSync(join(dir, "whole")).equals(joined)).toBe(true);
  });

  it("writes from a resume offset, after the bytes already there", async () => {
    const head = joined.subarray(0, 12_345);
    const handle = await open(join(dir, "resumed"), "w");
    await handle.write(head, 0, head.byteLength, 0);
    await handle.close();
    await writeTo(
      "resumed",
      (async function* () {
        yield joined.subarray(12_345);
      })(),
      12_345,
    );
    expect(readFileSync(join(dir, "resumed")).equals(joined)).toBe(true);
  });

  it("keeps every byte received before the source broke, and rethrows its error", async () => {
    const error = await writeTo(
      "broken",
      (async function* () {
        yield* chunks.slice(0, 7);
        throw new Error("connection reset");
      })(),
    ).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("connection reset");
    expect(readFileSync(join(dir, "broken")).equals(Buffer.concat(chunks.slice(0, 7)))).toBe(true);
  });

  it.each([["MAX_QUEUED (LFS through /resolve)", MAX_QUEUED]])(
    "stops reading while a write is in flight once %s bytes wait, then writes them all",
    async (_, bound) => {
      const { handle: slow, pending, release } = await slowDisk(`slow-${bound}`);
      // Chunks of a socket read's size, enough of them to cross the bound several times.
      const reads = Array.from({ length: Math.ceil((4 * bound) / 65_536) }, (_, i) =>
        new Uint8Array(65_536).fill(i % 251),
      );
      const all = Buffer.concat(reads);
      let pulled = 0;
      const source = (async function* () {
        for (const chunk of reads) {
          pulled++;
          yield chunk;
        }
      })();
      const done = writePipelined(slow, source, 0, () => {}, bound);
      // Let reading run as far as it may while the first write hangs.
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      expect(pending).toHaveLength(1);
      // The first chunk is being written; behind it at most `bound` bytes (plus the chunk that
      // crossed the line) wait, and the source is asked for nothing more.
      const ahead = Math.ceil(bound / 65_536) + 1;
      expect(pulled).toBeLessThanOrEqual(1 + ahead);
      expect(pulled).toBeLessThan(reads.length);
      expect((await release(done)).equals(all)).toBe(true);
      expect(await done).toBe(all.byteLength);
    },
  );
});

describe("writeCopied (Xet chunks lent by the reconstruction)", () => {
  /** Yields views of ONE buffer it overwrites as soon as it is resumed, as a lending source does. */
  async function* lending(parts: readonly Uint8Array[], fail?: Error) {
    const lent = new Uint8Array(Math.max(...parts.map((p) => p.byteLength)));
    for (const part of parts) {
      lent.set(part);
      yield lent.subarray(0, part.byteLength);
      lent.fill(0xee); // reused: anything not copied out is now wrong
    }
    if (fail) throw fail;
  }
  // 2.5 MiB in ~100 KiB pieces: buffers fill and flip several times, and end half full.
  const parts = Array.from({ length: 26 }, (_, i) => new Uint8Array(100_000 + i).fill(i + 7));
  const all = Buffer.concat(parts);

  async function copyTo(name: string, source: AsyncIterable<Uint8Array>, from = 0) {
    const handle = await open(join(dir, name), from > 0 ? "r+" : "w");
    const seen: number[] = [];
    try {
      return { end: await writeCopied(handle, source, from, (c) => seen.push(c.byteLength)), seen };
    } finally {
      await handle.close();
    }
  }

  it("puts the bytes of every lent chunk at their place, and hears each chunk", async () => {
    const { end, seen } = await copyTo("copied", lending(parts));
    expect(end).toBe(all.byteLength);
    expect(seen).toEqual(parts.map((p) => p.byteLength));
    expect(readFileSync(join(dir, "copied")).equals(all)).toBe(true);
  });

  it("writes from a resume offset, and keeps what arrived before the source broke", async () => {
    const head = all.subarray(0, 54_321);
    const handle = await open(join(dir, "copied-resumed"), "w");
    await handle.write(head, 0, head.byteLength, 0);
    await handle.close();
    const rest = [all.subarray(54_321, 1_554_321), all.subarray(1_554_321, 1_654_321)];
    const error = await copyTo("copied-resumed", lending(rest, new Error("reset")), 54_321).catch(
      (e: unknown) => e as Error,
    );
    expect((error as Error).message).toBe("reset");
    expect(readFileSync(join(dir, "copied-resumed")).equals(all.subarray(0, 1_654_321))).toBe(true);
  });

  it("stops reading while one buffer is being written and the other is full", async () => {
    const { handle: slow, pending, release } = await slowDisk("copied-slow");
    let pulled = 0;
    const source = (async function* () {
      for await (const part of lending(parts)) {
        pulled++;
        yield part;
      }
    })();
    const done = writeCopied(slow, source, 0, () => {});
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    // One 1 MiB buffer written, the other filled: about 2 MiB of 100 KB pieces read, no more.
    expect(pending).toHaveLength(1);
    expect(pulled).toBeLessThanOrEqual(Math.ceil((2 << 20) / 100_000) + 1);
    expect(pulled).toBeLessThan(parts.length);
    expect((await release(done)).equals(all)).toBe(true);
    expect(await done).toBe(all.byteLength);
  });
});
