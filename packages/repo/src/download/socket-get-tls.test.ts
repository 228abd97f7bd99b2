// The own-socket LFS download (socket-get.ts) over TLS, as a user behind an https storage
// origin meets it: a certificate from a CA that Node trusts through NODE_EXTRA_CA_CERTS (read
// only when a process starts, hence the download runs in a child process, from the built
// package: turbo builds it before these tests, packages/repo/turbo.json), and one that nothing
// trusts. The certificate is made by `openssl` for each run.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHubClient, HubError } from "@hfkit/http";
import { selfSignedCertificate } from "@hfkit/testing/tls";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { downloadFile } from "../download-file.js";
import { OWN_SOCKET_MIN_BYTES } from "./socket-bytes.js";

const TOKEN = "hf_tls_test_token";
// Three times the own-socket threshold: many 1 MiB buffers, so the reader pauses often while a
// write is in flight (where TLS goes on delivering records).
const CONTENT = randomBytes(3 * OWN_SOCKET_MIN_BYTES + 4_321);
const SHA = createHash("sha256").update(CONTENT).digest("hex");
const PACKAGE_DIR = join(import.meta.dirname, "..", "..");

let root: string;
let servers: Server[] = [];
let storageSeen: { rawHeaders: string[]; url: string }[] = [];
let hubSeen: IncomingMessage["headers"][] = [];
let endpoint: string;

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "hfkit-tls-"));
  // A self-signed certificate for 127.0.0.1, valid for a day.
  const pem = selfSignedCertificate(root, ["IP:127.0.0.1"], "hfkit test storage");
  const storage = createHttpsServer(
    { key: await readFile(pem.key), cert: await readFile(pem.cert) },
    (req, res: ServerResponse) => {
      storageSeen.push({ rawHeaders: req.rawHeaders, url: req.url ?? "" });
      res.writeHead(200, { "content-length": String(CONTENT.byteLength) });
      res.end(CONTENT);
    },
  );
  const storagePort = await listen(storage);
  const hubPort = await listen(
    createHttpServer((req, res) => {
      hubSeen.push(req.headers);
      res.writeHead(302, {
        location: `https://127.0.0.1:${storagePort}/lfs/${SHA}?signature=abc`,
        "x-repo-commit": "e".repeat(40),
        "x-linked-etag": `"${SHA}"`,
        "x-linked-size": String(CONTENT.byteLength),
        "content-length": "0",
      });
      res.end();
    }),
  );
  endpoint = `http://127.0.0.1:${hubPort}`;
});

beforeEach(() => {
  storageSeen = [];
  hubSeen = [];
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  servers = [];
  await rm(root, { recursive: true, force: true });
});

/** Runs a download in a child process that trusts the test's certificate; resolves with its stdout. */
async function downloadInChild(cacheDir: string): Promise<string> {
  const built = join(PACKAGE_DIR, "dist", "index.js");
  if (!existsSync(built)) throw new Error(`${built} is missing: build the package first (pnpm build)`);
  const script = join(root, "download.mjs");
  await writeFile(
    script,
    `import { createRequire } from "node:module";
const require = createRequire(${JSON.stringify(join(PACKAGE_DIR, "package.json"))});
const { createHubClient } = await import(require.resolve("@hfkit/http"));
const { downloadFile } = await import(${JSON.stringify(built)});
const hub = createHubClient({ endpoint: process.argv[2], token: process.argv[3], env: {} });
const result = await downloadFile(hub, { repo: "acme/weights", path: "model.bin", cacheDir: process.argv[4] });
process.stdout.write(result.path);
`,
  );
  const child = spawn(process.execPath, [script, endpoint, TOKEN, cacheDir], {
    env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: join(root, "cert.pem") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  child.stderr.on("data", (chunk) => (err += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`the download exited with ${code}: ${err}`);
  return out;
}

/** The raw header names the storage server received, lower-cased name → value. */
const headersOf = (raw: string[]) =>
  Object.fromEntries(raw.flatMap((v, i) => (i % 2 ? [] : [[v.toLowerCase(), raw[i + 1]]])));

describe("LFS downloads over hfkit's own TLS socket", () => {
  it("reads an https storage origin trusted through NODE_EXTRA_CA_CERTS, without sending the token there", async () => {
    const cacheDir = join(root, "cache-trusted");
    const path = await downloadInChild(cacheDir);
    expect(Buffer.compare(await readFile(path), CONTENT)).toBe(0);
    expect(await readdir(join(cacheDir, "models--acme--weights", "blobs"))).toEqual([SHA]);
    expect(hubSeen.every((h) => h.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(storageSeen).toHaveLength(1);
    const seen = headersOf(storageSeen[0]?.rawHeaders ?? []);
    expect(seen.authorization).toBeUndefined();
    expect(storageSeen[0]?.url).toBe(`/lfs/${SHA}?signature=abc`);
    // The own socket's request (undici keeps connections alive and asks for compression).
    expect(seen.connection).toBe("close");
    expect(seen["accept-encoding"]).toBe("identity");
  });

  it("refuses a certificate nothing trusts, names the problem, and keeps no blob", async () => {
    const cacheDir = join(root, "cache-untrusted");
    const error = await downloadFile(createHubClient({ endpoint, token: TOKEN, env: {} }), {
      repo: "acme/weights",
      path: "model.bin",
      cacheDir,
      resumeDelayMs: 0,
    }).catch((e: unknown) => e);
    expect(HubError.isInstance(error)).toBe(true);
    expect(String((error as Error).message) + String((error as Error).cause)).toMatch(/certificate/i);
    expect(storageSeen).toHaveLength(0);
    const blobs = await readdir(join(cacheDir, "models--acme--weights", "blobs")).catch(() => []);
    expect(blobs).not.toContain(SHA);
  });
});
