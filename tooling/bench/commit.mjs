// @hfkit/commit against `openssl dgst -sha256` + `curl -T` (to a server that discards the
// body) and against the official @huggingface/hub client (2.17.5, useXet: false), both
// clients uploading to the emulator (memory storage, SHA-256 check off) in the same run; with
// HFKIT_BENCH_SERVER=stub, to hub-stub.mjs instead (a stateless Hub that discards uploads).
// Servers on CPU 1, every client on CPU 0 (taskset), each client in its own process (its peak
// RSS is its own), contenders interleaved, a fresh repo per upload, medians of `runs`.
// Usage: node commit.mjs [sizeMiB=2048] [runs=5] [smallFiles=2000] [hugeFolder=20000]
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureFile, ensureFolder, floorUpload, hasCommand, median, startProcess } from "./lib.mjs";

const sizeMiB = Number(process.argv[2] ?? 2048);
const runs = Number(process.argv[3] ?? 5);
const smallFiles = Number(process.argv[4] ?? 2000);
const hugeFolder = Number(process.argv[5] ?? 20000);
const here = new URL(".", import.meta.url).pathname;
const pin = hasCommand("taskset") ? ["taskset", "-c", "0"] : [];

function run(cmd, args) {
  const [bin, ...rest] = [...pin, cmd, ...args];
  return execFileSync(bin, rest, { encoding: "utf8", maxBuffer: 1 << 20 });
}

let repos = 0;
async function freshRepo(endpoint) {
  const name = `bench-${process.pid}-${++repos}`;
  if (serverKind === "emulator") {
    const res = await fetch(`${endpoint}/api/repos/create`, {
      method: "POST",
      headers: { authorization: "Bearer hf_bench_token_not_secret", "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    if (!res.ok) throw new Error(`create repo: ${res.status} ${await res.text()}`);
  }
  return `local/${name}`;
}

async function clientRun(client, kind, endpoint, path, extra = []) {
  const repo = await freshRepo(endpoint);
  const out = run(process.execPath, [
    join(here, "client-once.mjs"),
    client,
    kind,
    endpoint,
    path,
    repo,
    ...extra,
  ]);
  return JSON.parse(out.trim().split("\n").at(-1));
}

/**
 * `curl -T` of the file to the server hfkit uploads to (a presigned URL from the LFS batch,
 * basic transfer): what the server itself costs. A server that stores 2 GiB ingests far
 * slower than one that discards it on this VM, for every client alike.
 */
async function curlToServer(file, oid, size) {
  if (serverKind !== "emulator") return undefined;
  const repo = await freshRepo(endpoint);
  const res = await fetch(`${endpoint}/${repo}.git/info/lfs/objects/batch`, {
    method: "POST",
    headers: {
      authorization: "Bearer hf_bench_token_not_secret",
      "content-type": "application/vnd.git-lfs+json",
    },
    body: JSON.stringify({
      operation: "upload",
      transfers: ["basic"],
      hash_algo: "sha256",
      objects: [{ oid, size }],
    }),
  });
  const href = (await res.json()).objects[0].actions.upload.href;
  const start = performance.now();
  run("curl", ["-s", "-f", "-o", "/dev/null", "-T", file, href]);
  return (performance.now() - start) / 1000;
}

const file = ensureFile(join(tmpdir(), `hfkit-bench-unique-${sizeMiB}MiB.bin`), sizeMiB * 2 ** 20); // (<< 20 overflows at 2 GiB)
const small = ensureFolder(smallFiles);
const huge = ensureFolder(hugeFolder);
const serverKind = process.env.HFKIT_BENCH_SERVER === "stub" ? "stub" : "emulator";
const server = await startProcess(
  join(here, serverKind === "stub" ? "hub-stub.mjs" : "emulator-serve.mjs"),
  [],
  1,
);
const endpoint = server.line;
const discardServer = await startProcess(join(here, "discard-server.mjs"), [], 1);
const discard = `http://127.0.0.1:${discardServer.line}`;
const fmt = (x) => x.toFixed(2);

try {
  const big = { baseline: [], hfkit: [], official: [], hfkitRss: [], officialRss: [] };
  const oid = run("openssl", ["dgst", "-sha256", "-r", file]).split(" ")[0];
  const curlToEmulator = [];
  const split = { opensslHash: [], curlUpload: [], hfkitHash: [], hfkitUpload: [] };
  const folder = { hfkit: [], official: [] };
  for (let i = 0; i < runs; i++) {
    // Interleaved so that drift on this VM hits every contender alike.
    const b = floorUpload(file, discard, pin);
    big.baseline.push(b.seconds);
    const c = await curlToServer(file, oid, sizeMiB * 2 ** 20);
    if (c !== undefined) curlToEmulator.push(b.hash + c);
    split.opensslHash.push(b.hash);
    split.curlUpload.push(b.upload);
    const h = await clientRun("hfkit", "file", endpoint, file);
    split.hfkitHash.push(h.hashed);
    split.hfkitUpload.push(h.uploaded - h.hashed);
    big.hfkit.push(h.seconds);
    big.hfkitRss.push(h.maxRssMB);
    const o = await clientRun("official", "file", endpoint, file);
    big.official.push(o.seconds);
    big.officialRss.push(o.maxRssMB);
    folder.hfkit.push((await clientRun("hfkit", "folder", endpoint, small)).seconds);
    folder.official.push((await clientRun("official", "folder", endpoint, small)).seconds);
    process.stderr.write(`run ${i + 1}/${runs} done\n`);
  }
  const m = Object.fromEntries(
    Object.entries({ ...big, ...{ folderHfkit: folder.hfkit, folderOfficial: folder.official } }).map(
      ([k, v]) => [k, median(v)],
    ),
  );
  const hugeRun = await clientRun("hfkit", "folder", endpoint, huge);
  console.log(`\nserver: ${serverKind}`);
  console.log(
    `${sizeMiB} MiB file, median of ${runs} (seconds): baseline ${fmt(m.baseline)}, hfkit ${fmt(m.hfkit)}, official ${fmt(m.official)}`,
  );
  console.log(`  hfkit / (openssl dgst + curl -T): ${fmt(m.hfkit / m.baseline)}  (target <= 1.3)`);
  if (curlToEmulator.length > 0) {
    console.log(
      `  hfkit / (openssl dgst + curl -T to the emulator itself): ${fmt(m.hfkit / median(curlToEmulator))}  (the client's own overhead)`,
    );
  }
  console.log(`  official / hfkit:                 ${fmt(m.official / m.hfkit)}  (target >= 1.5)`);
  const phase = (a, b) => fmt(median(split[a]) / median(split[b]));
  console.log(
    `  hashing: hfkit / openssl dgst ${phase("hfkitHash", "opensslHash")}; uploading: hfkit / curl -T ${phase("hfkitUpload", "curlUpload")}`,
  );
  console.log(
    `  peak RSS: hfkit ${Math.max(...big.hfkitRss).toFixed(0)} MB (target < 300), official ${Math.max(...big.officialRss).toFixed(0)} MB`,
  );
  console.log(
    `${smallFiles} small files: hfkit ${fmt(m.folderHfkit)} s, official ${fmt(m.folderOfficial)} s`,
  );
  console.log(`  official / hfkit: ${fmt(m.folderOfficial / m.folderHfkit)}  (target >= 1.0)`);
  console.log(
    `${hugeFolder} small files, hfkit: ${fmt(hugeRun.seconds)} s, ${hugeRun.commits} commits, peak RSS ${hugeRun.maxRssMB.toFixed(0)} MB`,
  );
} finally {
  server.stop();
  discardServer.stop();
}
