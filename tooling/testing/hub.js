// The emulator behind a test file's msw server: the Hub the msw tests of @hfkit/repo and
// @hfkit/commit run against, instead of hand-written fake Hubs. Plain JS like the rest of
// @hfkit/testing. The emulator is passed in (a factory), so this package depends on none.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";

/**
 * Serves a fresh emulator per test through `server` (from `useMswServer()`), and seeds repos
 * through the emulator's own in-process fetch, so seeding never shows in the msw request log.
 * A test overrides a route with `server.use(...)` only for an answer the emulator cannot give
 * (a body cut mid-way, a corrupt CDN, an LFS batch refusing an object), citing the section of
 * hub-protocol.md that says what the real Hub sends. With `tempDir` (a prefix), each test also
 * gets a fresh temp folder (`dir`: a cache, a download target), removed after it.
 */
export function useEmulatorHub(server, createEmulator, { tempDir } = {}) {
  let current;
  let dir;
  beforeEach(async () => {
    current = createEmulator();
    server.use(...current.mswHandlers());
    if (tempDir) dir = await mkdtemp(join(tmpdir(), tempDir));
  });
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return {
    get emulator() {
      return current;
    },
    get dir() {
      return dir;
    },
    seed: (repo, files, options) => seedRepo(current, repo, files, options),
    api: (method, path, options) => call(current, method, path, options),
  };
}

const encoder = new TextEncoder();
const bytesOf = (content) => (typeof content === "string" ? encoder.encode(content) : content);

async function call(emulator, method, path, { token, json, ndjson, okStatuses = [] } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(json);
  } else if (ndjson !== undefined) {
    headers["content-type"] = "application/x-ndjson";
    body = ndjson.map((line) => `${JSON.stringify(line)}\n`).join("");
  }
  const response = await emulator.fetch(`${emulator.baseUrl}${path}`, { method, headers, body });
  if (!response.ok && !okStatuses.includes(response.status)) {
    throw new Error(
      `seeding the emulator: ${method} ${path} answered ${response.status}: ${await response.text()}`,
    );
  }
  return response.status === 204 ? undefined : response.json().catch(() => undefined);
}

function parse(repo) {
  const parts = repo.split("/");
  const type = parts.length === 3 ? parts[0] : "models";
  const name = parts.slice(-2).join("/");
  const web = type === "models" ? name : `${type}/${name}`;
  return { type, name, web, api: `${type}/${name}` };
}

async function sha256(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Buffer.from(digest).toString("hex");
}

/**
 * Creates `repo` if needed and commits `files` (`{ path: content }`) to `revision`, storing each
 * file as the emulator's preupload says (LFS objects uploaded through the batch API and a
 * presigned PUT, hub-protocol §6–7). Returns the new commit id.
 */
async function seedRepo(emulator, repo, files, { token, message = "seed", revision = "main" } = {}) {
  const { type, name, web, api } = parse(repo);
  const [organization, short] = name.split("/");
  await call(emulator, "POST", "/api/repos/create", {
    token,
    json: { name: short, organization, type: type.slice(0, -1) },
    okStatuses: [409],
  });
  const entries = Object.entries(files).map(([path, content]) => ({ path, bytes: bytesOf(content) }));
  const answer = await call(emulator, "POST", `/api/${api}/preupload/${encodeURIComponent(revision)}`, {
    token,
    json: {
      files: entries.map((e) => ({
        path: e.path,
        size: e.bytes.byteLength,
        sample: Buffer.from(e.bytes.subarray(0, 512)).toString("base64"),
      })),
    },
  });
  const lfs = new Set(answer.files.filter((f) => f.uploadMode === "lfs").map((f) => f.path));
  const lines = [{ key: "header", value: { summary: message } }];
  for (const entry of entries) {
    if (!lfs.has(entry.path)) {
      lines.push({
        key: "file",
        value: { path: entry.path, content: Buffer.from(entry.bytes).toString("base64"), encoding: "base64" },
      });
      continue;
    }
    const oid = await sha256(entry.bytes);
    const size = entry.bytes.byteLength;
    const batch = await call(emulator, "POST", `/${web}.git/info/lfs/objects/batch`, {
      token,
      json: { operation: "upload", transfers: ["basic"], hash_algo: "sha256", objects: [{ oid, size }] },
    });
    const href = batch.objects[0]?.actions?.upload?.href;
    if (href) {
      const put = await emulator.fetch(href, { method: "PUT", body: entry.bytes });
      if (!put.ok)
        throw new Error(`seeding the emulator: the upload of ${entry.path} answered ${put.status}`);
    }
    lines.push({ key: "lfsFile", value: { path: entry.path, algo: "sha256", oid, size } });
  }
  const done = await call(emulator, "POST", `/api/${api}/commit/${encodeURIComponent(revision)}`, {
    token,
    ndjson: lines,
  });
  return done.commitOid;
}
