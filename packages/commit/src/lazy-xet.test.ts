import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulatorServer } from "@hfkit/emulator";
import { afterAll, describe, expect, it } from "vitest";
import { noise, tempTree } from "./test-utils/files.js";

// An upload through Git LFS must not build @hfkit/xet's WebAssembly (LZ4, BLAKE3, gear hash):
// they cost memory, and a collection of it inside the upload, for nothing (issue 19). The
// channel is subscribed before hfkit is imported, so a module built at import is seen too.
const built: string[] = [];
const listener = (message: unknown) => built.push((message as { module: string }).module);
subscribe("hfkit:xet:wasm", listener);
const { createHubClient } = await import("@hfkit/http");
const { uploadFile } = await import("./upload-file.js");
const { createRepo, downloadFile } = await import("@hfkit/repo");

const server = await startEmulatorServer({ port: 0 });
const home = await mkdtemp(join(tmpdir(), "hfkit-lazy-xet-"));
afterAll(async () => {
  unsubscribe("hfkit:xet:wasm", listener);
  await server.close();
  await rm(home, { recursive: true, force: true });
});
const client = (xet: boolean) =>
  createHubClient({
    endpoint: server.url,
    token: "hf_lazy_xet_test_token",
    env: { HF_HOME: home, ...(xet ? {} : { HF_HUB_DISABLE_XET: "1" }) },
  });

describe("the Xet WebAssembly modules", () => {
  it("are not built by an LFS upload, and are by an Xet one", async () => {
    const bytes = noise(3 << 20, 5);
    const dir = await tempTree({ "w.bin": bytes });
    const lfs = client(false);
    await createRepo(lfs, { repo: "local/lfs" });
    await uploadFile(lfs, { repo: "local/lfs", file: join(dir, "w.bin") });
    const back = await downloadFile(lfs, { repo: "local/lfs", path: "w.bin", cacheDir: join(home, "cache") });
    expect(Buffer.compare(await readFile(back.path), bytes)).toBe(0);
    expect(built).toEqual([]);

    const xet = client(true);
    await createRepo(xet, { repo: "local/xet" });
    await uploadFile(xet, { repo: "local/xet", file: join(dir, "w.bin") });
    expect(new Set(built)).toEqual(new Set(["lz4", "blake3", "gear"]));
  });
});
