import { isAscii, isUtf8 } from "node:buffer";
import { basename } from "node:path";
import type { Row } from "../encode/batch.js";
import { dataError } from "../errors.js";
import { fileBytes, lines } from "./bytes.js";
import { type JsonlLines, LazyRowChunk, type RowChunk, type RowSource } from "./source.js";

/**
 * Line `i` of `chunk` parsed as the row it holds (undefined for a blank line), or the error that
 * names the file and line. The one parser of JSONL rows: the byte-level reader
 * (encode/json-line.ts) hands every line it does not read itself to this one. A line the feature
 * inference parsed already (`chunk.parsed`) is not parsed again.
 */
export function jsonlRow(chunk: JsonlLines, i: number, file: string | undefined): Row | undefined {
  const parsed = chunk.parsed;
  if (parsed && i < parsed.length) return parsed[i];
  const start = chunk.starts[i]!;
  const end = chunk.ends[i]!;
  if (end === start) return undefined;
  // For ASCII bytes latin1 gives the same string as UTF-8, decoded faster (one check per
  // ~1 MiB chunk; profiled: ~10% less time splitting and parsing 1 M JSONL rows).
  const text = chunk.buffer.toString(chunk.ascii ? "latin1" : "utf8", start, end);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (text.trim() === "") return undefined;
    throw dataError(
      { file, line: chunk.firstLine + i },
      `not valid JSON (${(error as Error).message}); each line must be one JSON object`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw dataError(
      { file, line: chunk.firstLine + i },
      'each line must be a JSON object like {"text": "…"}',
    );
  }
  return value as Row;
}

/** The lines of one read of the file, parsed when asked for (`LazyRowChunk`). */
class JsonlChunk extends LazyRowChunk {
  constructor(
    file: string,
    public jsonl: JsonlLines | undefined,
  ) {
    super(file);
  }

  protected make(): { rows: Row[]; lines: number[] } {
    const made = rowsOf(this.jsonl!, this.file);
    this.jsonl = undefined;
    return made;
  }
}

/** Every non-blank line of `chunk` as its row, with its line number. */
function rowsOf(chunk: JsonlLines, file: string | undefined): { rows: Row[]; lines: number[] } {
  const rows: Row[] = [];
  const lines: number[] = [];
  for (let i = 0; i < chunk.starts.length; i++) {
    const row = jsonlRow(chunk, i, file);
    if (row === undefined) continue;
    rows.push(row);
    lines.push(chunk.firstLine + i);
  }
  return { rows, lines };
}

/**
 * A JSONL chunk held back for the feature inference, its first lines parsed for the sample
 * (`parsed`, up to the sample's last row: the rest of the chunk is not parsed for it). The lines'
 * bytes are kept, copied (the stream may reuse a chunk's memory once the next is read): the
 * writer reads them into the columns as it reads every later line, rather than appending parsed
 * rows (the object path encodes each string to UTF-8 again, and is a second row reader for V8 to
 * warm up in a cold process: profiled on a 20 k-row push, ~20 ms of the main thread). `rows`,
 * for a reader that needs them (media columns), reuses the sample's rows.
 */
export class SampledJsonlChunk extends LazyRowChunk {
  readonly jsonl: JsonlLines;

  constructor(file: string, jsonl: JsonlLines, parsed: (Row | undefined)[]) {
    super(file);
    this.jsonl = { ...jsonl, buffer: Buffer.from(jsonl.buffer), parsed };
  }

  protected make(): { rows: Row[]; lines: number[] } {
    return rowsOf(this.jsonl, this.file);
  }
}

/** JSON Lines (also `.jsonl.gz` / `.jsonl.zst`): one JSON object per line; blank lines are skipped. */
export function readJsonl(path: string, signal?: AbortSignal): RowSource {
  const file = basename(path);
  const meter: { fraction?: () => number } = {};
  async function* chunks(): AsyncGenerator<RowChunk> {
    for await (const { buffer, starts, ends, firstLine } of lines(fileBytes(path, signal, meter))) {
      const ascii = isAscii(buffer);
      // a string's bytes are copied as they are only when they are what decoding and encoding
      // them again gives (invalid UTF-8 would become U+FFFD)
      const utf8 = ascii || isUtf8(buffer);
      yield new JsonlChunk(file, { buffer, starts, ends, firstLine, ascii, utf8 });
    }
  }
  return { chunks: chunks(), progress: () => meter.fraction?.() ?? Number.NaN };
}
