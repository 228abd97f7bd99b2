import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { commitDatasetPush, type PreparedDatasetPush, prepareDatasetPush } from "@hfkit/datasets";
import { createHubClient } from "@hfkit/http";

// A push split across worker threads, as a job engine runs it: each worker writes one split's
// shards and uploads each shard as soon as it is written (its disk use stays at a few shards);
// the main thread then makes the one commit, with the card. Run the compiled file with node.
const hub = createHubClient();
const repo = "datasets/me/reviews";

if (isMainThread) {
  const files: Record<string, string> = { train: "./train.jsonl", test: "./test.csv" };
  const halves = await Promise.all(
    Object.entries(files).map(
      ([split, file]) =>
        new Promise<PreparedDatasetPush>((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: { split, file } });
          worker.once("message", resolve);
          worker.once("error", reject);
        }),
    ),
  );
  // The workers' results are plain data: their additions point at uploaded objects, so this
  // commit sends no shard bytes.
  const { commitUrl } = await commitDatasetPush(
    hub,
    {
      ...halves[0]!,
      splits: halves.flatMap((half) => half.splits),
      additions: halves.flatMap((half) => half.additions),
    },
    { repo, commitMessage: "Upload dataset" },
  );
  console.log(commitUrl);
} else {
  const { split, file } = workerData as { split: string; file: string };
  // The repo is created when missing, before the first upload.
  const half = await prepareDatasetPush({ data: file, split, upload: { client: hub, repo } });
  parentPort!.postMessage(half);
}
