import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { uploadFile } from "@hfkit/commit";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { createRepo } from "@hfkit/repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `hfkit download` in a real pseudo-terminal (util-linux `script`) draws progress bars; piped,
// it prints none. The built binary runs (turbo builds the CLI before its tests).
const BIN = join(import.meta.dirname, "..", "bin", "hfkit.js");
const run = promisify(execFile);
let server: EmulatorServer;
let home: string;

beforeAll(async () => {
  server = await startEmulatorServer({ port: 0 });
  home = await mkdtemp(join(tmpdir(), "hfkit-progress-"));
  const hub = createHubClient({ endpoint: server.url, token: "hf_progress_pty", env: {} });
  await createRepo(hub, { repo: "local/bars" });
  const content = new Uint8Array(6 << 20).map((_, i) => (i * 7919) % 251);
  await uploadFile(hub, { repo: "local/bars", content, pathInRepo: "big.bin" });
});
afterAll(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});

const env = () => ({ ...process.env, HF_ENDPOINT: server.url, HF_TOKEN: "hf_progress_pty", HF_HOME: home });
const args = (cache: string) => [BIN, "download", "local/bars", "big.bin", "--cache-dir", join(home, cache)];

describe("hfkit download progress", () => {
  it("draws bars with bytes and a rate on a terminal", async () => {
    const command = [process.execPath, ...args("tty")].map((a) => `'${a}'`).join(" ");
    const { stdout } = await run("script", ["-qfec", command, "/dev/null"], { env: env(), timeout: 120_000 });
    expect(stdout).toMatch(/[█░]{20}/); // a bar (how full depends on how fast the bytes came)
    expect(stdout).toMatch(/downloading big\.bin .* \/ 6\.3 MB .*\/s/);
    expect(stdout).toMatch(/done big\.bin \(6\.3 MB in /);
  });

  it("prints no bar and no escape code when stderr is not a terminal", async () => {
    const { stdout, stderr } = await run(process.execPath, args("piped"), { env: env(), timeout: 120_000 });
    expect(stdout.trim()).toMatch(/big\.bin$/);
    expect(stderr).not.toContain("█");
    expect(stderr).not.toContain("\x1b");
  });
});
