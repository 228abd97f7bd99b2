// Issue 10: no single request can exhaust the emulator. Each hostile request goes over real
// HTTP to a listening server, gets a 4xx in the Hub's error shape, and the server keeps
// serving other clients afterwards.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorServer, startEmulatorServer } from "../src/index.js";
import { HubModel } from "../src/model/hub.js";
import { createDiskStorage } from "../src/storage/disk.js";

const WRITE = "hf_bounds_write";
const READ = "hf_bounds_read";
const users = [
  { token: WRITE, user: "local", role: "write" as const },
  { token: READ, user: "local", role: "read" as const },
];
const OID = "a".repeat(64);
const GB = 1000 ** 3;

let server: EmulatorServer;
beforeAll(async () => {
  server = await startEmulatorServer({ port: 0, users });
  const res = await send("POST", "/api/repos/create", { json: { name: "bounds" } });
  expect(res.status).toBe(200);
});
afterAll(() => server.close());

interface Sent {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown>;
}

async function send(
  method: string,
  path: string,
  options: { json?: unknown; body?: string; token?: string | null; type?: string } = {},
): Promise<Sent> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? WRITE : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  const body = options.json !== undefined ? JSON.stringify(options.json) : options.body;
  if (body !== undefined) headers["content-type"] = options.type ?? "application/json";
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** The Hub's error shape: X-Error-Code, X-Error-Message and a JSON `error`. */
function expectHubError(res: Sent, status: number, code: string, message: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get("x-error-code")).toBe(code);
  expect(res.headers.get("x-error-message")).toMatch(message);
  expect(res.body.error).toMatch(message);
}

async function expectStillServing() {
  const me = await send("GET", "/api/whoami-v2");
  expect(me.status).toBe(200);
  expect(me.body.name).toBe("local");
  const info = await send("GET", "/api/models/local/bounds");
  expect(info.status).toBe(200);
}

const batch = (objects: Array<{ oid: string; size: number }>, token = WRITE, ref: string | null = "main") =>
  send("POST", "/local/bounds.git/info/lfs/objects/batch", {
    token,
    type: "application/vnd.git-lfs+json",
    json: {
      operation: "upload",
      transfers: ["basic", "multipart"],
      hash_algo: "sha256",
      objects,
      ...(ref ? { ref: { name: ref } } : {}),
    },
  });

const oid = (i: number) => i.toString(16).padStart(64, "0");

