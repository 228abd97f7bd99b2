// The README's first command (`npm run quickstart`): install from the lockfile, build, then run
// hfkit's main job end to end on the embedded local hub (no network, no account needed):
// create a dataset repo, upload a folder (a card, CSV files and a binary file that goes
// through Git LFS), read the repo back, download it and check every byte, validate the card;
// then push the sample dataset in tooling/quickstart (two splits from JSONL and CSV, and a
// second config) as Parquet shards with their card, as Python `datasets.push_to_hub` lays
// them out, and read it back with `datasets info` and `datasets rows`.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pnpm, root, run } from "./pnpm.mjs";

pnpm(["install", "--frozen-lockfile"]);
pnpm(["exec", "turbo", "run", "build", "--filter=@hfkit/cli...", "--output-logs=errors-only"]);

// Everything lives under .hfkit-quickstart/ (git-ignored) and starts afresh on each run.
const work = join(root, ".hfkit-quickstart");
rmSync(work, { recursive: true, force: true });
const sample = join(work, "sample");
const downloaded = join(work, "downloaded");
mkdirSync(join(sample, "data"), { recursive: true });
writeFileSync(
  join(sample, "README.md"),
  [
    "---",
    "license: mit",
    "pretty_name: hfkit quickstart",
    "task_categories:",
    "- text-classification",
    "configs:",
    "- config_name: default",
    "  data_files:",
    "  - split: train",
    "    path: data/train.csv",
    "  - split: test",
    "    path: data/test.csv",
    "---",
    "# hfkit quickstart",
    "",
    "A tiny dataset pushed by `npm run quickstart` to the embedded local hub.",
    "",
  ].join("\n"),
);
const rows = (n, offset) =>
  ["text,label", ...Array.from({ length: n }, (_, i) => `review ${offset + i},${(offset + i) % 2}`)].join(
    "\n",
  );
writeFileSync(join(sample, "data", "train.csv"), `${rows(800, 0)}\n`);
writeFileSync(join(sample, "data", "test.csv"), `${rows(200, 800)}\n`);
// Binary content (NUL bytes): the Hub, like the local hub, stores it with Git LFS.
const blob = Buffer.alloc(3 * 1024 * 1024);
for (let i = 0; i < blob.length; i++) blob[i] = (i * 2654435761) >>> 24;
writeFileSync(join(sample, "data", "embeddings.bin"), blob);

const env = { HFKIT_LOCAL_HUB: join(work, "hub"), HF_ENDPOINT: "local" };
const hfkit = (...args) => run("node", ["apps/cli/bin/hfkit.js", ...args], { env });
const repo = "datasets/local/quickstart";

hfkit("repo", "create", repo, "--exist-ok");
hfkit("upload", repo, sample, "--commit-message", "Add the quickstart sample", "--verify");
hfkit("repo", "info", repo);
hfkit("download", repo, "--local-dir", downloaded);
hfkit("card", "validate", join(downloaded, "README.md"), "--repo-type", "dataset");

function files(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((path) => !path.startsWith(".cache") && statSync(join(dir, path)).isFile())
    .sort();
}
const digest = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");
const expected = files(sample);
const got = files(downloaded).filter((path) => path !== ".gitattributes");
const same =
  JSON.stringify(expected) === JSON.stringify(got) &&
  expected.every((p) => digest(join(sample, p)) === digest(join(downloaded, p)));
if (!same) {
  console.error(`\n✗ the downloaded files differ from the uploaded ones:\n  sent ${expected}\n  got  ${got}`);
  process.exit(1);
}
// The datasets push: files in, Parquet shards and the card's configs/dataset_info out.
const dataset = "datasets/local/reviews";
const inputs = join(root, "tooling", "quickstart");
hfkit(
  "datasets",
  "push",
  dataset,
  `train=${join(inputs, "train.jsonl")}`,
  `test=${join(inputs, "test.csv")}`,
);
hfkit("datasets", "push", dataset, join(inputs, "fr.jsonl"), "--config", "fr");
hfkit("datasets", "info", dataset);
console.error(`\n$ hfkit datasets rows ${dataset} --config fr`);
const rowsRun = spawnSync("node", ["apps/cli/bin/hfkit.js", "datasets", "rows", dataset, "--config", "fr"], {
  cwd: root,
  env: { ...process.env, ...env },
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
});
const readBack = rowsRun.stdout ?? "";
process.stderr.write(readBack);
const sent = readFileSync(join(inputs, "fr.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line));
const received = readBack
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line));
if (JSON.stringify(sent) !== JSON.stringify(received)) {
  console.error(
    `\n✗ the rows read back differ from the ones pushed:\n  sent ${JSON.stringify(sent)}\n  got  ${readBack}`,
  );
  process.exit(1);
}

console.error(
  `\n✓ Quickstart done: ${expected.length} files uploaded to ${repo} on the embedded local hub ` +
    `(${relative(root, env.HFKIT_LOCAL_HUB)}) and downloaded back byte for byte into ${relative(root, downloaded)};\n` +
    `  ${dataset} pushed as Parquet shards with its card (splits train and test, config fr) and read back.\n` +
    `  Try: HF_ENDPOINT=local HFKIT_LOCAL_HUB=${relative(root, env.HFKIT_LOCAL_HUB)} node apps/cli/bin/hfkit.js datasets rows ${dataset} --split test`,
);
