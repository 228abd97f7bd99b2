/** Stable codes for {@link DatasetError}. */
export type DatasetErrorCode =
  /** An option is wrong (both `numShards` and `maxShardSize`, an unknown dtype…); nothing was read. */
  | "INVALID_INPUT"
  /** A value or a line of the data does not fit: malformed JSON/CSV, a value that conflicts with the features. */
  | "INVALID_DATA"
  /** Something this version does not write or read (a feature type, an Arrow type). */
  | "UNSUPPORTED";

const BRAND = Symbol.for("hfkit.error.DatasetError");

/** Where in the input a {@link DatasetError} happened. */
export interface DataLocation {
  /** The input file, when the data came from one. */
  file?: string;
  /** 1-based line of a JSONL/CSV file (the header is line 1 of a CSV). */
  line?: number;
  /** 0-based row of the dataset (across files). */
  row?: number;
  /** The column, dotted for nested fields (`meta.year`, `tags[2]`). */
  column?: string;
}

/**
 * The one error class of `@hfkit/datasets`. Data errors name the file, the line (or row) and the
 * column, and say how to fix it. `isInstance` checks a `Symbol.for` brand, so it works across
 * duplicate installs where `instanceof` would not.
 */
export class DatasetError extends Error {
  override readonly name = "DatasetError";
  readonly code: DatasetErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly row: number | undefined;
  readonly column: string | undefined;

  constructor(code: DatasetErrorCode, message: string, options: DataLocation & { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.row = options.row;
    this.column = options.column;
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }

  static isInstance(error: unknown): error is DatasetError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** "train.jsonl line 12, column "label"" — the prefix of every data error. */
export function describeLocation(at: DataLocation): string {
  const parts: string[] = [];
  if (at.file !== undefined) parts.push(at.file);
  if (at.line !== undefined) parts.push(`line ${at.line}`);
  else if (at.row !== undefined) parts.push(`row ${at.row}`);
  if (at.column !== undefined) parts.push(`column "${at.column}"`);
  return parts.join(", ");
}

export function dataError(at: DataLocation, problem: string, cause?: unknown): DatasetError {
  const where = describeLocation(at);
  return new DatasetError("INVALID_DATA", where ? `${where}: ${problem}` : problem, { ...at, cause });
}

export function inputError(field: string, problem: string): DatasetError {
  return new DatasetError("INVALID_INPUT", `${field}: ${problem}`);
}
