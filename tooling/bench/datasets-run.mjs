// One conversion in its own process, so peak RSS is its own: `node datasets-run.mjs <tool> <input> <outDir>`.
// Prints one JSON line: { tool, ms, rssMB, rows, files }. Tool `hfkit-push` pushes the input
// end to end (pushDataset) to $HFKIT_BENCH_ENDPOINT as the dataset $HFKIT_BENCH_REPO.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [tool, input, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
// Modules load before the clock starts, as pyarrow's do in the Python runs.
const datasets = tool.startsWith("hfkit") ? await import("@hfkit/datasets") : undefined;
const http = tool === "hfkit-push" ? await import("@hfkit/http") : undefined;
const duckdb = tool === "duckdb" ? await import("@duckdb/node-api") : undefined;
const start = performance.now();
let rows = 0;
let files = 0;
if (tool === "hfkit") {
  const result = await datasets.writeShards({ data: input, outputDir: outDir, tempDir: outDir });
  rows = result.numExamples;
  files = result.shards.length;
} else if (tool === "hfkit-push") {
  const hub = http.createHubClient({
    endpoint: process.env.HFKIT_BENCH_ENDPOINT,
    token: "hf_bench_token_not_secret",
    env: { HF_HOME: outDir },
  });
  const result = await datasets.pushDataset(hub, {
    repo: `datasets/${process.env.HFKIT_BENCH_REPO}`,
    data: input,
    tempDir: outDir,
  });
  rows = result.splits.reduce((sum, split) => sum + split.numExamples, 0);
  files = result.splits.reduce((sum, split) => sum + split.files.length, 0);
  await hub.close();
} else if (tool === "duckdb") {
  const db = await duckdb.DuckDBInstance.create(":memory:");
  const con = await db.connect();
  const reader = input.endsWith(".csv")
    ? `read_csv('${input}')`
    : `read_json('${input}', format='newline_delimited')`;
  await con.run(
    `COPY (SELECT * FROM ${reader}) TO '${join(outDir, "duck.parquet")}' (FORMAT parquet, COMPRESSION snappy)`,
  );
  const result = await con.runAndReadAll(`SELECT count(*) FROM '${join(outDir, "duck.parquet")}'`);
  rows = Number(result.getRows()[0][0]);
  files = 1;
} else {
  throw new Error(`unknown tool ${tool}`);
}
const ms = performance.now() - start;
console.log(
  JSON.stringify({ tool, ms, rssMB: Math.round(process.resourceUsage().maxRSS / 1024), rows, files }),
);
