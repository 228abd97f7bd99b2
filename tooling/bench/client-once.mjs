// One operation by one JS client (hfkit or the official @huggingface/hub), in its own process
// so that its peak memory is its own. Prints {"seconds", "cpuSeconds", "maxRssMB", "commits"} on stdout
// (plus "hashed" and "uploaded", seconds from the start, for a file uploaded by hfkit; "files"
// for a listing); the time covers the library call only, modules load before the clock starts.
// Usage: node client-once.mjs <hfkit|official> <op> <endpoint> <path> <repo> [maxFilesPerCommit]
//   op: file | folder (uploads of `path`), download-file (`path` is the file in the repo),
//       snapshot, list (`path` unused). Downloads go to the cache in $HF_HOME.
// Xet: HFKIT_BENCH_XET=1 or 0 forces it on or off for both clients; unset, hfkit uses it when
// the server offers it and the official client does not (useXet: false).
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";

const [client, op, endpoint, path, repo, maxFiles] = process.argv.slice(2);
const token = "hf_bench_token_not_secret";
const xet = process.env.HFKIT_BENCH_XET;
const cacheDir = process.env.HF_HOME ? join(process.env.HF_HOME, "hub") : undefined;
let commits = 1;
/** The hfkit client, closed after the clock stops (neither peer's timing includes a close). */
let hub;
const extra = {};

const hfkit =
  client === "hfkit"
    ? {
        ...(await import("@hfkit/http")),
        ...(await import("@hfkit/commit")),
        ...(await import("@hfkit/repo")),
      }
    : undefined;
const official = client === "hfkit" ? undefined : await import("@huggingface/hub");
// HFKIT_BENCH_PHASES=1: hfkit's requests, as [method, redacted URL, start, end] in ms from the
// clock's start (from its `hfkit:http:request:*` channels), for upload-ab.mjs's phase split.
const requests = [];
if (hfkit && process.env.HFKIT_BENCH_PHASES === "1") {
  const { subscribe } = await import("node:diagnostics_channel");
  const open = new Map();
  subscribe("hfkit:http:request:start", (e) => open.set(e.id, [e.method, e.url, performance.now() - start]));
  subscribe("hfkit:http:request:end", (e) => requests.push([...open.get(e.id), performance.now() - start]));
  extra.requests = requests;
}
const start = performance.now();
const cpuStart = process.cpuUsage();
if (hfkit) {
  const env = {
    ...(xet === "0" ? { HF_HUB_DISABLE_XET: "1" } : {}),
    ...(process.env.HF_HOME ? { HF_HOME: process.env.HF_HOME } : {}),
  };
  hub = hfkit.createHubClient({ endpoint, token, env });
  if (op === "file") {
    for await (const event of hfkit.uploadFileIter(hub, { repo, file: path })) {
      if (event.type === "file-hash-progress" && event.bytesHashed === event.totalBytes) {
        extra.hashed = (performance.now() - start) / 1000;
      }
      if (event.type === "lfs-object-uploaded") extra.uploaded = (performance.now() - start) / 1000;
    }
  } else if (op === "folder") {
    const result = await hfkit.uploadFolder(hub, {
      repo,
      folder: path,
      ...(maxFiles ? { maxFilesPerCommit: Number(maxFiles) } : {}),
    });
    commits = result.commits.length;
  } else if (op === "download-file") {
    await hfkit.downloadFile(hub, { repo, path, ...(cacheDir ? { cacheDir } : {}) });
  } else if (op === "snapshot") {
    await hfkit.snapshotDownload(hub, { repo, ...(cacheDir ? { cacheDir } : {}) });
  } else if (op === "list") {
    extra.files = 0;
    for await (const entry of hfkit.listFiles(hub, { repo, recursive: true })) {
      if (entry.type === "file") extra.files++;
    }
  } else throw new Error(`unknown op ${op}`);
} else {
  const common = { repo, accessToken: token, hubUrl: endpoint };
  const useXet = xet === "1";
  if (op === "file") {
    await official.uploadFile({
      ...common,
      useXet,
      file: { path: basename(path), content: pathToFileURL(path) },
    });
  } else if (op === "folder") {
    await official.uploadFiles({ ...common, useXet, files: [{ path: "", content: pathToFileURL(path) }] });
  } else if (op === "download-file") {
    await official.downloadFileToCacheDir({ ...common, path, ...(cacheDir ? { cacheDir } : {}) });
  } else if (op === "snapshot") {
    await official.snapshotDownload({ ...common, ...(cacheDir ? { cacheDir } : {}) });
  } else if (op === "list") {
    extra.files = 0;
    for await (const entry of official.listFiles({ ...common, recursive: true })) {
      if (entry.type === "file") extra.files++;
    }
  } else throw new Error(`unknown op ${op}`);
}
const seconds = (performance.now() - start) / 1000;
// Client CPU (user + system, all threads) in the same section: steadier than wall time on a shared VM.
const cpu = process.cpuUsage(cpuStart);
extra.cpuSeconds = (cpu.user + cpu.system) / 1e6;
await hub?.close?.();
process.stdout.write(
  `${JSON.stringify({ seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, commits, ...extra })}\n`,
);
