// Python huggingface_hub 1.33 with hf_xet 1.6 (and datasets 5.0.1), in their default
// configuration (no HF_HUB_DISABLE_XET): they upload and download through Xet only, so the
// emulator must serve the token exchange and the CAS as the Hub does.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pythonSkipReason, runPython } from "@hfkit/testing/python";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorServer, type RequestLogEntry, startEmulatorServer } from "../src/index.js";
import { hashToHex, xetHasher } from "../src/xet/hash.js";

let server: EmulatorServer;
let work: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startEmulatorServer({ port: 0 });
  work = await mkdtemp(join(tmpdir(), "hfkit-xet-python-"));
  env = {
    HF_ENDPOINT: server.url,
    HF_TOKEN: "hf_python_xet",
    HF_HOME: join(work, "home"),
    HF_HUB_CACHE: join(work, "hub"),
    HF_XET_CACHE: join(work, "xet"),
    HF_DATASETS_CACHE: join(work, "datasets"),
  };
});
afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

/** Runs a script whose last stdout line is JSON. */
async function py<T>(code: string): Promise<T> {
  const out = await runPython(`import json, os, hashlib\n${code}`, { env, timeoutMs: 600_000 });
  return JSON.parse(out.trim().split("\n").at(-1)!) as T;
}

const path = (e: RequestLogEntry) => `${e.method} ${new URL(e.url).pathname}`;

function xorbUploads(log: readonly RequestLogEntry[]) {
  const xorbs = log.filter((e) => path(e).startsWith("POST /v1/xorbs/default/"));
  return { count: xorbs.length, bytes: xorbs.reduce((n, e) => n + e.bodyBytes, 0) };
}

describe.skipIf(pythonSkipReason())("hf_xet's own hashing", () => {
  it("agrees with the emulator's chunk and file hashes (one-chunk files: file hash = keyed hash of the chunk hash)", async () => {
    const sizes = [1, 100, 8000];
    const result = await py<Array<{ hash: string; data: string }>>(`
import hf_xet, base64, random
random.seed(7)
out = []
for i, size in enumerate(${JSON.stringify(sizes)}):
    data = bytes(random.getrandbits(8) for _ in range(size))
    path = os.path.join(${JSON.stringify(work)}, f"hash-{i}.bin")
    open(path, "wb").write(data)
    out.append({"hash": hf_xet.hash_files([path])[0].hash, "data": base64.b64encode(data).decode()})
print(json.dumps(out))
`);
    const hasher = await xetHasher();
    for (const { hash, data } of result) {
      const bytes = Buffer.from(data, "base64");
      expect(hashToHex(hasher.fileHash([{ hash: hasher.chunkHash(bytes), size: bytes.length }]))).toBe(hash);
    }
  }, 300_000);
});

