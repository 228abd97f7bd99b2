import {
  ClassLabel,
  commitDatasetPush,
  deleteDatasetConfig,
  loadDataset,
  prepareDatasetPush,
  pushDataset,
  Value,
} from "@hfkit/datasets";
import { createHubClient } from "@hfkit/http";

// HF_TOKEN and HF_ENDPOINT come from the environment (HF_ENDPOINT=http://127.0.0.1:PORT for
// `hfkit emulator serve`).
const hub = createHubClient();
const repo = "datasets/me/reviews";

// Two splits at once (as DatasetDict.push_to_hub): the repo is created when missing.
const { commitUrl } = await pushDataset(hub, {
  repo,
  splits: { train: "./train.jsonl", test: "./test.csv" },
  features: { text: Value("string"), label: ClassLabel({ names: ["neg", "pos"] }) },
});
console.log(commitUrl);

// One split of a second config; the card keeps everything else it says.
await pushDataset(hub, { repo, data: [{ text: "Génial", label: "pos" }], config: "fr" });

// Read a split back, typed and decoded: { text: "Génial", label: 1 }
for await (const row of loadDataset(hub, { repo, config: "fr" })) console.log(row);

// The two halves: write the shards anywhere (a worker, another machine sharing the folder)…
const prepared = await prepareDatasetPush({ data: "./more.jsonl", split: "validation" });
// …then one commit that adds them and updates README.md (prepared.folder is yours to remove).
await commitDatasetPush(hub, prepared, { repo, commitMessage: "Add validation" });

await deleteDatasetConfig(hub, { repo, config: "fr" });
