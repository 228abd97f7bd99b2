import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import type { Feature, NamedFeature } from "@hfkit/cards";
import { dataError } from "../errors.js";
import { isMedia } from "../features/model.js";
import type { Row } from "./batch.js";
import { show } from "./values.js";

// Image/Audio values become `{bytes, path}` with the file's bytes embedded and `path` reduced
// to its file name (datasets `embed_table_storage`; golden s4). A value may be a local path,
// bytes, or `{bytes?, path?}`.

export interface MediaValue {
  bytes: Uint8Array | null;
  path: string | null;
}

function isRemote(path: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(path);
}

/** The value as datasets' `encode_example` leaves it, before embedding. */
export function mediaInput(value: unknown): MediaValue | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return { bytes: null, path: value };
  if (value instanceof Uint8Array) return { bytes: value, path: null };
  if (value instanceof ArrayBuffer) return { bytes: new Uint8Array(value), path: null };
  if (typeof value === "object") {
    const { bytes, path } = value as { bytes?: unknown; path?: unknown };
    const b =
      bytes instanceof Uint8Array ? bytes : bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : null;
    if (bytes !== undefined && bytes !== null && !b)
      throw new Error(`"bytes" must be a Uint8Array, got ${show(bytes)}`);
    if (path !== undefined && path !== null && typeof path !== "string")
      throw new Error(`"path" must be a string, got ${show(path)}`);
    if (!b && !path) throw new Error("a media value needs `bytes` or `path`");
    return { bytes: b, path: (path as string | undefined) ?? null };
  }
  throw new Error(`expected a file path, bytes or {bytes, path}, got ${show(value)}`);
}

async function embed(value: MediaValue, embedFiles: boolean): Promise<MediaValue> {
  if (!embedFiles) return value;
  if (value.bytes === null && value.path !== null) {
    if (isRemote(value.path))
      throw new Error(`"${value.path}" is a URL; download it first (only local files are embedded)`);
    return { bytes: await readFile(value.path), path: basename(value.path) };
  }
  return {
    bytes: value.bytes,
    path: value.path !== null && !isRemote(value.path) ? basename(value.path) : value.path,
  };
}

async function embedValue(feature: Feature, value: unknown, embedFiles: boolean): Promise<unknown> {
  if (value === null || value === undefined) return value;
  if (isMedia(feature)) {
    const input = mediaInput(value);
    return input === null ? null : embed(input, embedFiles);
  }
  if ((feature.type === "list" || feature.type === "largeList") && Array.isArray(value)) {
    return Promise.all(value.map((v) => embedValue(feature.feature, v, embedFiles)));
  }
  if (feature.type === "struct" && typeof value === "object") {
    const out: Row = { ...(value as Row) };
    for (const f of feature.fields) out[f.name] = await embedValue(f.feature, out[f.name], embedFiles);
    return out;
  }
  return value;
}

/**
 * What `Dataset._estimate_nbytes` adds for media columns: over the first 1,000 rows, the size
 * of each file given by path only, minus the `path` child's bytes, scaled to all rows (with
 * Python's floor division). Only top-level media columns are counted, as datasets' visitor
 * sees them (nested ones are rare; their files are still embedded).
 */
export class MediaSizeEstimate {
  private extra = 0;
  private sampled = 0;
  private readonly pathBytes = new Map<string, { bytes: number; nulls: number }>();

  constructor(private readonly columns: readonly string[]) {}

  get active(): boolean {
    return this.columns.length > 0;
  }

  async add(row: Row): Promise<void> {
    if (this.sampled >= 1000) return;
    this.sampled++;
    for (const column of this.columns) {
      const value = mediaInput(row[column]);
      const stats = this.pathBytes.get(column) ?? { bytes: 0, nulls: 0 };
      if (value?.path != null) stats.bytes += Buffer.byteLength(value.path);
      else stats.nulls++;
      this.pathBytes.set(column, stats);
      if (value && value.bytes === null && value.path !== null && !isRemote(value.path)) {
        this.extra += (await stat(value.path)).size;
      }
    }
  }

  /** The integer to add to the split's Arrow size for `numRows` rows in all. */
  total(numRows: number): number {
    if (this.sampled === 0) return 0;
    let extra = this.extra;
    for (const { bytes, nulls } of this.pathBytes.values()) {
      extra -= (nulls > 0 ? Math.ceil(this.sampled / 8) : 0) + 4 * this.sampled + bytes;
    }
    return Math.floor((extra * numRows) / this.sampled);
  }
}

/** The media columns' values of a row, embedded; other columns untouched. */
export async function embedRow(
  row: Row,
  mediaColumns: readonly NamedFeature[],
  embedFiles: boolean,
  at: { file?: string | undefined; line?: number | undefined; row: number },
): Promise<Row> {
  const out: Row = { ...row };
  for (const { name, feature } of mediaColumns) {
    try {
      out[name] = await embedValue(feature, row[name], embedFiles);
    } catch (error) {
      throw dataError({ ...at, column: name }, (error as Error).message, error);
    }
  }
  return out;
}
