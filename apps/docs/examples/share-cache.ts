// The recipe "Share the download cache with Python": hfkit downloads into the cache that
// huggingface_hub, transformers, datasets and `hf` use ($HF_HUB_CACHE, default
// ~/.cache/huggingface/hub), so none of them downloads the file again.
import { createHubClient } from "@hfkit/http";
import { downloadFile } from "@hfkit/repo";

const hub = createHubClient(); // HF_ENDPOINT, HF_TOKEN, HF_HOME, HF_HUB_CACHE from the environment

const config = await downloadFile(hub, { repo: "openai-community/gpt2", path: "config.json" });
console.log(config.path); // …/hub/models--openai-community--gpt2/snapshots/<commit>/config.json

// The other way round: with localFilesOnly (or HF_HUB_OFFLINE=1), hfkit answers from what
// Python downloaded, and fails with LocalEntryNotFoundError when the file is not there.
const tokenizer = await downloadFile(hub, {
  repo: "openai-community/gpt2",
  path: "tokenizer.json",
  localFilesOnly: true,
});
console.log(tokenizer.path);
