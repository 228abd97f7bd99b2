import { writeFile } from "node:fs/promises";
import { parseCard, setDatasetConfig, stringifyCard } from "@hfkit/cards";
import {
  ClassLabel,
  datasetConfigFor,
  datasetInfoFor,
  List,
  readDataset,
  Value,
  writeShardsIter,
} from "@hfkit/datasets";

// Any input streams: records, an Arrow table, "reviews.jsonl(.gz|.zst)", CSV/TSV, JSON, Parquet.
const rows = [
  { text: "Loved it ✓", label: "pos", tags: ["short"] },
  { text: "Never again", label: "neg", tags: [] },
];

const run = writeShardsIter({
  data: rows,
  features: {
    text: Value("string"),
    label: ClassLabel({ names: ["neg", "pos"] }),
    tags: List(Value("string")),
  },
  outputDir: "./my-dataset", // shards land in ./my-dataset/data/train-00000-of-00001.parquet
  split: "train",
});
let step = await run.next();
while (!step.done) {
  if (step.value.type === "shard-written") console.log(step.value.shard.pathInRepo, step.value.shard.bytes);
  step = await run.next();
}
const train = step.value;

// The card's `configs` and `dataset_info`, in the YAML Python datasets writes.
const card = setDatasetConfig(parseCard(""), {
  config: datasetConfigFor({ splits: [train] }),
  info: datasetInfoFor({ splits: [train] }),
});
await writeFile("./my-dataset/README.md", stringifyCard(card));

// Read it back, decoded: { text: "Loved it ✓", label: 1, tags: ["short"] }…
for await (const row of readDataset("./my-dataset", { split: "train" })) console.log(row);
