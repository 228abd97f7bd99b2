import { createReadStream, fstatSync } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { Decompress } from "fzstd";

/**
 * Bytes of a file, decompressed when it ends in `.gz` or `.zst`, in chunks of about 1 MiB. With
 * `progress`, a plain file's reader can tell which fraction of the file it has read.
 */
export function fileBytes(
  path: string,
  signal?: AbortSignal,
  progress?: { fraction?: () => number },
): AsyncIterable<Uint8Array> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20, signal });
  if (/\.gz$/i.test(path)) return raw.pipe(createGunzip({ chunkSize: 1 << 20 }));
  if (/\.zst$/i.test(path)) return zstdChunks(raw);
  if (progress) {
    let total: number | undefined;
    raw.once("open", (fd: number) => {
      total = fstatSync(fd).size;
    });
    progress.fraction = () => (total ? raw.bytesRead / total : Number.NaN);
  }
  return raw;
}

// Node 20 has no zstd in zlib; fzstd decompresses streams in pure JS.
async function* zstdChunks(input: Readable): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  const decompress = new Decompress((chunk) => {
    out.push(chunk);
  });
  for await (const chunk of input as AsyncIterable<Uint8Array>) {
    decompress.push(chunk);
    while (out.length > 0) yield out.shift()!;
  }
  decompress.push(new Uint8Array(0), true);
  while (out.length > 0) yield out.shift()!;
}

/**
 * Where the line from `start` up to `nl` (its line feed, or the end of the data) ends without
 * its break: a CR before `nl` dropped.
 */
export function endOf(buffer: Buffer, nl: number, start: number): number {
  return nl > start && buffer[nl - 1] === 13 ? nl - 1 : nl;
}

/**
 * Pushes the bounds of the complete lines of `buffer` from `start` (without the line break) and
 * returns where the unfinished tail starts. Its own function, not a loop in the generator below:
 * V8 then optimises this small loop alone instead of the whole generator (profiled on 50 k JSONL
 * rows: the generator's TurboFan compile took ~40-80 ms of a background thread, twice after a
 * deopt, in every process).
 */
function splitLines(buffer: Buffer, from: number, starts: number[], ends: number[]): number {
  let start = from;
  for (;;) {
    const nl = buffer.indexOf(10, start);
    if (nl === -1) return start;
    starts.push(start);
    ends.push(endOf(buffer, nl, start));
    start = nl + 1;
  }
}

/**
 * Complete lines of a byte stream (without the line break), with their 1-based numbers. A line
 * cut by a chunk boundary is joined on its own (a small copy); the rest of each chunk is split in
 * place, never copied (profiled: concatenating every 1 MiB chunk with the previous tail cost ~4% of
 * the main thread on 1 M JSONL rows).
 */
export async function* lines(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<{ buffer: Buffer; starts: number[]; ends: number[]; firstLine: number }> {
  let carry: Buffer[] = [];
  let line = 1;
  for await (const chunk of chunks) {
    const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    if (carry.length > 0) {
      const nl = buffer.indexOf(10);
      if (nl === -1) {
        carry.push(Buffer.from(buffer));
        continue;
      }
      const joined = Buffer.concat([...carry, buffer.subarray(0, nl + 1)]);
      carry = [];
      yield { buffer: joined, starts: [0], ends: [endOf(joined, joined.length - 1, 0)], firstLine: line };
      line++;
      start = nl + 1;
    }
    const starts: number[] = [];
    const ends: number[] = [];
    start = splitLines(buffer, start, starts, ends);
    if (starts.length > 0) {
      yield { buffer, starts, ends, firstLine: line };
      line += starts.length;
    }
    // the stream may reuse its chunk's memory once the next one is asked for: the tail is copied
    if (start < buffer.length) carry.push(Buffer.from(buffer.subarray(start)));
  }
  if (carry.length > 0) {
    const last = Buffer.concat(carry);
    const end = endOf(last, last.length, 0);
    yield { buffer: last, starts: [0], ends: [end], firstLine: line };
  }
}
