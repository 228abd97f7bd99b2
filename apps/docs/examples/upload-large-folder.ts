// The recipe "Upload a large folder, with resume". Run it again after a crash, a Ctrl-C or a
// lost connection: what is committed is skipped, LFS objects the Hub already has are not sent
// again, and the rest carries on.
import { type UploadFolderResult, uploadFolderIter } from "@hfkit/commit";
import { createHubClient } from "@hfkit/http";

const hub = createHubClient(); // HF_TOKEN / HF_ENDPOINT from the environment

// Ctrl-C stops the upload cleanly: the generator winds down, nothing is left half-committed.
const controller = new AbortController();
process.once("SIGINT", () => controller.abort(new Error("Interrupted: run the upload again to resume it.")));

const upload = uploadFolderIter(hub, {
  repo: "datasets/me/big-corpus",
  folder: "./corpus",
  include: ["*.parquet", "*.jsonl", "README.md"],
  exclude: ["tmp/"],
  message: "Add the corpus",
  // Cut the upload into commits of at most 500 files (and 100 MiB of small files) each.
  maxFilesPerCommit: 500,
  // Four large files on the wire at once, each in up to eight parallel parts.
  concurrency: { lfsUploads: 4, parts: 8 },
  verify: true,
  signal: controller.signal,
});

// `for await` would drop the generator's return value (the result); step through it instead.
let step = await upload.next();
for (; !step.done; step = await upload.next()) {
  const event = step.value;
  switch (event.type) {
    case "preupload-done":
      console.log(`${event.files} files: ${event.lfsFiles} through LFS, ${event.ignoredFiles} ignored`);
      break;
    case "file-skipped":
      if (event.reason === "unchanged") console.log(`already on the Hub: ${event.path}`);
      break;
    case "lfs-object-skipped":
      console.log(`uploaded by an earlier run: ${event.path}`);
      break;
    case "lfs-upload-progress":
      console.log(`${event.path}: ${((100 * event.bytesUploaded) / event.totalBytes).toFixed(0)}%`);
      break;
    case "commit-part-started":
      console.log(`commit ${event.part} of ${event.parts} (${event.files} files)`);
      break;
    case "commit-created":
      console.log(event.commitUrl);
      break;
  }
}
const result: UploadFolderResult = step.value;
console.log(`${result.commits.length} commit(s), last ${result.commitUrl}`);
