import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { pythonSkipReason, runPython } from "@hfkit/testing/python";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo } from "./create-repo.js";
import { downloadFile } from "./download-file.js";

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

describe.skipIf(pythonSkipReason())("hfkit reads what huggingface_hub uploaded through hf_xet", () => {
  it("downloads it byte-identical through the CAS, where Python finds it", { timeout: 300_000 }, async () => {
    const cache = join(work, "hub");
    const hub = createHubClient({ endpoint: server.url, token: TOKEN, env: { HF_HUB_CACHE: cache } });
    await createRepo(hub, { repo: "local/from-python" });
    const data = new Uint8Array(7 * 1024 * 1024 + 5).map((_, i) => (i * 2_654_435_761) >>> 23);
    const local = join(work, "py.bin");
    await writeFile(local, data);
    const env = {
      HF_ENDPOINT: server.url,
      HF_TOKEN: TOKEN,
      HF_HOME: join(work, "py-home"),
      HF_HUB_CACHE: cache,
    };
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
