import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pythonSkipReason, runPython } from "@hfkit/testing/python";
import { parquetMetadata } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { afterAll, describe, expect, test } from "vitest";
import { writeShards } from "../write-shards.js";

// What the writer puts in a shard beyond the values (pages, encodings, statistics, indexes,
// bloom filters), read from the file and set against what pyarrow writes for `datasets` from
// the same rows, run live (`Dataset.to_parquet`, the writer settings `push_to_hub` uses: golden
// s1 meta.json shows the same codecs, dictionaries and page indexes).

interface Page {
  type: string;
  encoding: string;
  values: number;
  bytes: number;
  statistics: boolean;
  crc: boolean;
}

function layout(path: string) {
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const metadata = parquetMetadata(file);
  return {
    rowGroups: metadata.row_groups.length,
    columns: metadata.row_groups[0]!.columns.map((chunk) => {
      const meta = chunk.meta_data!;
      const pages: Page[] = [];
      let at = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      const end = at + Number(meta.total_compressed_size);
      while (at < end) {
        const reader = { view: new DataView(file), offset: at };
        const header = parquetHeader(reader);
        const page = header.data_page_header ?? header.dictionary_page_header ?? header.data_page_header_v2;
        pages.push({
          type: header.type,
          encoding: page!.encoding,
          values: page!.num_values,
          bytes: header.uncompressed_page_size,
          statistics: header.data_page_header?.statistics !== undefined,
          crc: header.crc !== undefined,
        });
        at = reader.offset + header.compressed_page_size;
      }
      const data = pages.filter((p) => p.type === "DATA_PAGE");
      return {
        path: meta.path_in_schema.join("."),
        codec: meta.codec,
        encodings: [...meta.encodings].sort(),
        pageKinds: [...new Set(pages.map((p) => `${p.type}/${p.encoding}`))],
        dictionaryBytes: pages.find((p) => p.type === "DICTIONARY_PAGE")?.bytes,
        maxPageRows: Math.max(...data.map((p) => p.values)),
        pageStatistics: pages.some((p) => p.statistics),
        pageChecksums: pages.some((p) => p.crc),
        columnIndex: chunk.column_index_offset !== undefined,
        offsetIndex: chunk.offset_index_offset !== undefined,
        bloomFilter: meta.bloom_filter_offset !== undefined,
        statistics: meta.statistics,
      };
    }),
  };
}

const ROWS = 30_000;
const LABELS = ["neg", "pos", "neutral", "mixed", "none"];

// ~100-character texts, all different: 1 MB of dictionary holds ~10,000 of them, so the text
// column falls back to PLAIN within the row group in both writers.
function rows() {
  let seed = 7;
  const next = () => {
    seed = (seed * 48_271) % 2_147_483_647;
    return seed;
  };
  return Array.from({ length: ROWS }, (_, i) => {
    let text = "";
    while (text.length < 90 + (i % 21)) text += `${(next() % 100_000).toString(36)} `;
    return { id: i, text: text.trimEnd(), label: LABELS[i % 5]!, score: (next() % 1_000_000) / 1000 };
  });
}

const dir = mkdtempSync(join(tmpdir(), "hfkit-page-layout-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(pythonSkipReason())("shard layout against pyarrow's for datasets", () => {
  test("same codecs, encodings, dictionary fallback, page limits, statistics and page indexes, no bloom filter", async () => {
    const data = rows();
    const result = await writeShards({ data, outputDir: join(dir, "hfkit") });
    const hfkitPath = result.shards[0]!.localPath;
    const pyPath = join(dir, "pyarrow.parquet");
    await runPython(
      "import json, sys, datasets\n" +
        "datasets.disable_progress_bars()\n" +
        "rows = json.load(sys.stdin)\n" +
        `datasets.Dataset.from_list(rows).to_parquet(${JSON.stringify(pyPath)})\n`,
      { input: JSON.stringify(data), env: { HF_HOME: join(dir, "hf") }, timeoutMs: 600_000 },
    );
    const ours = layout(hfkitPath);
    const theirs = layout(pyPath);
    expect(ours.rowGroups).toBe(1);
    expect(theirs.rowGroups).toBe(1);
    expect(ours.columns.map((c) => c.path)).toEqual(["id", "text", "label", "score"]);
    for (const [i, column] of ours.columns.entries()) {
      const py = theirs.columns[i]!;
      const name = column.path;
      if (name === "id" || name === "score") {
        // (nearly) all different in the first 8,192 rows: no dictionary (BatchEncoder.plainColumns),
        // the PLAIN pages pyarrow falls back to once its dictionary passes 1 MiB
        expect([name, column.codec, column.encodings, column.pageKinds]).toEqual([
          name,
          py.codec,
          ["PLAIN", "RLE"],
          ["DATA_PAGE/PLAIN"],
        ]);
        expect(py.pageKinds).toContain("DICTIONARY_PAGE/PLAIN");
      } else {
        expect([name, column.codec, column.encodings, column.pageKinds]).toEqual([
          name,
          py.codec,
          py.encodings,
          py.pageKinds,
        ]);
      }
      // page indexes, chunk statistics; no page-header statistics, checksums or bloom filters
      for (const key of [
        "columnIndex",
        "offsetIndex",
        "pageStatistics",
        "pageChecksums",
        "bloomFilter",
      ] as const) {
        expect([name, key, column[key]]).toEqual([name, key, py[key]]);
      }
      expect(column.statistics?.null_count).toBe(0n);
      expect(py.statistics?.null_count).toBe(0n);
      if (name === "text") {
        // the dictionary stops at 1 MB (pyarrow's and arrow-rs's dictionary_pagesize_limit),
        // one write batch over at most
        for (const size of [column.dictionaryBytes!, py.dictionaryBytes!]) {
          expect(size).toBeGreaterThanOrEqual(1 << 20);
          expect(size).toBeLessThan((1 << 20) + 1024 * 120);
        }
        // arrow-rs truncates string statistics to 64 bytes (pyarrow keeps them whole): a prefix
        expect(String(py.statistics?.min_value).startsWith(String(column.statistics?.min_value))).toBe(true);
      } else {
        expect([name, column.statistics?.min_value, column.statistics?.max_value]).toEqual([
          name,
          py.statistics?.min_value,
          py.statistics?.max_value,
        ]);
        // 20,000 rows a page (both writers' data_page_row_count_limit). pyarrow checks it every
        // 1,024 values; arrow-rs here at the end of each incoming batch (8,192 rows, nullable
        // columns), so its pages end at the first batch boundary past 20,000 rows.
        expect(py.maxPageRows).toBe(20_000);
        expect(column.maxPageRows).toBeGreaterThanOrEqual(20_000);
        expect(column.maxPageRows).toBeLessThan(20_000 + 8192);
      }
    }
  }, 600_000);
});
