// Opt-in check that hfkit and Python's huggingface_hub share one cache (`pnpm conformance:python`).
// Not part of the default test run: it needs python3 and a package index that has
// huggingface_hub (this machine's /opt/pypi mirror, or HFKIT_PYPI_INDEX). It:
//   1. takes the test suite's cached Python venv (or one with HFKIT_HF_HUB_SPEC's version);
//   2. starts the emulator and fills a repo (regular files, an LFS file, nested paths);
//   3. hfkit downloads into cache A; Python must find everything there with local_files_only=True,
//      and scan_cache_dir() must report no warnings;
//   4. Python downloads into cache B; hfkit must find everything there offline, with no request;
//   5. hfkit and Python download the same LFS file into cache C at once: one intact blob.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulatorServer } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { createRepo, downloadFile, repoFolderName, snapshotDownload } from "@hfkit/repo";
import { uploadFiles } from "@huggingface/hub";
import { judgePython, runCheck } from "./python-env.mjs";

const keep = process.argv.includes("--keep");
const TOKEN = "hf_conformance_check_token";
const REPO = { type: "dataset", name: "local/shared-cache" };
const FILES = {
  "README.md": "# Shared cache\n",
  "config.json": '{"hidden_size": 8}\n',
  "data/train.csv": "text,label\nhello,1\n",
  "docs/read me.txt": "a path with a space\n",
};
// NUL bytes make the emulator (like the Hub) store it with LFS.
const BIG = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i % 7 === 0 ? 0 : (i * 31) % 256));
const ALL = [...Object.keys(FILES), "weights/model.bin"];
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

const results = [];
function check(name, fn) {
  try {
    fn();
    results.push(`PASS ${name}`);
  } catch (error) {
    results.push(`FAIL ${name}: ${error.message.split("\n").slice(0, 6).join("\n     ")}`);
  }
}

