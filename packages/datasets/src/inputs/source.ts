import type { NamedFeature } from "@hfkit/cards";
import type { Row } from "../encode/batch.js";

/** Rows read from an input, with where they came from (for error messages). */
export interface RowChunk {
  rows: Row[];
  file?: string;
  /** The 1-based line of each row in `file`. */
  lines?: number[];
  /**
   * JSONL: the chunk's lines as bytes, while its rows are not parsed yet. The shard writer reads
   * them straight into the column builders (encode/json-line.ts) when the features allow it.
   */
  jsonl?: JsonlLines | undefined;
  /**
   * CSV/TSV: lines (each a whole record) as bytes, while their rows are not made yet. The shard
   * writer reads them straight into the column builders (encode/csv-line.ts).
   */
  csv?: CsvLines | undefined;
}

/**
 * A chunk whose rows are made from its lines' bytes only when asked for (feature inference, an
 * input the byte-level readers cannot take, a reader other than the shard writer); until then
 * the subclass holds the bytes (`jsonl`, `csv`), and `make` drops them: the stream may reuse the
 * bytes of a chunk held back meanwhile.
 */
export abstract class LazyRowChunk implements RowChunk {
  private made: { rows: Row[]; lines: number[] } | undefined;
  constructor(readonly file: string) {}

  get rows(): Row[] {
    this.made ??= this.make();
    return this.made.rows;
  }

  get lines(): number[] {
    this.made ??= this.make();
    return this.made.lines;
  }

  /** The rows and their 1-based line numbers, made once; drops the bytes they came from. */
  protected abstract make(): { rows: Row[]; lines: number[] };
}

/** Lines of a CSV file as they were read: line `i` is `buffer[starts[i], ends[i])`, number `lines[i]`. */
export interface CsvLines {
  buffer: Buffer;
  starts: number[];
  ends: number[];
  lines: number[];
  /** The lines' bytes are valid UTF-8 (a text field's bytes may be copied as they are). */
  utf8: boolean;
  table: CsvTable;
}

/** How the fields of one CSV file's lines are read. */
export interface CsvTable {
  /** The header's column names. */
  names: readonly string[];
  /** The field separator: one ASCII byte, not a quote or a line break. */
  delimiter: number;
  /** Per column, what its bytes may be read as without its text (see `CsvRead`). */
  reads: readonly CsvRead[];
  /** Per column, a field's text (unquoted) to its value; throws an Error whose message names the problem. */
  cells: readonly ((text: string) => unknown)[];
  /** Line `i`'s row on the string path, or the error that names its file, line (and column). */
  row(lines: CsvLines, i: number): Row;
}

/**
 * A column's field bytes read as: `text`, the string itself (its bytes); `int` / `float`,
 * the number a plain decimal gives (anything else through `cells`); `other`, `cells` of its text.
 */
export type CsvRead = "text" | "int" | "float" | "other";

/** Lines of a JSONL file as they were read: line `i` is `buffer[starts[i], ends[i])`, number `firstLine + i`. */
export interface JsonlLines {
  buffer: Buffer;
  starts: number[];
  ends: number[];
  firstLine: number;
  /** Every byte of `buffer` is ASCII. */
  ascii: boolean;
  /** `buffer` is valid UTF-8 (a string's bytes may be copied as they are). */
  utf8: boolean;
  /**
   * The rows of the first lines (undefined for a blank one), parsed already for the feature
   * inference: such a line that the byte-level reader does not take is not parsed again.
   */
  parsed?: readonly (Row | undefined)[];
}

/** A readable input: chunks of rows, and the features its own schema gives (Arrow, Parquet, CSV). */
export interface RowSource {
  chunks: AsyncIterable<RowChunk>;
  features?: NamedFeature[] | undefined;
  /**
   * The fraction of the input read so far (0–1), when it is one plain file whose size is known:
   * lets the shard writer foresee the shard count before the input ends (write-shards.ts).
   */
  progress?: () => number;
}

/** Rows per chunk handed from a reader to the encoder. */
export const CHUNK_ROWS = 8192;
