// The recipe "Push a dataset from JSONL or CSV": files to a Hub dataset and back, run by the
// docs' test run against an in-process emulator (swap in `createHubClient()` for the Hub).
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClassLabel, loadDataset, pushDataset, Value } from "@hfkit/datasets";
import { createEmulator } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { expect, it } from "vitest";

it("pushes a JSONL and a CSV split, then a second config, and reads them back", async () => {
  const hub = createEmulator();
  const dir = await mkdtemp(join(tmpdir(), "recipe-push-"));
  // HF_HOME in the temp folder: the download cache of the read-back goes there.
  const client = createHubClient({
    endpoint: hub.baseUrl,
    fetch: hub.fetch,
    token: "hf_test",
    env: { HF_HOME: dir },
  });
  await writeFile(
    join(dir, "train.jsonl"),
    '{"text": "Loved it", "label": "pos"}\n{"text": "Broken", "label": "neg"}\n',
  );
  await writeFile(join(dir, "test.csv"), 'text,label\n"Fine, really",pos\n');

  // #region push
  const result = await pushDataset(client, {
    repo: "datasets/local/reviews",
    splits: { train: join(dir, "train.jsonl"), test: join(dir, "test.csv") },
    // Optional: without it, `label` would be a string column.
    features: { text: Value("string"), label: ClassLabel({ names: ["neg", "pos"] }) },
  });
  console.log(
    result.commitUrl,
    result.splits.map((s) => `${s.split}: ${s.numExamples} rows`),
  );
  // #endregion push

  // #region config
  await pushDataset(client, {
    repo: "datasets/local/reviews",
    data: [{ text: "Génial", label: "pos" }],
    config: "fr",
    features: { text: Value("string"), label: ClassLabel({ names: ["neg", "pos"] }) },
  });
  // #endregion config

  // #region read
  const rows = [];
  for await (const row of loadDataset(client, { repo: "datasets/local/reviews", split: "test" }))
    rows.push(row);
  // #endregion read
  expect(rows).toEqual([{ text: "Fine, really", label: 1 }]);
  expect(result.operations.map((op) => op.path)).toEqual([
    "data/train-00000-of-00001.parquet",
    "data/test-00000-of-00001.parquet",
    "README.md",
  ]);
});
