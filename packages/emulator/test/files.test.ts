import { createHash, randomBytes } from "node:crypto";
import { http } from "msw";
import { setupServer } from "msw/node";
import { beforeEach, describe, expect, it } from "vitest";
import { createEmulator, type Emulator, lfsPointer } from "../src/index.js";
import { call, callJson, commitFiles, commitLfs, createRepo, sha256 } from "./helpers.js";

let hub: Emulator;
const REPO = "local/files";
const lfsBytes = new Uint8Array(randomBytes(5000));
let head: string;

beforeEach(async () => {
  hub = createEmulator();
  await createRepo(hub, "files");
  await commitFiles(hub, REPO, { "README.md": "# hi\n", "data/a.csv": "x,y\n1,2\n", "data/sub/b.txt": "b" });
  head = (await commitLfs(hub, REPO, "data/w.bin", lfsBytes)).body.commitOid;
});

describe("resolve and raw", () => {
  it("serves regular files with ETag (git blob sha1), X-Repo-Commit and ranges", async () => {
    const res = await call(hub, "GET", `/${REPO}/resolve/main/README.md`);
    expect(await res.text()).toBe("# hi\n");
    const blobId = createHash("sha1").update("blob 5\0# hi\n").digest("hex");
    expect(res.headers.get("etag")).toBe(`"${blobId}"`);
    expect(res.headers.get("x-repo-commit")).toBe(head);
    const ranged = await call(hub, "GET", `/${REPO}/resolve/main/README.md`, {
      headers: { range: "bytes=0-0" },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe("bytes 0-0/5");
    expect(await ranged.text()).toBe("#");
    const head2 = await call(hub, "HEAD", `/${REPO}/resolve/main/README.md`);
    expect(head2.headers.get("content-length")).toBe("5");
    const unsatisfiable = await call(hub, "GET", `/${REPO}/resolve/main/README.md`, {
      headers: { range: "bytes=10-20" },
    });
    expect(unsatisfiable.status).toBe(416);
    const cached = await call(hub, "GET", `/${REPO}/resolve/main/README.md`, {
      headers: { "if-none-match": res.headers.get("etag")! },
    });
    expect(cached.status).toBe(304);
  });

  it("redirects LFS files to the storage origin with X-Linked-Size / X-Linked-Etag on the 302", async () => {
    const redirect = await call(hub, "GET", `/${REPO}/resolve/main/data/w.bin`, { headers: {} });
    expect(redirect.redirected).toBe(true);
    expect(redirect.url.startsWith(`${hub.storageBaseUrl}/lfs/${sha256(lfsBytes)}?`)).toBe(true);
    expect(sha256(new Uint8Array(await redirect.arrayBuffer()))).toBe(sha256(lfsBytes));
    const manual = await hub.fetch(`${hub.baseUrl}/${REPO}/resolve/main/data/w.bin`, { redirect: "manual" });
    expect(manual.status).toBe(302);
    expect(manual.headers.get("x-linked-size")).toBe("5000");
    expect(manual.headers.get("x-linked-etag")).toBe(`"${sha256(lfsBytes)}"`);
    expect(manual.headers.get("x-repo-commit")).toBe(head);
    // The in-process fetch drops Authorization on the cross-origin hop, as fetch does.
    const storageHits = hub.requestLog.filter((e) => e.url.startsWith(hub.storageBaseUrl));
    expect(storageHits.length).toBeGreaterThan(0);
    expect(storageHits.every((e) => !e.hasAuthorization)).toBe(true);
  });

  it("hands a stored LFS object to in-process callers as ordinary memory (crypto.subtle takes each chunk)", async () => {
    const res = await call(hub, "GET", `/${REPO}/resolve/main/data/w.bin`, { headers: {} });
    const chunks: Uint8Array[] = [];
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      expect(chunk.buffer).not.toBeInstanceOf(SharedArrayBuffer);
      await crypto.subtle.digest("SHA-256", chunk);
      chunks.push(chunk);
    }
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(lfsBytes));
  });

  it("raw returns the LFS pointer file", async () => {
    const res = await call(hub, "GET", `/${REPO}/raw/main/data/w.bin`);
    expect(await res.text()).toBe(lfsPointer(sha256(lfsBytes), 5000));
  });

  it("404s missing files with EntryNotFound and X-Repo-Commit", async () => {
    const res = await call(hub, "HEAD", `/${REPO}/resolve/main/nope.txt`);
    expect(res.status).toBe(404);
    expect(res.headers.get("x-error-code")).toBe("EntryNotFound");
    expect(res.headers.get("x-repo-commit")).toBe(head);
  });
});

