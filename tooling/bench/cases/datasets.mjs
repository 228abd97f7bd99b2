// The datasets cases of `pnpm bench`: JSONL and CSV rows to Parquet (hfkit's writeShards vs
// DuckDB `COPY` vs pyarrow), and a push end to end (hfkit's pushDataset vs Python datasets'
// `push_to_hub`), on the deterministic rows of datasets-lib.mjs.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { generate, runNode, runPyarrow } from "../datasets-lib.mjs";
import { pyOnce, rounds, startEmulator } from "./context.mjs";

async function data(ctx, rows) {
  const dir = join(ctx.dataDir, "hfkit-bench-datasets");
  mkdirSync(dir, { recursive: true });
  const jsonl = join(dir, `rows-${rows}.jsonl`);
  const csv = join(dir, `rows-${rows}.csv`);
  await generate(rows, jsonl, csv);
  return { dir, jsonl, csv };
}

/** A conversion result as a sample; wrong row counts fail the contender. */
function sample(result, rows) {
  if (result.rows !== rows) throw new Error(`${result.tool} wrote ${result.rows} rows, not ${rows}`);
  return { seconds: result.ms / 1000, maxRssMB: result.rssMB };
}

function convertCase(format) {
  return {
    id: `datasets-${format}`,
    title: (s) => `${s.datasetRows.toLocaleString("en")} ${format.toUpperCase()} rows to Parquet (seconds)`,
    async run(ctx) {
      const rows = ctx.sizes.datasetRows;
      const { dir, ...files } = await data(ctx, rows);
      const input = files[format];
      const out = join(dir, "out");
      return rounds(
        [
          {
            name: "hfkit (writeShards)",
            reference: true,
            run: () => sample(runNode("hfkit", input, out), rows),
          },
          { name: "DuckDB COPY", run: () => sample(runNode("duckdb", input, out), rows) },
          {
            name: "pyarrow read + write_table",
            run: () => {
              if (!ctx.python) throw new Error(ctx.pythonMissing ?? "no Python venv");
              return sample(runPyarrow(ctx.python, input, out), rows);
            },
          },
        ],
        ctx.runs,
        ctx.log,
      );
    },
  };
}

export const datasetsJsonl = convertCase("jsonl");
export const datasetsCsv = convertCase("csv");

export const datasetsPush = {
  id: "datasets-push",
  title: (s) => `Push ${s.pushRows.toLocaleString("en")} JSONL rows as a dataset, end to end (seconds)`,
  async run(ctx) {
    const rows = ctx.sizes.pushRows;
    const { dir, jsonl } = await data(ctx, rows);
    // Nothing pinned, as issue 12 measures a push (datasets-push.mjs, HFKIT_BENCH_PIN=0) and as a
    // user's machine runs one: every thread of each push and the emulator share both cores. A
    // fresh emulator per sample: its CAS, like the Hub's, deduplicates across repos, so a second
    // push of the same rows to the same emulator would measure a re-push through Xet.
    const onFreshEmulator = async (push) => {
      const emulator = await startEmulator({ pin: false });
      try {
        return await push(emulator.endpoint);
      } finally {
        emulator.stop();
      }
    };
    return rounds(
      [
        {
          name: "hfkit (pushDataset)",
          reference: true,
          run: () =>
            onFreshEmulator(async (endpoint) =>
              sample(
                runNode("hfkit-push", jsonl, join(dir, "push"), {
                  HFKIT_BENCH_ENDPOINT: endpoint,
                  HFKIT_BENCH_REPO: "local/push-hfkit",
                }),
                rows,
              ),
            ),
        },
        {
          name: "datasets (load_dataset + push_to_hub, hf_xet)",
          run: () => {
            if (!ctx.python) throw new Error(ctx.pythonMissing ?? "no Python venv");
            // A repo that does not exist yet, as hfkit's: push_to_hub creates it inside the clock.
            return onFreshEmulator((endpoint) =>
              pyOnce(ctx.python, "push", { endpoint, path: jsonl, repo: "local/push-python", pin: false }),
            );
          },
        },
      ],
      ctx.runs,
      ctx.log,
    );
  },
};
