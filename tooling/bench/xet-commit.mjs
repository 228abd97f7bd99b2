// hfkit's commit through Xet against Python huggingface_hub 1.33 + hf_xet, uploading the same
// file of random bytes to the same emulator (its own process, on CPU 1), each client in its
// own process on CPU 0, interleaved, a fresh repo and a fresh HF_HOME (no local dedup record)
// per upload. Prints medians and the hfkit / Python ratio of this run.
// Usage: node xet-commit.mjs [sizeMiB=512] [runs=3]
import { execFileSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHubClient } from "@hfkit/http";
import { ensurePython } from "@hfkit/testing/python";
import { hasCommand, median, startProcess } from "./lib.mjs";

const sizeMiB = Number(process.argv[2] ?? 512);
const runs = Number(process.argv[3] ?? 3);
const bytes = sizeMiB * 2 ** 20;
// A fresh file of random bytes per upload: the emulator's CAS deduplicates across repos, as the
// Hub's does, so a second upload of one file would send almost nothing.
function randomFile(path) {
  const fd = openSync(path, "w");
  const block = Buffer.allocUnsafe(8 << 20);
  for (let written = 0; written < bytes; written += block.length) {
    randomFillSync(block);
    writeSync(fd, block, 0, Math.min(block.length, bytes - written));
  }
  closeSync(fd);
  return path;
}

const TOKEN = "hf_bench_token_not_secret";
const here = import.meta.dirname;
const { python } = await ensurePython();
const server = await startProcess(join(here, "emulator-serve.mjs"), [], 1);
const endpoint = server.line;
const pin = (command, args) =>
  hasCommand("taskset") ? ["taskset", ["-c", "0", command, ...args]] : [command, args];
const work = mkdtempSync(join(tmpdir(), "hfkit-bench-xet-commit-"));
let repos = 0;

async function newRepo() {
  const name = `xet-bench-${++repos}`;
  // A client per call, and the POST retried: after a long upload the emulator was seen closing
  // the connection of the next request ("other side closed"); creating a fresh repo twice is harmless.
  const hub = createHubClient({ endpoint, token: TOKEN, env: {} });
  await hub.request({
    method: "POST",
    path: "/api/repos/create",
    body: { json: { name } },
    responseType: "none",
    idempotent: true,
  });
  await hub.close();
  return `local/${name}`;
}

const PY = `import json, resource, sys, time
from huggingface_hub import HfApi
api = HfApi()
start = time.perf_counter()
api.upload_file(path_or_fileobj=sys.argv[1], path_in_repo="data.bin", repo_id=sys.argv[2])
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))`;

function runOnce(client, repo) {
  const home = mkdtempSync(join(work, `${client}-`));
  const file = randomFile(join(home, "data.bin"));
  const [command, args] =
    client === "hfkit"
      ? pin(process.execPath, [join(here, "xet-commit-once.mjs"), endpoint, file, repo, home])
      : pin(python, ["-c", PY, file, repo]);
  const out = execFileSync(command, args, {
    env: {
      ...process.env,
      HF_ENDPOINT: endpoint,
      HF_TOKEN: TOKEN,
      HF_HOME: home,
      HF_HUB_DISABLE_PROGRESS_BARS: "1",
    },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  rmSync(home, { recursive: true, force: true });
  return JSON.parse(out.trim().split("\n").at(-1));
}

const results = { hfkit: [], python: [] };
try {
  for (let i = 0; i < runs; i++) {
    const order = i % 2 ? ["python", "hfkit"] : ["hfkit", "python"];
    for (const client of order) {
      const result = runOnce(client, await newRepo());
      results[client].push(result);
      const hashed = result.hashedSeconds ? ` (SHA-256 pass ${result.hashedSeconds.toFixed(2)} s)` : "";
      console.error(`run ${i + 1} ${client}: ${result.seconds.toFixed(2)} s${hashed}, ${result.maxRssMB} MB`);
    }
  }
} finally {
  server.stop();
  rmSync(work, { recursive: true, force: true });
}
const med = (client, key) => median(results[client].map((r) => r[key]));
const MBs = (seconds) => Math.round(bytes / 1e6 / seconds);
console.log(`${sizeMiB} MiB of random bytes through Xet to the emulator, medians of ${runs}:`);
for (const client of ["hfkit", "python"]) {
  console.log(
    `  ${client.padEnd(6)} ${med(client, "seconds").toFixed(2)} s (${MBs(med(client, "seconds"))} MB/s), peak RSS ${med(client, "maxRssMB")} MB`,
  );
}
console.log(`  hfkit / python time: ${(med("hfkit", "seconds") / med("python", "seconds")).toFixed(2)}`);
