// @hfkit/datasets vs DuckDB `COPY … TO 'x.parquet'` vs pyarrow (`read_json`/`read_csv` +
// `pq.write_table`), all on the same file in the same run, each conversion in its own process
// (peak RSS is that process's). Data: id, a ~100-character string, a label, a float.
//   node datasets.mjs [rows,rows…] [runs]      default: 1000000,5000000 and 1 run each
// Build first: pnpm turbo run build --filter=@hfkit/bench...
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, existsSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensurePython } from "@hfkit/testing/python";
import { median } from "./lib.mjs";

const sizes = (process.argv[2] ?? "1000000,5000000").split(",").map(Number);
const runs = Number(process.argv[3] ?? 1);
const dir = join(process.env.HFKIT_BENCH_DIR ?? tmpdir(), "hfkit-bench-datasets");
mkdirSync(dir, { recursive: true });

/** Deterministic rows (mulberry32, seed 42): id, text of 90–110 chars from a 2,000-word vocabulary, label, score. */
async function generate(rows, jsonl, csv) {
  if (existsSync(jsonl) && existsSync(csv)) return;
  let s = 42;
  const rnd = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const vocab = Array.from({ length: 2000 }, () =>
    Array.from({ length: 3 + Math.floor(rnd() * 8) }, () =>
      String.fromCharCode(97 + Math.floor(rnd() * 26)),
    ).join(""),
  );
  const labels = ["neg", "pos", "neutral", "mixed", "spam"];
  const a = createWriteStream(jsonl);
  const b = createWriteStream(csv);
  b.write("id,text,label,score\n");
  let ja = "";
  let cb = "";
  for (let i = 0; i < rows; i++) {
    let text = "";
    const target = 90 + Math.floor(rnd() * 21);
    while (text.length < target) text += (text ? " " : "") + vocab[Math.floor(rnd() * 2000)];
    text = text.slice(0, target);
    const score = Math.round(rnd() * 1e6) / 1e3;
    ja += `${JSON.stringify({ id: i, text, label: labels[i % 5], score })}\n`;
    cb += `${i},${text},${labels[i % 5]},${score}\n`;
    if (ja.length > 1 << 20) {
      if (!a.write(ja)) await once(a, "drain");
      if (!b.write(cb)) await once(b, "drain");
      ja = "";
      cb = "";
    }
  }
  a.end(ja);
  b.end(cb);
  await Promise.all([once(a, "finish"), once(b, "finish")]);
}

function runNode(tool, input, out) {
  rmSync(out, { recursive: true, force: true });
  const line = execFileSync(
    process.execPath,
    [join(import.meta.dirname, "datasets-run.mjs"), tool, input, out],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  rmSync(out, { recursive: true, force: true });
  return JSON.parse(line.trim().split("\n").pop());
}

const PYARROW = `
import sys, time, resource, json
import pyarrow.json as pj, pyarrow.csv as pc, pyarrow.parquet as pq
src, out = sys.argv[1], sys.argv[2]
t = time.perf_counter()
table = pc.read_csv(src) if src.endswith(".csv") else pj.read_json(src)
pq.write_table(table, out)
ms = (time.perf_counter() - t) * 1000
print(json.dumps({"tool": "pyarrow", "ms": ms, "rssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "rows": table.num_rows, "files": 1}))
`;

function runPyarrow(python, input, out) {
  mkdirSync(out, { recursive: true });
  const line = execFileSync(python, ["-c", PYARROW, input, join(out, "pa.parquet")], { encoding: "utf8" });
  rmSync(out, { recursive: true, force: true });
  return JSON.parse(line.trim());
}

const { python } = await ensurePython();
const results = [];
for (const rows of sizes) {
  const jsonl = join(dir, `rows-${rows}.jsonl`);
  const csv = join(dir, `rows-${rows}.csv`);
  await generate(rows, jsonl, csv);
  for (const input of [jsonl, csv]) {
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
