import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { uploadFile } from "@hfkit/commit";
import { startEmulatorServer } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { useEmulatorServer } from "@hfkit/testing/emulator";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../main.js";
import { capture as captureIO } from "../test-utils.js";

// `hfkit download` of a file stored on Xet: which hash checks it (ADR 0022). Bytes fed to each
// streaming hash are counted at the seam every download check hashes through.
const hashed = vi.hoisted(() => ({ sha256: 0 }));
vi.mock("@hfkit/http", async (importOriginal) =>
  (await import("@hfkit/testing/hashes")).countingStreamingHashes(
    await importOriginal<typeof import("@hfkit/http")>(),
    hashed,
  ),
);

const TOKEN = "hf_cli_download_token";
const WEIGHTS = new Uint8Array(3_000_000).map((_, i) => (i * 2_654_435_761) >>> 24);
const fixture = useEmulatorServer({
  start: () => startEmulatorServer({ port: 0 }),
  tempDir: "hfkit-cli-download-",
  tempDirPer: "test",
});

beforeAll(async () => {
  const hub = createHubClient({ endpoint: fixture.server.url, token: TOKEN, env: {} });
  await fetch(`${fixture.server.url}/api/repos/create`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "cli-xet" }),
  });
  await uploadFile(hub, { repo: "local/cli-xet", pathInRepo: "model.bin", content: WEIGHTS });
});

async function download(...flags: string[]) {
  const { io, stdout, stderr } = captureIO({
    HF_ENDPOINT: fixture.server.url,
    HF_TOKEN: TOKEN,
    HF_HOME: fixture.dir,
  });
  hashed.sha256 = 0;
  const code = await main(["download", "local/cli-xet", "model.bin", ...flags], io);
  expect(stderr()).toBe("");
  expect(code).toBe(0);
  const path = stdout().trim();
  expect(
    createHash("sha256")
      .update(await readFile(path))
      .digest("hex"),
  ).toBe(createHash("sha256").update(WEIGHTS).digest("hex"));
  return hashed.sha256;
}

describe("hfkit download of a Xet-stored file", () => {
  it("checks its Xet hash, not its SHA-256, unless --verify-sha256 asks for both", async () => {
    expect(fixture.server.emulator.requestLog.some((r) => r.url.includes("/xorbs/"))).toBe(true);
    expect(await download()).toBe(0);
    expect(await download("--force", "--verify-sha256")).toBe(WEIGHTS.byteLength);
  });
});
