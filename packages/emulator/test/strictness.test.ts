// Every strictness rule, each with a test that sends the bad request.
import { randomBytes } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../src/index.js";
import { call, callJson, commitFiles, createRepo, lfsBatch, ndjson, sha256, TOKEN } from "./helpers.js";

let hub: Emulator;
const REPO = "local/strict";

beforeEach(async () => {
  hub = createEmulator({ multipartThreshold: 1000, multipartChunkSize: 400 });
  await createRepo(hub, "strict");
});

async function commitNdjson(body: string) {
  return callJson<{ error: string }>(hub, "POST", `/api/models/${REPO}/commit/main`, {
    body,
    headers: { "content-type": "application/x-ndjson" },
  });
}

describe("errors", () => {
  it("carry X-Error-Code, X-Error-Message, a JSON error, and echo X-Request-Id", async () => {
    const res = await call(hub, "GET", "/api/models/local/missing", {
      headers: { "x-request-id": "req-123" },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-error-code")).toBe("RepoNotFound");
    expect(res.headers.get("x-error-message")).toBe("Repository not found");
    expect(res.headers.get("x-request-id")).toBe("req-123");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(((await res.json()) as { error: string }).error).toBe("Repository not found");
  });

  it("generates a request id when none is sent", async () => {
    const res = await call(hub, "GET", "/api/whoami-v2");
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("rejects a token that is not hf_-prefixed with 401, even on public reads", async () => {
    const res = await call(hub, "GET", `/api/models/${REPO}`, { token: "not-a-hub-token" });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-error-message")).toBe("Invalid credentials in Authorization header");
  });

  it("answers unknown endpoints with 404 RouteNotFound", async () => {
    const res = await call(hub, "GET", "/api/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("x-error-code")).toBe("RouteNotFound");
  });
});

describe("commit payloads", () => {
  it("rejects malformed NDJSON", async () => {
    const res = await commitNdjson(
      `${JSON.stringify({ key: "header", value: { summary: "x" } })}\n{not json`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toContain("line 2");
  });

  it("rejects a body whose first line is not the header", async () => {
    const res = await commitNdjson(ndjson([{ key: "deletedFile", value: { path: "a" } }]));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/header/);
  });

  it("rejects an unknown line key and invalid base64", async () => {
    const unknown = await commitNdjson(
      ndjson([
        { key: "header", value: { summary: "x" } },
        { key: "rename", value: {} },
      ]),
    );
    expect(unknown.status).toBe(400);
    const b64 = await commitNdjson(
      ndjson([
        { key: "header", value: { summary: "x" } },
        { key: "file", value: { path: "a", content: "!!!", encoding: "base64" } },
      ]),
    );
    expect(b64.status).toBe(400);
  });

  it.each([["/absolute.txt"], ["a//b"], [".git/config"], ["dir/"]])("rejects the path %s", async (path) => {
    const res = await commitFiles(hub, REPO, { [path]: "x" });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-error-code")).toBe("InvalidPath");
  });

  // The Hub answers 422 to a `..` segment and to a leading `..\` (issue 14; huggingface_hub's
  // test_create_file_with_relative_path).
  it.each([["../escape.txt"], ["a/../../b"], [".."], ["..\\escape.txt"]])(
    "rejects the path %s with 422",
    async (path) => {
      const res = await commitFiles(hub, REPO, { [path]: "x" });
      expect(res.status).toBe(422);
      expect(res.headers.get("x-error-code")).toBe("InvalidPath");
      expect(res.headers.get("x-error-message")).toContain("'..'");
    },
  );

  // ... but stores a name with `..` between backslashes further in, as the Hub does:
  // huggingface_hub's TestHfHubDownloadRelativePaths uploads it to test its own download guard.
  it("accepts backslashes with .. after the first segment, and serves the file under that name", async () => {
    const path = "folder/..\\..\\..\\file";
    const res = await commitFiles(hub, REPO, { [path]: "content" });
    expect(res.status).toBe(200);
    const raw = await hub.fetch(
      `${hub.baseUrl}/${REPO}/raw/main/${path.split("/").map(encodeURIComponent).join("/")}`,
    );
    expect([raw.status, await raw.text()]).toEqual([200, "content"]);
  });

  it("rejects a regular file over 10 MiB", async () => {
    const res = await commitFiles(hub, REPO, { "big.txt": "a".repeat(10 * 1024 * 1024 + 1) });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-error-code")).toBe("FileTooLarge");
  });

  it("rejects an lfsFile whose object was never uploaded, and commits nothing", async () => {
    const before = (await callJson<{ sha: string }>(hub, "GET", `/api/models/${REPO}`)).body.sha;
    const res = await commitNdjson(
      ndjson([
        { key: "header", value: { summary: "x" } },
        { key: "file", value: { path: "ok.txt", content: "b2s=", encoding: "base64" } },
        { key: "lfsFile", value: { path: "w.bin", algo: "sha256", oid: "a".repeat(64), size: 3 } },
      ]),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get("x-error-code")).toBe("LfsObjectNotFound");
    expect((await callJson<{ sha: string }>(hub, "GET", `/api/models/${REPO}`)).body.sha).toBe(before);
  });

  it("rejects a README.md whose metadata is not valid YAML, and accepts a valid one", async () => {
    const bad = await commitFiles(hub, REPO, { "README.md": "---\nlicense: [mit\n---\n# Card\n" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("x-error-code")).toBe("InvalidMetadata");
    const list = await commitFiles(hub, REPO, { "README.md": "---\n- a\n- b\n---\n" });
    expect(list.status).toBe(400);
    const good = await commitFiles(hub, REPO, { "README.md": "---\nlicense: mit\n---\n# Card\n" });
    expect(good.status).toBe(200);
  });

  it("answers POST /api/validate-yaml as huggingface_hub expects", async () => {
    const ok = await callJson(hub, "POST", "/api/validate-yaml", {
      json: { content: "---\nlicense: mit\n---\nhi", repoType: "dataset" },
    });
    expect(ok).toMatchObject({ status: 200, body: { errors: [], warnings: [] } });
    const bad = await callJson<{ errors: Array<{ message: string }> }>(hub, "POST", "/api/validate-yaml", {
      json: { content: "---\na: b: c\n---\n", repoType: "model" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]!.message).toBe(
      "Invalid YAML in README.md metadata at line 2, column 4: Nested mappings are not allowed in compact mappings",
    );
  });

  it("rejects a path that would sit under an existing file", async () => {
    await commitFiles(hub, REPO, { a: "file" });
    const res = await commitFiles(hub, REPO, { "a/b": "x" });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-error-code")).toBe("PathConflict");
  });

  it("answers 412 to a stale parentCommit and 404 to deleting a missing file", async () => {
    const first = await commitFiles(hub, REPO, { "a.txt": "1" });
    await commitFiles(hub, REPO, { "a.txt": "2" });
    const stale = await commitFiles(hub, REPO, { "a.txt": "3" }, { parentCommit: first.body.commitOid });
    expect(stale.status).toBe(412);
    const missing = await commitFiles(hub, REPO, {}, { deletes: ["nope.txt"] });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-error-code")).toBe("EntryNotFound");
  });
});

describe("names", () => {
  it.each(["bad name", "-lead", "trail.", "two--dashes", "a..b", "x".repeat(97)])(
    "rejects repo name %j",
    async (name) => {
      const res = await callJson(hub, "POST", "/api/repos/create", { json: { name } });
      expect(res.status).toBe(400);
      expect(res.headers.get("x-error-code")).toBe("InvalidRepoName");
    },
  );

  it.each(["refs/pr/5", "a..b", "has space", "end.lock", "HEAD"])("rejects branch name %j", async (name) => {
    const res = await call(hub, "POST", `/api/models/${REPO}/branch/${encodeURIComponent(name)}`, {
      json: {},
    });
    expect(res.status).toBe(400);
  });
});

describe("LFS uploads", () => {
  const bytes = new Uint8Array(randomBytes(500));

  it("refuses Authorization on a presigned storage URL", async () => {
    const batch = await lfsBatch(hub, REPO, [{ oid: sha256(bytes), size: 500 }]);
    const href = batch.body.objects[0]!.actions!.upload.href;
    expect(href.startsWith(hub.storageBaseUrl)).toBe(true);
    const res = await hub.fetch(href, {
      method: "PUT",
      body: bytes,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-error-code")).toBe("AuthorizationNotAllowed");
  });

  it("refuses a tampered signature", async () => {
    const batch = await lfsBatch(hub, REPO, [{ oid: sha256(bytes), size: 500 }]);
    const href = batch.body.objects[0]!.actions!.upload.href.replace(
      /X-Amz-Signature=[0-9a-f]/,
      "X-Amz-Signature=z",
    );
    expect((await hub.fetch(href, { method: "PUT", body: bytes })).status).toBe(403);
  });

  it("verifies the SHA-256 of a basic upload and keeps nothing on mismatch", async () => {
    const claimed = sha256(new Uint8Array(500));
    const batch = await lfsBatch(hub, REPO, [{ oid: claimed, size: 500 }]);
    const res = await hub.fetch(batch.body.objects[0]!.actions!.upload.href, { method: "PUT", body: bytes });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-error-code")).toBe("BadDigest");
    const again = await lfsBatch(hub, REPO, [{ oid: claimed, size: 500 }]);
    expect(again.body.objects[0]!.actions).toBeDefined();
  });

  it("verifies large uploads too (hashed on a worker thread)", async () => {
    const large = new Uint8Array(64 * 1024 * 1024 + 3);
    large[12345] = 7;
    hub = createEmulator({ multipartThreshold: Number.MAX_SAFE_INTEGER });
    await createRepo(hub, "strict");
    const wrong = await lfsBatch(hub, REPO, [{ oid: "c".repeat(64), size: large.byteLength }]);
    const rejected = await hub.fetch(wrong.body.objects[0]!.actions!.upload.href, {
      method: "PUT",
      body: large,
    });
    expect(rejected.headers.get("x-error-code")).toBe("BadDigest");
    const right = await lfsBatch(hub, REPO, [{ oid: sha256(large), size: large.byteLength }]);
    const accepted = await hub.fetch(right.body.objects[0]!.actions!.upload.href, {
      method: "PUT",
      body: large,
    });
    expect(accepted.status).toBe(200);
  });

  it("rejects a body of the wrong size", async () => {
    const batch = await lfsBatch(hub, REPO, [{ oid: sha256(bytes), size: 500 }]);
    const res = await hub.fetch(batch.body.objects[0]!.actions!.upload.href, {
      method: "PUT",
      body: bytes.subarray(0, 499),
    });
    expect(res.status).toBe(400);
  });

  it("gives no actions for objects the repo already has, and per-object errors for bad oids", async () => {
    const oid = sha256(bytes);
    const first = await lfsBatch(hub, REPO, [{ oid, size: 500 }]);
    await hub.fetch(first.body.objects[0]!.actions!.upload.href, { method: "PUT", body: bytes });
    const second = await lfsBatch(hub, REPO, [
      { oid, size: 500 },
      { oid: "XYZ", size: 1 },
    ]);
    expect(second.body.objects[0]!.actions).toBeUndefined();
    expect(second.body.objects[1]!.error?.code).toBe(422);
  });

  it("refuses an unsupported hash_algo", async () => {
    const res = await call(hub, "POST", `/${REPO}.git/info/lfs/objects/batch`, {
      json: { operation: "upload", hash_algo: "md5", objects: [] },
    });
    expect(res.status).toBe(409);
  });

  describe("multipart", () => {
    const big = new Uint8Array(randomBytes(1000));
    const oid = sha256(big);

    async function start() {
      const batch = await lfsBatch(hub, REPO, [{ oid, size: big.byteLength }]);
      expect(batch.body.transfer).toBe("multipart");
      const upload = batch.body.objects[0]!.actions!.upload;
      const partUrls = Object.entries(upload.header!)
        .filter(([k]) => /^\d+$/.test(k))
        .map(([, v]) => v as string);
      expect(upload.header!.chunk_size).toBe("400");
      expect(partUrls).toHaveLength(3);
      const etags: string[] = [];
      for (const [i, url] of partUrls.entries()) {
        const res = await hub.fetch(url, { method: "PUT", body: big.subarray(i * 400, (i + 1) * 400) });
        expect(res.status).toBe(200);
        etags.push(res.headers.get("etag")!);
      }
      return { href: upload.href, etags };
    }

    const complete = (href: string, parts: unknown, headers: Record<string, string> = {}) =>
      hub.fetch(href, {
        method: "POST",
        headers: { "content-type": "application/vnd.git-lfs+json", ...headers },
        body: JSON.stringify({ oid, parts }),
      });

    it("completes with the right part set and serves the object", async () => {
      const { href, etags } = await start();
      const res = await complete(
        href,
        etags.map((etag, i) => ({ partNumber: i + 1, etag })),
      );
      expect(res.status).toBe(200);
      const again = await lfsBatch(hub, REPO, [{ oid, size: big.byteLength }]);
      expect(again.body.objects[0]!.actions).toBeUndefined();
    });

    it("rejects a missing part, a wrong ETag, and Authorization on completion", async () => {
      const { href, etags } = await start();
      const parts = etags.map((etag, i) => ({ partNumber: i + 1, etag }));
      expect((await complete(href, parts.slice(0, 2))).status).toBe(400);
      expect((await complete(href, [parts[0], parts[1], { partNumber: 3, etag: '"0000"' }])).status).toBe(
        400,
      );
      expect((await complete(href, parts, { authorization: `Bearer ${TOKEN}` })).status).toBe(400);
      expect((await complete(href, parts)).status).toBe(200);
    });

    it("rejects parts whose bytes do not hash to the oid", async () => {
      const batch = await lfsBatch(hub, REPO, [{ oid, size: big.byteLength }]);
      const upload = batch.body.objects[0]!.actions!.upload;
      const urls = ["00001", "00002", "00003"].map((k) => upload.header![k]!);
      const etags = [];
      for (const [i, url] of urls.entries()) {
        const body = new Uint8Array(i === 2 ? 200 : 400);
        etags.push((await hub.fetch(url, { method: "PUT", body })).headers.get("etag"));
      }
      const res = await complete(
        upload.href,
        etags.map((etag, i) => ({ partNumber: i + 1, etag })),
      );
      expect(res.status).toBe(400);
      expect(res.headers.get("x-error-code")).toBe("BadDigest");
    });

    it("rejects a part of the wrong size", async () => {
      const batch = await lfsBatch(hub, REPO, [{ oid, size: big.byteLength }]);
      const url = batch.body.objects[0]!.actions!.upload.header!["00001"]!;
      expect((await hub.fetch(url, { method: "PUT", body: new Uint8Array(10) })).status).toBe(400);
    });
  });
});