describe("the LFS batch is bounded", () => {
  it("refuses a read-only token, with or without ref, before signing anything", async () => {
    for (const ref of ["main", null]) {
      const res = await batch([{ oid: OID, size: 2 ** 53 - 1 }], READ, ref);
      expectHubError(res, 403, "Forbidden", /read access only/);
    }
    await expectStillServing();
  });

  it("answers an object of 2^53-1 bytes with a per-object 422 (the Hub's 500 GB file limit)", async () => {
    const res = await batch([{ oid: OID, size: 2 ** 53 - 1 }]);
    expect(res.status).toBe(200);
    expect(res.text.length).toBeLessThan(1000);
    const [object] = res.body.objects as Array<{
      error?: { code: number; message: string };
      actions?: unknown;
    }>;
    expect(object!.actions).toBeUndefined();
    expect(object!.error).toEqual({ code: 422, message: expect.stringMatching(/larger than 500 GB/) });
    await expectStillServing();
  });

  it("caps the parts of a big object at S3's 10,000 by growing chunk_size", async () => {
    const size = 400 * GB + 1;
    const res = await batch([{ oid: OID, size }]);
    expect(res.status).toBe(200);
    const header = (
      res.body.objects as Array<{ actions: { upload: { header: Record<string, string> } } }>
    )[0]!.actions.upload.header;
    const chunk = Number(header.chunk_size);
    const parts = Object.keys(header).filter((k) => /^\d+$/.test(k));
    expect(parts.length).toBeLessThanOrEqual(10_000);
    expect(parts.length).toBe(Math.ceil(size / chunk)); // what clients check before uploading
  });

  it("refuses more than 1000 objects, and more than 50,000 part URLs, with 413", async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ oid: oid(i), size: 1 }));
    expectHubError(await batch(many), 413, "TooManyObjects", /at most 1000 objects/);
    const huge = Array.from({ length: 6 }, (_, i) => ({ oid: oid(i), size: 400 * GB }));
    expectHubError(await batch(huge), 413, "TooManyParts", /more than 50000 multipart part URLs/);
    await expectStillServing();
  });

  it("forgets abandoned multipart uploads (and their parts) once their URLs expire", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hfkit-bounds-"));
    let now = Date.UTC(2026, 0, 1);
    const disk = await startEmulatorServer({
      port: 0,
      storage: { dir },
      now: () => now,
      multipartThreshold: 10,
      multipartChunkSize: 5,
    });
    try {
      const auth = { authorization: `Bearer ${WRITE}`, "content-type": "application/json" };
      await fetch(`${disk.url}/api/repos/create`, { method: "POST", headers: auth, body: '{"name":"mp"}' });
      const start = async (o: string) => {
        const res = await fetch(`${disk.url}/local/mp.git/info/lfs/objects/batch`, {
          method: "POST",
          headers: auth,
          body: JSON.stringify({
            operation: "upload",
            transfers: ["multipart"],
            objects: [{ oid: o, size: 10 }],
          }),
        });
        return (
          (await res.json()) as {
            objects: Array<{ actions: { upload: { header: Record<string, string> } } }>;
          }
        ).objects[0]!.actions.upload.header;
      };
      const first = await start(oid(1));
      expect((await fetch(first["00001"]!, { method: "PUT", body: "12345" })).status).toBe(200);
      const partsDir = join(dir, "objects", "part");
      expect((await readdir(partsDir, { recursive: true })).length).toBeGreaterThan(0);
      now += 25 * 3600_000; // past the 24 h presigned-URL lifetime
      await start(oid(2));
      const left = await readdir(partsDir, { recursive: true }).catch(() => []);
      expect(left.filter((p) => String(p).includes("/"))).toEqual([]);
      // The state on disk (document plus journal, as a restart reads it).
      const { state } = await HubModel.load(createDiskStorage(dir), () => now);
      expect(Object.values(state.multipart).map((u) => u.oid)).toEqual([oid(2)]);
    } finally {
      await disk.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("README metadata is bounded", () => {
  const validate = (content: string) =>
    send("POST", "/api/validate-yaml", { json: { content, repoType: "model" } });

  it("answers an alias bomb with 400 and errors[], not 500", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const res = await validate(`---\n${levels.join("\n")}\n---\n# bomb\n`);
    expectHubError(res, 400, "InvalidMetadata", /too many aliases/);
    expect(res.body.errors).toEqual([{ message: expect.stringMatching(/too many aliases/) }]);
    await expectStillServing();
  });

  it("answers a recursive alias (a node holding an alias to itself) with 400, not a stored cycle", async () => {
    const res = await validate("---\na: &a\n  b: *a\n---\n# loop\n");
    expectHubError(res, 400, "InvalidMetadata", /alias refers to a node that contains it/);
    // Aliases to nodes outside themselves stay fine.
    expect((await validate("---\nx: &x [1, 2]\ny: *x\n---\n")).status).toBe(200);
    await expectStillServing();
  });

  it("answers front matter nested 100,000 deep, and deep block nesting, with 400", async () => {
    const flow = await validate(`---\na: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n---\n`);
    expectHubError(flow, 400, "InvalidMetadata", /nests more than 100 levels/);
    const block = Array.from({ length: 150 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n");
    expectHubError(await validate(`---\n${block} 1\n---\n`), 400, "InvalidMetadata", /nests more than 100/);
    await expectStillServing();
  });

  it("answers a 25 MB card with 400 naming the bound, and a 50 MB one with 413", async () => {
    const line = "tags: [a, b, c]\n";
    const big = `---\nlicense: mit\n${"x_pad: 1\n".repeat(1)}${"# ".padEnd(99, "y")}\n${line.repeat(1)}`;
    const card25 = `${big}${"k: v\n".repeat(5 * 1024 * 1024)}---\n`;
    expect(card25.length).toBeGreaterThan(25_000_000);
    const res = await validate(card25);
    expectHubError(res, 400, "InvalidMetadata", /metadata is too large .* at most 524288/);
    const card50 = "x".repeat(50 * 1024 * 1024);
    expectHubError(await validate(card50), 413, "PayloadTooLarge", /too large/);
    await expectStillServing();
  });

  it("still checks duplicate keys (in linear time) and accepts a large valid card", async () => {
    const dup = await validate("---\nlicense: mit\nlicense: apache-2.0\n---\n");
    expectHubError(dup, 400, "InvalidMetadata", /unique/);
    const keys = Array.from({ length: 20_000 }, (_, i) => `key_${i}: ${i}`).join("\n");
    const ok = await validate(`---\n${keys}\n---\n# fine\n`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ errors: [], warnings: expect.any(Array) });
  });

  it("refuses a commit of a README with oversized front matter, and commits nothing", async () => {
    const before = await send("GET", "/api/models/local/bounds/revision/main");
    const card = `---\n${"k: v\n".repeat(200_000)}---\n`;
    const res = await send("POST", "/api/models/local/bounds/commit/main", {
      type: "application/x-ndjson",
      body: [
        JSON.stringify({ key: "header", value: { summary: "big card" } }),
        JSON.stringify({ key: "file", value: { path: "README.md", content: card, encoding: "utf-8" } }),
      ].join("\n"),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-error-code")).toBe("InvalidMetadata");
    const after = await send("GET", "/api/models/local/bounds/revision/main");
    expect(after.body.sha).toBe(before.body.sha);
  });
});

describe("commit payloads are bounded", () => {
  it("refuses a 100,000-line NDJSON commit with 413 and commits nothing", async () => {
    const before = await send("GET", "/api/models/local/bounds/revision/main");
    const lines = [JSON.stringify({ key: "header", value: { summary: "flood" } })];
    for (let i = 0; i < 100_000; i++)
      lines.push(JSON.stringify({ key: "deletedFile", value: { path: `f${i}` } }));
    const res = await send("POST", "/api/models/local/bounds/commit/main", {
      type: "application/x-ndjson",
      body: lines.join("\n"),
    });
    expectHubError(res, 413, "TooManyOperations", /at most 25000 operations/);
    const after = await send("GET", "/api/models/local/bounds/revision/main");
    expect(after.body.sha).toBe(before.body.sha);
    await expectStillServing();
  });

  it("answers a malformed line early in a 20 MB body with 400, not a reset", async () => {
    const filler = JSON.stringify({ key: "file", value: { path: "a.txt", content: "x".repeat(1024) } });
    const body = [
      JSON.stringify({ key: "header", value: { summary: "x" } }),
      "{oops",
      ...Array(20_000).fill(filler),
    ];
    const res = await send("POST", "/api/models/local/bounds/commit/main", {
      type: "application/x-ndjson",
      body: body.join("\n"),
    });
    expectHubError(res, 400, "InvalidCommitPayload", /line 2 is not valid JSON/);
    await expectStillServing();
  });

  it("refuses one NDJSON line over 16 MiB with 413", async () => {
    const line = JSON.stringify({
      key: "file",
      value: { path: "big.txt", content: "x".repeat(17 * 1024 * 1024) },
    });
    const res = await send("POST", "/api/models/local/bounds/commit/main", {
      type: "application/x-ndjson",
      body: `${JSON.stringify({ key: "header", value: { summary: "x" } })}\n${line}`,
    });
    expectHubError(res, 413, "PayloadTooLarge", /at most 16777216 bytes/);
    await expectStillServing();
  });

  it("deletes 20,000 files from a 20,000-file folder in one commit", async () => {
    const add = [JSON.stringify({ key: "header", value: { summary: "many" } })];
    for (let i = 0; i < 20_000; i++)
      add.push(JSON.stringify({ key: "file", value: { path: `many/f${i}.txt`, content: "" } }));
    const added = await send("POST", "/api/models/local/bounds/commit/main", {
      type: "application/x-ndjson",
      body: add.join("\n"),
    });
    expect(added.status).toBe(200);
    const del = [JSON.stringify({ key: "header", value: { summary: "delete them" } })];
    for (let i = 0; i < 20_000; i++)
      del.push(JSON.stringify({ key: "deletedFile", value: { path: `many/f${i}.txt` } }));
    del.push(JSON.stringify({ key: "file", value: { path: "kept.txt", content: "kept" } }));
    const deleted = await send("POST", "/api/models/local/bounds/commit/main", {
      type: "application/x-ndjson",
      body: del.join("\n"),
    });
    expect(deleted.status).toBe(200);
    const tree = await send("GET", "/api/models/local/bounds/tree/main");
    expect((JSON.parse(tree.text) as Array<{ path: string }>).map((e) => e.path)).not.toContain("many");
  });
});
