// The data and the single conversions of the datasets benchmarks (datasets.mjs and `pnpm bench`'s
// datasets cases): deterministic JSONL/CSV rows, and one conversion per process.
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Deterministic rows (mulberry32, seed 42): id, text of 90–110 chars from a 2,000-word vocabulary, label, score. */
export async function generate(rows, jsonl, csv) {
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

/** One run of datasets-run.mjs (`env` adds to the environment: the push tool's endpoint and repo). */
export function runNode(tool, input, out, env = {}) {
  rmSync(out, { recursive: true, force: true });
  const line = execFileSync(
    process.execPath,
    [join(import.meta.dirname, "datasets-run.mjs"), tool, input, out],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...env },
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

export function runPyarrow(python, input, out) {
  mkdirSync(out, { recursive: true });
  const line = execFileSync(python, ["-c", PYARROW, input, join(out, "pa.parquet")], { encoding: "utf8" });
  rmSync(out, { recursive: true, force: true });
  return JSON.parse(line.trim());
}
