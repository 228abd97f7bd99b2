import { basename } from "node:path";
import type { Row } from "../encode/batch.js";
import { dataError } from "../errors.js";
import { fileBytes, lines } from "./bytes.js";
import { CHUNK_ROWS, type RowChunk, type RowSource } from "./source.js";

/** JSON Lines (also `.jsonl.gz` / `.jsonl.zst`): one JSON object per line; blank lines are skipped. */
export function readJsonl(path: string, signal?: AbortSignal): RowSource {
  const file = basename(path);
  const meter: { fraction?: () => number } = {};
  async function* chunks(): AsyncGenerator<RowChunk> {
    let rows: Row[] = [];
    let numbers: number[] = [];
    for await (const { buffer, starts, ends, firstLine } of lines(fileBytes(path, signal, meter))) {
      for (let i = 0; i < starts.length; i++) {
        const start = starts[i]!;
        const end = ends[i]!;
        if (end === start) continue;
        const text = buffer.toString("utf8", start, end);
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (error) {
          if (text.trim() === "") continue;
          throw dataError(
            { file, line: firstLine + i },
            `not valid JSON (${(error as Error).message}); each line must be one JSON object`,
          );
        }
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
          throw dataError(
            { file, line: firstLine + i },
            'each line must be a JSON object like {"text": "…"}',
          );
        }
        rows.push(value as Row);
        numbers.push(firstLine + i);
        if (rows.length >= CHUNK_ROWS) {
          yield { rows, file, lines: numbers };
          rows = [];
          numbers = [];
        }
      }
    }
    if (rows.length > 0) yield { rows, file, lines: numbers };
  }
  return { chunks: chunks(), progress: () => meter.fraction?.() ?? Number.NaN };
}
