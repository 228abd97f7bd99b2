import { readFileSync } from "node:fs";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";

/** An independent JS reader (hyparquet) of a local Parquet file: rows, footer metadata, row groups. */
export async function hyparquetRead(path: string) {
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const metadata = parquetMetadata(file);
  // hyparquet gives `undefined` for a null list; null is what every other reader says
  const rows = ((await parquetReadObjects({ file, compressors })) as Record<string, unknown>[]).map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === undefined ? null : v])),
  );
  const kv = Object.fromEntries((metadata.key_value_metadata ?? []).map((e) => [e.key, e.value ?? ""]));
  return {
    rows,
    kv,
    rowGroups: metadata.row_groups.map((g) => Number(g.num_rows)),
    columns: metadata.row_groups[0]?.columns.map((c) => ({
      path: c.meta_data!.path_in_schema.join("."),
      codec: c.meta_data!.codec,
      dictionary: c.meta_data!.dictionary_page_offset !== undefined,
    })),
  };
}
