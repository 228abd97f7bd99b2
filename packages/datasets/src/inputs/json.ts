import { basename } from "node:path";
import type { Row } from "../encode/batch.js";
import { dataError } from "../errors.js";
import { fileBytes } from "./bytes.js";
import { CHUNK_ROWS, type RowChunk, type RowSource } from "./source.js";

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * A JSON file holding one array of objects (`[{…}, {…}]`), read element by element so the
 * file is never held whole in memory.
 */
export function readJsonArray(path: string, signal?: AbortSignal): RowSource {
  const file = basename(path);
  async function* chunks(): AsyncGenerator<RowChunk> {
    let rows: Row[] = [];
    let numbers: number[] = [];
    let started = false;
    let ended = false;
    let depth = 0;
    let inString = false;
    let escaped = false;
    let line = 1;
    let elementLine = 0;
    let parts: Buffer[] = [];
    let partStart = -1;
    const emit = (text: string) => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw dataError({ file, line: elementLine }, `not valid JSON (${(error as Error).message})`);
      }
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw dataError({ file, line: elementLine }, 'the array must hold objects like {"text": "…"}');
      }
      rows.push(value as Row);
      numbers.push(elementLine);
    };
    for await (const chunk of fileBytes(path, signal)) {
      const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      partStart = depth > 1 ? 0 : -1;
      for (let i = 0; i < buf.length; i++) {
        const b = buf[i]!;
        if (b === NEWLINE) line++;
        if (inString) {
          if (escaped) escaped = false;
          else if (b === BACKSLASH) escaped = true;
          else if (b === QUOTE) inString = false;
          continue;
        }
        if (!started) {
          if (isSpace(b)) continue;
          if (b !== OPEN_BRACKET)
            throw dataError(
              { file, line },
              "a JSON dataset file must be one array of objects; for one object per line use .jsonl",
            );
          started = true;
          depth = 1;
          continue;
        }
        if (ended) {
          if (!isSpace(b)) throw dataError({ file, line }, "unexpected text after the closing ]");
          continue;
        }
        if (depth === 1) {
          if (isSpace(b) || b === COMMA) continue;
          if (b === CLOSE_BRACKET) {
            ended = true;
            depth = 0;
            continue;
          }
          if (b !== OPEN_BRACE)
            throw dataError({ file, line }, 'the array must hold objects like {"text": "…"}');
          elementLine = line;
          partStart = i;
          parts = [];
          depth = 2;
          continue;
        }
        if (b === QUOTE) inString = true;
        else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
        else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
          depth--;
          if (depth === 1) {
            parts.push(buf.subarray(partStart, i + 1));
            emit(Buffer.concat(parts).toString("utf8"));
            parts = [];
            partStart = -1;
            if (rows.length >= CHUNK_ROWS) {
              yield { rows, file, lines: numbers };
              rows = [];
              numbers = [];
            }
          }
        }
      }
      if (depth > 1 && partStart !== -1) parts.push(Buffer.from(buf.subarray(partStart)));
    }
    if (!started || !ended)
      throw dataError({ file, line }, "the JSON array is not closed (the file ends early)");
    if (rows.length > 0) yield { rows, file, lines: numbers };
  }
  return { chunks: chunks() };
}