describe("tree and paths-info", () => {
  interface Entry {
    type: string;
    path: string;
    oid: string;
    size: number;
    lfs?: { oid: string; size: number; pointerSize: number };
    lastCommit?: { id: string };
  }

  it("lists one level or recursively, with git ids and LFS metadata", async () => {
    const top = await callJson<Entry[]>(hub, "GET", `/api/models/${REPO}/tree/main`);
    expect(top.body.map((e) => `${e.type}:${e.path}`)).toEqual([
      "file:.gitattributes",
      "file:README.md",
      "directory:data",
    ]);
    const sub = await callJson<Entry[]>(
      hub,
      "GET",
      `/api/models/${REPO}/tree/main/data?recursive=true&expand=true`,
    );
    expect(sub.body.map((e) => e.path)).toEqual(["data/a.csv", "data/sub", "data/sub/b.txt", "data/w.bin"]);
    const w = sub.body.find((e) => e.path === "data/w.bin")!;
    expect(w.lfs).toEqual({
      oid: sha256(lfsBytes),
      size: 5000,
      pointerSize: lfsPointer(sha256(lfsBytes), 5000).length,
    });
    expect(w.size).toBe(5000);
    expect(w.lastCommit?.id).toBe(head);
    expect((await call(hub, "GET", `/api/models/${REPO}/tree/main/nope`)).status).toBe(404);
  });

  it("accepts form-encoded (PY) and JSON (JS) paths-info bodies and omits unknown paths", async () => {
    const form = await callJson<Entry[]>(hub, "POST", `/api/models/${REPO}/paths-info/main`, {
      body: "paths=README.md&paths=data&paths=missing&expand=false",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.body.map((e) => `${e.type}:${e.path}`)).toEqual(["file:README.md", "directory:data"]);
    const asJson = await callJson<Entry[]>(hub, "POST", `/api/models/${REPO}/paths-info/main`, {
      json: { paths: ["data/w.bin"] },
    });
    expect(asJson.body[0]!.lfs?.oid).toBe(sha256(lfsBytes));
  });
});

describe("preupload", () => {
  it("applies the documented rule: .gitattributes patterns, >= 10 MiB, NUL in sample; empty is regular", async () => {
    const res = await callJson<{
      files: Array<{ path: string; uploadMode: string; oid?: string }>;
      commitOid: string;
    }>(hub, "POST", `/api/models/${REPO}/preupload/main`, {
      json: {
        files: [
          { path: "notes.txt", size: 5, sample: Buffer.from("hello").toString("base64") },
          { path: "model.safetensors", size: 5, sample: Buffer.from("hello").toString("base64") },
          { path: "big.txt", size: 10 * 1024 * 1024, sample: Buffer.from("aaaa").toString("base64") },
          { path: "blob.dat", size: 3, sample: Buffer.from([1, 0, 2]).toString("base64") },
          { path: "empty.bin", size: 0, sample: "" },
          { path: "README.md", size: 5, sample: Buffer.from("# hi\n").toString("base64") },
        ],
      },
    });
    expect(res.body.files.map((f) => f.uploadMode)).toEqual([
      "regular",
      "lfs",
      "lfs",
      "lfs",
      "regular",
      "regular",
    ]);
    expect(res.body.files[5]!.oid).toMatch(/^[0-9a-f]{40}$/);
    expect(res.body.commitOid).toBe(head);
  });

  it("honours a .gitattributes sent with the request", async () => {
    const res = await callJson<{ files: Array<{ uploadMode: string }> }>(
      hub,
      "POST",
      `/api/models/${REPO}/preupload/main`,
      {
        json: {
          gitAttributes: "*.txt filter=lfs diff=lfs merge=lfs -text\n",
          files: [{ path: "x.txt", size: 1, sample: "eA==" }],
        },
      },
    );
    expect(res.body.files[0]!.uploadMode).toBe("lfs");
  });
});

describe("msw mount", () => {
  it("serves both origins through global fetch", async () => {
    const server = setupServer(
      ...hub.mswHandlers(),
      http.all("*", () => new Response("unhandled", { status: 599 })),
    );
    server.listen({ onUnhandledRequest: "error" });
    try {
      const res = await fetch(`${hub.baseUrl}/${REPO}/resolve/main/data/w.bin`);
      expect(res.status).toBe(200);
      expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(lfsBytes));
      hub.faults.inject({ path: "/api/whoami-v2", reset: true });
      await expect(fetch(`${hub.baseUrl}/api/whoami-v2`)).rejects.toThrow(TypeError);
    } finally {
      server.close();
    }
  });
});

describe("LFS tracking in .gitattributes", () => {
  it("adds an lfsFile path no rule covers to .gitattributes in the same commit, and only then", async () => {
    const gitattributes = async () => (await call(hub, "GET", `/${REPO}/resolve/main/.gitattributes`)).text();
    const before = await gitattributes();
    await commitLfs(hub, REPO, "data/more.bin", new Uint8Array(randomBytes(10)));
    expect(await gitattributes()).toBe(before);
    const odd = await commitLfs(hub, REPO, "notes/big file.txt", new Uint8Array(randomBytes(10)));
    const after = await gitattributes();
    expect(after).toBe(`${before}notes/big[[:space:]]file.txt filter=lfs diff=lfs merge=lfs -text\n`);
    const changed = await callJson<Array<{ path: string; lastCommit: { id: string } }>>(
      hub,
      "POST",
      `/api/models/${REPO}/paths-info/main`,
      { json: { paths: [".gitattributes"], expand: true } },
    );
    expect(changed.body[0]!.lastCommit.id).toBe(odd.body.commitOid);
    // Preupload now reports the path as LFS, as the Hub would for a clone.
    const pre = await callJson<{ files: Array<{ uploadMode: string }> }>(
      hub,
      "POST",
      `/api/models/${REPO}/preupload/main`,
      {
        json: { files: [{ path: "notes/big file.txt", size: 3, sample: "YWJj" }] },
      },
    );
    expect(pre.body.files[0]!.uploadMode).toBe("lfs");
  });
});