const work = mkdtempSync(join(tmpdir(), "hfkit-pyconf-"));
const server = await startEmulatorServer({ port: 0 });
try {
  console.error(`work dir: ${work}\nemulator: ${server.url} (storage ${server.storageUrl})`);
  const { python, version: pyVersion } = await judgePython(work);
  console.error(`huggingface_hub ${pyVersion}`);

  // Seed the repo: created by hfkit, files committed by the official JS client in its default
  // configuration (the big file through Xet; hfkit then downloads it through the /resolve
  // redirect, Python through hf_xet: one cache either way).
  const online = (cacheDir, extra = {}) =>
    createHubClient({ endpoint: server.url, token: TOKEN, env: { HF_HUB_CACHE: cacheDir, ...extra } });
  await createRepo(online(work), { repo: REPO });
  await uploadFiles({
    repo: { type: REPO.type, name: REPO.name },
    accessToken: TOKEN,
    hubUrl: server.url,
    files: [
      ...Object.entries(FILES).map(([path, text]) => ({ path, content: new Blob([text]) })),
      { path: "weights/model.bin", content: new Blob([BIG]) },
    ],
  });
  const folder = repoFolderName(REPO);
  // The emulator advertises storage under another host name than the Hub, so Python sees the
  // LFS redirect leave the Hub (utils/_http.py _is_same_or_hub_host) and sends no token there.
  const pyEnv = {
    HF_ENDPOINT: server.url,
    HF_TOKEN: TOKEN,
  };
  const job = { repo_id: REPO.name, repo_type: REPO.type, revision: "main", files: ALL };

  // hfkit writes, Python reads offline.
  const cacheA = join(work, "cache-a");
  const hfkitPaths = {};
  for (const path of ALL) hfkitPaths[path] = (await downloadFile(online(cacheA), { repo: REPO, path })).path;
  const hfkitSnapshot = await snapshotDownload(online(cacheA), { repo: REPO });
  const pyA = await runCheck(
    python,
    "check_cache.py",
    { ...job, mode: "offline", cache_dir: cacheA },
    { HF_HUB_OFFLINE: "1" },
  );
  check("Python finds every file hfkit downloaded, offline, at the same path", () => {
    assert.deepEqual(pyA.errors, []);
    assert.deepEqual(pyA.files, hfkitPaths);
  });
  check("Python's offline snapshot_download returns hfkit's snapshot folder", () =>
    assert.equal(pyA.snapshot, hfkitSnapshot.path),
  );
  check("scan_cache_dir() sees hfkit's cache as healthy (no warnings, refs/main, every file)", () => {
    assert.deepEqual(pyA.scan.warnings, []);
    const repo = pyA.scan.repos.find((r) => r.repo_id === REPO.name);
    assert.ok(repo, "repo missing from scan");
    assert.equal(repo.repo_type, "dataset");
    assert.deepEqual(repo.refs, ["main"]);
    // scan_cache_dir lists file names without their folders; the emulator adds .gitattributes, as the Hub does.
    assert.deepEqual(repo.revisions[0].files, [
      ".gitattributes",
      "README.md",
      "config.json",
      "model.bin",
      "read me.txt",
      "train.csv",
    ]);
  });

  // Python writes, hfkit reads offline.
  const cacheB = join(work, "cache-b");
  const pyB = await runCheck(
    python,
    "check_cache.py",
    { ...job, mode: "download", cache_dir: cacheB },
    pyEnv,
  );
  check("Python downloads from the emulator without errors", () => assert.deepEqual(pyB.errors, []));
  const logBefore = server.emulator.requestLog.length;
  const offline = createHubClient({
    endpoint: server.url,
    env: { HF_HUB_CACHE: cacheB, HF_HUB_OFFLINE: "1" },
  });
  const seenB = {};
  let snapshotB;
  let offlineError;
  try {
    for (const path of ALL) seenB[path] = (await downloadFile(offline, { repo: REPO, path })).path;
    snapshotB = await snapshotDownload(offline, { repo: REPO });
  } catch (error) {
    offlineError = error;
  }
  check("hfkit finds every file Python downloaded, offline, at the same path", () => {
    assert.equal(offlineError, undefined, String(offlineError?.message));
    assert.deepEqual(seenB, pyB.files);
  });
  check("hfkit's offline snapshot is Python's snapshot folder, with every file", () => {
    assert.equal(snapshotB?.path, pyB.snapshot);
    assert.deepEqual(
      snapshotB.files.map((f) => f.path),
      [".gitattributes", ...ALL].sort(),
    );
  });
  check("hfkit sent no request while offline", () =>
    assert.equal(server.emulator.requestLog.length, logBefore),
  );
  check("the bytes Python cached are the bytes hfkit reads", () =>
    assert.equal(sha256(readFileSync(seenB["weights/model.bin"])), sha256(BIG)),
  );

  // Both at once, same file, same cache.
  const cacheC = join(work, "cache-c");
  const pyRun = runCheck(
    python,
    "check_cache.py",
    { ...job, files: ["weights/model.bin"], mode: "download", cache_dir: cacheC },
    pyEnv,
  ).then(
    (r) => r,
    (e) => e,
  );
  const [py, ours] = await Promise.all([
    pyRun,
    downloadFile(online(cacheC), { repo: REPO, path: "weights/model.bin" }).then(
      (r) => r,
      (e) => e,
    ),
  ]);
  check("hfkit and Python downloading one file into one cache at once: both succeed, one intact blob", () => {
    assert.ok(!(py instanceof Error), String(py?.message));
    assert.deepEqual(py.errors, []);
    assert.ok(!(ours instanceof Error), String(ours?.message));
    const blobs = readdirSync(join(cacheC, folder, "blobs"));
    assert.ok(blobs.includes(sha256(BIG)), `blobs: ${blobs}`);
    assert.deepEqual(
      blobs.filter((b) => b.includes("incomplete")),
      [],
    );
    assert.equal(sha256(readFileSync(join(cacheC, folder, "blobs", sha256(BIG)))), sha256(BIG));
  });
  results.unshift(`huggingface_hub ${pyVersion}, emulator ${server.url}`);
} finally {
  await server.close();
  if (!keep) rmSync(work, { recursive: true, force: true });
}
console.log(results.join("\n"));
process.exit(results.some((r) => r.startsWith("FAIL")) ? 1 : 0);
