import type { NamedFeature } from "@hfkit/cards";
import * as A from "apache-arrow";
import { dataError } from "../errors.js";
import { featuresToArrowSchema } from "../features/arrow.js";
import type { CsvLines, CsvTable } from "../inputs/source.js";
import { type FramePool, ipcFrame } from "../writer/frames.js";
import { type Builder, builderFor, type Cursor } from "./builders.js";
import { CsvLineReader } from "./csv-line.js";
import { FlatFrames } from "./ipc-frame.js";
import { JsonLineReader } from "./json-line.js";

/**
 * Rows a first batch needs for `BatchEncoder.plainColumns` to look at it: smaller splits keep a
 * dictionary on every column, as pyarrow writes them.
 */
export const PLAIN_SAMPLE_ROWS = 8192;

/** A row: column name → value. */
export type Row = Record<string, unknown>;

/**
 * Rows in, Arrow record batches of the features' schema out. Keeps pyarrow's `nbytes` of the
 * whole split (as one chunk), which `datasets` uses for the shard count and `num_bytes`.
 */
export class BatchEncoder {
  readonly schema: A.Schema;
  readonly cursor: Cursor = { row: 0 };
  private readonly builders: Builder[];
  private readonly names: Set<string>;
  rows = 0;

  constructor(readonly features: readonly NamedFeature[]) {
    this.schema = featuresToArrowSchema(features);
    this.builders = features.map((f) => builderFor(f.feature, f.name, this.cursor));
    this.names = new Set(features.map((f) => f.name));
  }

  append(row: Row): void {
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw dataError(
        this.cursor,
        `expected a record (an object of column values), got ${Array.isArray(row) ? "an array" : String(row)}`,
      );
    }
    for (const key in row) {
      if (!this.names.has(key) && row[key] !== undefined) {
        throw dataError(
          { ...this.cursor, column: key },
          `column "${key}" is not in the features (${[...this.names].join(", ")}); declare it in \`features\` or drop it`,
        );
      }
    }
    const features = this.features;
    for (let i = 0; i < features.length; i++) this.builders[i]!.append(row[features[i]!.name]);
    this.rows++;
    this.cursor.row++;
  }

  private jsonLines: JsonLineReader | null | undefined;

  /**
   * Appends the row of a JSONL line read from its bytes (`buffer[start, end)`, valid UTF-8) and
   * returns true, or returns false, having appended nothing, when the line must go through
   * JSON.parse and `append` (see encode/json-line.ts).
   */
  appendJsonLine(buffer: Buffer, start: number, end: number): boolean {
    if (this.jsonLines === undefined) {
      this.jsonLines =
        JsonLineReader.for(
          this.features.map((f) => f.name),
          this.builders,
        ) ?? null;
    }
    if (this.jsonLines === null || !this.jsonLines.append(buffer, start, end)) return false;
    this.rows++;
    this.cursor.row++;
    return true;
  }

  private csvLines: { table: CsvTable; reader: CsvLineReader | null } | undefined;

  /**
   * Appends the row of CSV line `i` of `lines` read from its bytes and returns true, or returns
   * false, having appended nothing, when the line must go through the string path and `append`
   * (see encode/csv-line.ts).
   */
  appendCsvLine(lines: CsvLines, i: number): boolean {
    let csv = this.csvLines;
    if (csv?.table !== lines.table) {
      const reader = CsvLineReader.for(
        lines.table,
        this.features.map((f) => f.name),
        this.builders,
      );
      csv = this.csvLines = { table: lines.table, reader: reader ?? null };
    }
    if (csv.reader === null || !csv.reader.append(lines, i)) return false;
    this.rows++;
    this.cursor.row++;
    return true;
  }

  /** The rows appended since the last flush, as one record batch (undefined when there are none). */
  flush(allowEmpty = false): A.RecordBatch | undefined {
    if (this.rows === 0 && !allowEmpty) return undefined;
    const length = this.rows;
    const children = this.builders.map((b) => b.finish());
    this.rows = 0;
    const data = A.makeData({ type: new A.Struct(this.schema.fields), length, nullCount: 0, children });
    return new A.RecordBatch(this.schema, data);
  }

  private flat: FlatFrames | null | undefined;
  private plain: string[] | undefined;

  /**
   * The numeric columns whose values in the first batch (of at least PLAIN_SAMPLE_ROWS rows)
   * were nearly all different (at most 1% repeats, a null counting as one): ids, row numbers,
   * measurements. Their Parquet dictionary would hold about every value of a row group and be
   * as large as the values it replaces or larger (the indices come on top), and building it was
   * ~15-20% of the writer thread on 2 M JSONL rows with a unique `id`, so the writer leaves it
   * off for them (PLAIN pages, what pyarrow falls back to once a dictionary passes 1 MiB). 99%
   * different in 8,192 rows means some 400,000 values or more to draw from: a row group of
   * ~125,000 rows would hold ~110,000 of them. Decided at the first `flushFrame`, the same for
   * every shard of the split.
   */
  plainColumns(): readonly string[] {
    return this.plain ?? [];
  }

  private decidePlain(): void {
    if (this.plain !== undefined) return;
    const rows = this.rows;
    this.plain =
      rows < PLAIN_SAMPLE_ROWS
        ? []
        : this.features
            .filter((_, i) => this.builders[i]!.distinctValues() >= 0.99 * rows)
            .map((f) => f.name);
  }

  /**
   * The rows appended since the last flush as the writer thread's IPC frame (the bytes of
   * `ipcFrame(layout(flush()))`), in a buffer of `pool`, or undefined when there are none.
   * Flat columns are framed straight from the builders (encode/ipc-frame.ts); `layoutSchema`
   * is the schema `layout` gives the writer.
   */
  flushFrame(
    layout: (batch: A.RecordBatch) => A.RecordBatch,
    layoutSchema: A.Schema,
    pool: FramePool,
  ): { ipc: Uint8Array; rows: number } | undefined {
    if (this.rows === 0) return undefined;
    this.decidePlain();
    this.flat ??= FlatFrames.for(this.builders, this.schema, layoutSchema) ?? null;
    const rows = this.rows;
    if (this.flat === null) return { ipc: ipcFrame(layout(this.flush()!), pool), rows };
    const ipc = this.flat.frame(rows, pool);
    this.rows = 0;
    return { ipc, rows };
  }

  /** pyarrow `Table.nbytes` of every row flushed so far (of some columns only, when named). */
  nbytes(columns?: ReadonlySet<string>): number {
    return this.builders.reduce(
      (sum, b, i) => (columns && !columns.has(this.features[i]!.name) ? sum : sum + b.nbytes()),
      0,
    );
  }
}