describe.skipIf(pythonSkipReason())("Python huggingface_hub + hf_xet, default configuration", () => {
  it("upload_file goes through Xet, and hf_hub_download reads it back through Xet", async () => {
    server.emulator.clearRequestLog();
    const result = await py<{ sha: string; got: string; xet: string | null }>(`
from huggingface_hub import HfApi, hf_hub_download
api = HfApi()
api.create_repo("local/py-xet")
data = os.urandom(300_000)
api.upload_file(path_or_fileobj=data, path_in_repo="weights.bin", repo_id="local/py-xet")
info = api.get_paths_info("local/py-xet", ["weights.bin"])[0]
local = hf_hub_download("local/py-xet", "weights.bin")
print(json.dumps({"sha": hashlib.sha256(data).hexdigest(), "got": hashlib.sha256(open(local, "rb").read()).hexdigest(), "xet": info.xet_hash}))
`);
    expect(result.got).toBe(result.sha);
    expect(result.xet).toMatch(/^[0-9a-f]{64}$/);
    const paths = server.emulator.requestLog.map(path);
    expect(paths).toContain("GET /api/models/local/py-xet/xet-write-token/main");
    expect(paths.some((p) => p.startsWith("POST /v1/xorbs/default/"))).toBe(true);
    expect(paths.some((p) => p.startsWith("GET /v2/reconstructions/"))).toBe(true);
    expect(paths.some((p) => p.startsWith("PUT /upload/") || p.startsWith("POST /upload/"))).toBe(false);
  }, 300_000);

  it("upload_folder with a 100 MB file; re-uploading it with 1 MB edited in the middle sends only a few new xorbs", async () => {
    const folder = join(work, "folder");
    server.emulator.clearRequestLog();
    await py(`
from huggingface_hub import HfApi
folder = ${JSON.stringify(folder)}
os.makedirs(os.path.join(folder, "sub"), exist_ok=True)
with open(os.path.join(folder, "model.bin"), "wb") as f:
    f.write(os.urandom(100 * 1024 * 1024))
open(os.path.join(folder, "config.json"), "w").write('{"a": 1}')
open(os.path.join(folder, "sub", "notes.txt"), "w").write("notes")
api = HfApi()
api.create_repo("local/py-folder")
api.upload_folder(folder_path=folder, repo_id="local/py-folder")
print("{}")
`);
    const first = xorbUploads(server.emulator.requestLog);
    expect(first.bytes).toBeGreaterThanOrEqual(100 * 1024 * 1024);

    server.emulator.clearRequestLog();
    const edited = await py<{ sha: string }>(`
from huggingface_hub import HfApi
path = os.path.join(${JSON.stringify(folder)}, "model.bin")
with open(path, "r+b") as f:
    f.seek(50 * 1024 * 1024)
    f.write(os.urandom(1024 * 1024))
HfApi().upload_folder(folder_path=${JSON.stringify(folder)}, repo_id="local/py-folder", commit_message="edit 1 MB")
print(json.dumps({"sha": hashlib.sha256(open(path, "rb").read()).hexdigest()}))
`);
    const second = xorbUploads(server.emulator.requestLog);
    // The figures the emulator README quotes.
    console.info(
      `edit-in-the-middle: first upload ${first.count} xorbs / ${first.bytes} bytes, re-upload ${second.count} xorbs / ${second.bytes} bytes`,
    );
    expect(second.count).toBeGreaterThanOrEqual(1);
    expect(second.count).toBeLessThanOrEqual(2);
    expect(second.bytes).toBeLessThan(3 * 1024 * 1024);
    expect(
      server.emulator.requestLog.filter((e) => e.status >= 400 && !e.url.includes("/v1/chunks/")),
    ).toEqual([]);

    // snapshot_download reads the edited file back through Xet (several terms, two versions' xorbs).
    const snapshot = await py<{ sha: string; files: string[] }>(`
from huggingface_hub import snapshot_download
root = snapshot_download("local/py-folder")
files = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)
print(json.dumps({"sha": hashlib.sha256(open(os.path.join(root, "model.bin"), "rb").read()).hexdigest(), "files": files}))
`);
    expect(snapshot.sha).toBe(edited.sha);
    expect(snapshot.files).toEqual([".gitattributes", "config.json", "model.bin", "sub/notes.txt"]);
  }, 600_000);

  it("create_commit with create_pr=True uploads through Xet to the PR ref", async () => {
    server.emulator.clearRequestLog();
    const result = await py<{ pr: string; sha: string; got: string; onMain: boolean }>(`
from huggingface_hub import HfApi, CommitOperationAdd, hf_hub_download
api = HfApi()
api.create_repo("local/py-pr")
data = os.urandom(200_000)
info = api.create_commit("local/py-pr", operations=[CommitOperationAdd("pr.bin", data)], commit_message="via PR", create_pr=True)
got = hf_hub_download("local/py-pr", "pr.bin", revision=info.pr_revision)
on_main = api.file_exists("local/py-pr", "pr.bin")
print(json.dumps({"pr": info.pr_revision, "sha": hashlib.sha256(data).hexdigest(), "got": hashlib.sha256(open(got, "rb").read()).hexdigest(), "onMain": on_main}))
`);
    expect(result.pr).toBe("refs/pr/1");
    expect(result.got).toBe(result.sha);
    expect(result.onMain).toBe(false);
    const paths = server.emulator.requestLog.map(
      (e) => `${e.method} ${new URL(e.url).pathname}${new URL(e.url).search}`,
    );
    expect(
      paths.some((p) => /^GET \/api\/models\/local\/py-pr\/xet-write-token\/[^?]+\?create_pr=1$/.test(p)),
    ).toBe(true);
  }, 300_000);

  it("datasets.push_to_hub uploads Parquet through Xet, and load_dataset reads it back", async () => {
    server.emulator.clearRequestLog();
    const result = await py<{ rows: Array<{ text: string; n: number }>; split: string[] }>(`
from datasets import Dataset, load_dataset
rows = {"text": [f"row {i}" for i in range(1000)], "n": list(range(1000))}
Dataset.from_dict(rows).push_to_hub("local/py-dataset")
ds = load_dataset("local/py-dataset")
print(json.dumps({"rows": ds["train"].select(range(3)).to_list(), "split": list(ds.keys()), "count": ds["train"].num_rows}))
`);
    expect(result.split).toEqual(["train"]);
    expect(result.rows).toEqual([
      { text: "row 0", n: 0 },
      { text: "row 1", n: 1 },
      { text: "row 2", n: 2 },
    ]);
    const paths = server.emulator.requestLog.map(path);
    expect(paths.some((p) => p.startsWith("POST /v1/xorbs/default/"))).toBe(true);
    expect(paths.some((p) => p === "POST /v2/shards" || p === "POST /v1/shards")).toBe(true);
    // The shard in the repo is a Xet file.
    const tree = (await (
      await fetch(`${server.url}/api/datasets/local/py-dataset/tree/main/data`, {
        headers: { authorization: "Bearer hf_python_xet" },
      })
    ).json()) as Array<{ path: string; xetHash?: string }>;
    expect(tree.find((e) => e.path.endsWith(".parquet"))?.xetHash).toMatch(/^[0-9a-f]{64}$/);
  }, 300_000);
});
