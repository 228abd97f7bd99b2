// @hfkit/datasets vs DuckDB `COPY … TO 'x.parquet'` vs pyarrow (`read_json`/`read_csv` +
// `pq.write_table`), all on the same file in the same run, each conversion in its own process
// (peak RSS is that process's). Data: id, a ~100-character string, a label, a float.
//   node datasets.mjs [rows,rows…] [runs] [formats]   default: 1000000,5000000, 1 run each, jsonl,csv
// (`node datasets.mjs 1000000,5000000 1 csv` runs only the CSV conversions)
// Build first: pnpm turbo run build --filter=@hfkit/bench...
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensurePython } from "@hfkit/testing/python";
import { generate, runNode, runPyarrow } from "./datasets-lib.mjs";
import { median } from "./lib.mjs";

const sizes = (process.argv[2] ?? "1000000,5000000").split(",").map(Number);
const runs = Number(process.argv[3] ?? 1);
const formats = (process.argv[4] ?? "jsonl,csv").split(",");
for (const format of formats) {
  if (format !== "jsonl" && format !== "csv") throw new Error(`formats: jsonl and/or csv, not "${format}"`);
}
const dir = join(process.env.HFKIT_BENCH_DIR ?? tmpdir(), "hfkit-bench-datasets");
mkdirSync(dir, { recursive: true });

const { python } = await ensurePython();
const results = [];
for (const rows of sizes) {
  const jsonl = join(dir, `rows-${rows}.jsonl`);
  const csv = join(dir, `rows-${rows}.csv`);
  await generate(rows, jsonl, csv);
  for (const input of formats.map((format) => (format === "csv" ? csv : jsonl))) {
    const times = { hfkit: [], duckdb: [], pyarrow: [] };
    const rss = { hfkit: [], duckdb: [], pyarrow: [] };
    for (let r = 0; r < runs; r++) {
      // interleaved, so drift on a shared VM hits all three alike
      for (const tool of ["hfkit", "duckdb", "pyarrow"]) {
        const result =
          tool === "pyarrow"
            ? runPyarrow(python, input, join(dir, "out"))
            : runNode(tool, input, join(dir, "out"));
        if (result.rows !== rows) throw new Error(`${tool} wrote ${result.rows} rows, not ${rows}`);
        times[tool].push(result.ms);
        rss[tool].push(result.rssMB);
      }
    }
    const row = {
      rows,
      format: input.endsWith(".csv") ? "csv" : "jsonl",
      hfkitS: median(times.hfkit) / 1000,
      duckdbS: median(times.duckdb) / 1000,
      pyarrowS: median(times.pyarrow) / 1000,
      hfkitRssMB: Math.max(...rss.hfkit),
      duckdbRssMB: Math.max(...rss.duckdb),
      pyarrowRssMB: Math.max(...rss.pyarrow),
    };
    row.vsDuckdb = row.duckdbS / row.hfkitS;
    row.vsPyarrow = row.pyarrowS / row.hfkitS;
    results.push(row);
    console.log(JSON.stringify(row));
  }
}
console.log(
  "\n| rows | input | hfkit s | DuckDB s | pyarrow s | hfkit ÷ DuckDB speed | hfkit ÷ pyarrow speed | peak RSS hfkit / DuckDB / pyarrow (MB) |",
);
console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |");
for (const r of results) {
  console.log(
    `| ${r.rows.toLocaleString("en")} | ${r.format} | ${r.hfkitS.toFixed(1)} | ${r.duckdbS.toFixed(1)} | ${r.pyarrowS.toFixed(1)} | ${r.vsDuckdb.toFixed(2)}× | ${r.vsPyarrow.toFixed(2)}× | ${r.hfkitRssMB} / ${r.duckdbRssMB} / ${r.pyarrowRssMB} |`,
  );
}
