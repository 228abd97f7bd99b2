import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { pythonSkipReason, runPython } from "@hfkit/testing/python";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo } from "./create-repo.js";
import { downloadFile } from "./download-file.js";
import { snapshotDownload } from "./snapshot-download.js";

// huggingface_hub uploads through hf_xet (its default when hf_xet is installed); hfkit reads the
// file back through the CAS, into the cache Python then reads offline.
const TOKEN = "hf_repo_xet_peers";
let server: EmulatorServer;
let work = "";

beforeAll(async () => {
  server = await startEmulatorServer({ port: 0 });
  work = await mkdtemp(join(tmpdir(), "hfkit-repo-xet-peers-"));
});
afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A new repo, an hfkit client and a Python environment sharing one hub cache. */
async function sharedCache(folder: string, repo: string) {
  const cache = join(work, folder);
  const hub = createHubClient({ endpoint: server.url, token: TOKEN, env: { HF_HUB_CACHE: cache } });
  await createRepo(hub, { repo });
  const env = {
    HF_ENDPOINT: server.url,
    HF_TOKEN: TOKEN,
    HF_HOME: join(work, "py-home"),
    HF_HUB_CACHE: cache,
  };
  return { hub, env };
}

describe.skipIf(pythonSkipReason())("hfkit reads what huggingface_hub uploaded through hf_xet", () => {
  it("downloads it byte-identical through the CAS, where Python finds it", { timeout: 300_000 }, async () => {
    const { hub, env } = await sharedCache("hub", "local/from-python");
    const data = new Uint8Array(7 * 1024 * 1024 + 5).map((_, i) => (i * 2_654_435_761) >>> 23);
    const local = join(work, "py.bin");
    await writeFile(local, data);
    await runPython(
      `import sys
from huggingface_hub import HfApi
HfApi().upload_file(path_or_fileobj=sys.argv[2], path_in_repo="py.bin", repo_id=sys.argv[1])`,
      { env, args: ["local/from-python", local] },
    );
    const uploads = server.emulator.requestLog.map((e) => `${e.method} ${new URL(e.url).pathname}`);
    expect(uploads.some((p) => p.startsWith("POST /v1/xorbs/"))).toBe(true);

    server.emulator.clearRequestLog();
    const file = await downloadFile(hub, { repo: "local/from-python", path: "py.bin" });
    expect(sha256(await readFile(file.path))).toBe(sha256(data));
    const reads = server.emulator.requestLog.map((e) => `${e.method} ${new URL(e.url).pathname}`);
    expect(reads.some((p) => /^GET \/v[12]\/reconstructions\//.test(p))).toBe(true);
    expect(reads.some((p) => p.startsWith("GET /xet-file/"))).toBe(false);

    const found = await runPython(
      `import sys
from huggingface_hub import hf_hub_download
print(hf_hub_download(sys.argv[1], "py.bin"))`,
      { env: { ...env, HF_HUB_OFFLINE: "1" }, args: ["local/from-python"] },
    );
    expect(found.trim()).toBe(file.path);
  });
});

describe.skipIf(pythonSkipReason())("huggingface_hub reads a snapshot hfkit wrote into the cache", () => {
  it("finds every small file offline, and its cache scan sees the files, blobs and ref", {
    timeout: 300_000,
  }, async () => {
    const { hub, env } = await sharedCache("hub-snapshot", "local/small-files");
    const folder = join(work, "small-files");
    const files: Record<string, string> = { "README.md": "# small\n", "a/b/c.json": '{"c":1}\n' };
    for (let i = 0; i < 40; i++) files[`part-${i % 4}/row-${i}.txt`] = `${i} `.repeat(50 + i);
    files["same/one.txt"] = "same bytes\n";
    files["same/two.txt"] = "same bytes\n"; // one blob, two links
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(folder, path)), { recursive: true });
      await writeFile(join(folder, path), content);
    }
    await runPython(
      `import sys
from huggingface_hub import HfApi
HfApi().upload_folder(folder_path=sys.argv[2], repo_id=sys.argv[1])`,
      { env, args: ["local/small-files", folder] },
    );
    const snapshot = await snapshotDownload(hub, { repo: "local/small-files" });
    // The repo also holds the .gitattributes the Hub writes when it creates a repo.
    files[".gitattributes"] = await readFile(join(snapshot.path, ".gitattributes"), "utf8");
    expect(snapshot.files.map((f) => f.path)).toEqual(Object.keys(files).sort());
    const seen = await runPython(
      `import json, os, sys
from huggingface_hub import scan_cache_dir, snapshot_download
root = snapshot_download(sys.argv[1])
files = {}
for folder, _, names in os.walk(root):
    for name in names:
        path = os.path.join(folder, name)
        files[os.path.relpath(path, root).replace(os.sep, "/")] = open(path).read()
info = scan_cache_dir()
repo = next(r for r in info.repos if r.repo_id == sys.argv[1])
print(json.dumps({"root": root, "files": files, "warnings": [str(w) for w in info.warnings],
  "nb_files": repo.nb_files, "refs": sorted(repo.refs), "size": repo.size_on_disk}))`,
      { env: { ...env, HF_HUB_OFFLINE: "1" }, args: ["local/small-files"] },
    );
    const report = JSON.parse(seen.trim().split("\n").at(-1)!);
    expect(report.root).toBe(snapshot.path);
    expect(report.files).toEqual(files);
    expect(report.warnings).toEqual([]);
    expect(report.refs).toEqual(["main"]);
    // One blob per distinct content (Python counts blobs): the two identical files share theirs.
    const distinct = [...new Set(Object.values(files))];
    expect(distinct).toHaveLength(Object.keys(files).length - 1);
    expect(report.nb_files).toBe(distinct.length);
    expect(report.size).toBe(distinct.reduce((n, c) => n + Buffer.byteLength(c), 0));
  });
});
