// hfkit over https, as every user of huggingface.co runs it: `hfkit emulator serve --tls-cert
// --tls-key` with a certificate made by `openssl` for this run, and the built CLI (upload,
// download) trusting it through NODE_EXTRA_CA_CERTS. Covers hfkit's own https paths that
// plain-http tests never reach: API calls over its node:https agents, file PUTs, the LFS
// multipart upload, Xet, and LFS downloads read over its own TLS socket (16 MiB and more). Python
// `huggingface_hub` reads what hfkit pushed over the same https origins (SSL_CERT_FILE).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { pythonSkipReason, runPython } from "@hfkit/testing/python";
import { selfSignedCertificate } from "@hfkit/testing/tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "..", "bin", "hfkit.js");
const TOKEN = "hf_https_test_token";
// Over the emulator's 16 MiB part size (a multipart upload) and the own-socket download size.
const BIG = randomBytes(40 * 1024 * 1024 + 123);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const run = promisify(execFile);

let root: string;
let server: ChildProcess;
let endpoint: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "hfkit-https-"));
  selfSignedCertificate(root, ["IP:127.0.0.1", "DNS:localhost"], "hfkit test hub");
  server = spawn(
    process.execPath,
    [BIN, "emulator", "serve", "--tls-cert", join(root, "cert.pem"), "--tls-key", join(root, "key.pem")],
    { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH, HOME: root } },
  );
  const [first] = (await once(server.stdout as NodeJS.ReadableStream, "data")) as [Buffer];
  endpoint = first.toString().trim().split("\n")[0] as string;
  await mkdir(join(root, "folder", "sub"), { recursive: true });
  await writeFile(join(root, "folder", "big.bin"), BIG);
  await writeFile(join(root, "folder", "sub", "notes.txt"), "small file over https\n");
}, 60_000);

afterAll(async () => {
  server?.kill("SIGTERM");
  if (server && server.exitCode === null) await once(server, "exit");
  await rm(root, { recursive: true, force: true });
});

/** The built CLI with the test's certificate trusted, as a user behind a private CA runs it. */
function hfkit(home: string, args: string[], extra: Record<string, string> = {}) {
  return run(process.execPath, [BIN, ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: root,
      HF_HOME: join(root, home),
      HF_ENDPOINT: endpoint,
      HF_TOKEN: TOKEN,
      NODE_EXTRA_CA_CERTS: join(root, "cert.pem"),
      ...extra,
    },
    maxBuffer: 16 << 20,
  });
}

describe("hfkit over https (emulator serve --tls-cert)", () => {
  it("serves both origins over https", () => {
    expect(endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it.each([
    ["LFS (multipart)", "local/https-lfs", { HF_HUB_DISABLE_XET: "1" }],
    ["Xet", "local/https-xet", {}],
  ])(
    "uploads a folder through %s and downloads it back byte for byte",
    async (_, repo, extra) => {
      await hfkit(`home-${repo}`, ["upload", repo, join(root, "folder")], extra);
      const big = await hfkit(`home-${repo}`, ["download", repo, "big.bin"], extra);
      const small = await hfkit(`home-${repo}`, ["download", repo, "sub/notes.txt"], extra);
      expect(sha256(await readFile(big.stdout.trim()))).toBe(sha256(BIG));
      expect(await readFile(small.stdout.trim(), "utf8")).toBe("small file over https\n");
    },
    120_000,
  );

  it.skipIf(pythonSkipReason())(
    "lets Python huggingface_hub download what hfkit uploaded, over https",
    async () => {
      const out = await runPython(
        `import hashlib, sys
from huggingface_hub import hf_hub_download
path = hf_hub_download("local/https-lfs", "big.bin")
print(hashlib.sha256(open(path, "rb").read()).hexdigest())`,
        {
          env: {
            HF_ENDPOINT: endpoint,
            HF_TOKEN: TOKEN,
            HF_HOME: join(root, "home-python"),
            HF_HUB_DISABLE_XET: "1",
            SSL_CERT_FILE: join(root, "cert.pem"),
          },
        },
      );
      expect(out.trim()).toBe(sha256(BIG));
    },
    120_000,
  );

  it("refuses the Hub when its certificate is not trusted, and says so", async () => {
    const error = await run(process.execPath, [BIN, "repo", "info", "local/https-lfs"], {
      env: { PATH: process.env.PATH, HOME: root, HF_HOME: join(root, "untrusted"), HF_ENDPOINT: endpoint },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((error as { code: number }).code).not.toBe(0);
    expect((error as { stderr: string }).stderr).toMatch(/self-signed certificate/);
    expect((error as { stderr: string }).stderr).toContain(
      "hint: if the server's certificate comes from a private CA",
    );
    expect((error as { stderr: string }).stderr).toContain("NODE_EXTRA_CA_CERTS=");
  }, 60_000);
});
