// A hostile or broken Hub (a mirror set in HF_ENDPOINT, anyone on a plain-http path): every
// value that hfkit turns into a file name is checked, nothing lands outside the cache or the
// local folder, and each bad answer gives one error that says what was wrong.
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { createHubClient, InvalidResponseError } from "@hfkit/http";
import { HUB, rejection, STORAGE, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { downloadFile } from "./download-file.js";
import { snapshotDownload } from "./snapshot-download.js";
import { gitBlobId, sha256 } from "./test-utils/bodies.js";

const { server } = useMswServer();
const COMMIT = "c".repeat(40);
const bytes = (text: string) => new TextEncoder().encode(text);
const CONTENT = bytes("bytes of the server's choosing\n");

let root: string;
let cacheDir: string;
let localDir: string;
const hub = () => createHubClient({ endpoint: HUB, token: "hf_secret", env: { HF_HUB_CACHE: cacheDir } });

/** Every file and link under the sandbox, relative to it. */
async function written(): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

/** Nothing but the cache and the local folder was touched. */
async function expectConfined(): Promise<void> {
  for (const path of await written()) expect(path).toMatch(/^(cache|local)\//);
  await expect(readdir(join(root, ".."))).resolves.not.toContain("escaped");
}

/** The Hub answers HEAD /resolve with these headers, GET with CONTENT. */
function resolveWith(headers: Record<string, string>, status = 200) {
  server.use(
    http.head(
      `${HUB}/acme/bert/resolve/*`,
      () => new HttpResponse(null, { status, headers: { "x-repo-commit": COMMIT, ...headers } }),
    ),
    http.get(
      `${HUB}/acme/bert/resolve/*`,
      () => new HttpResponse(CONTENT, { headers: { "content-length": String(CONTENT.byteLength) } }),
    ),
    http.get(`${STORAGE}/lfs/x`, () => new HttpResponse(CONTENT)),
  );
}

/** The Hub lists `entries` at COMMIT and serves every file's bytes as `content-of <path>`. */
function listing(entries: unknown[], sha: unknown = COMMIT) {
  server.use(
    http.get(`${HUB}/api/models/acme/bert/revision/main`, () => HttpResponse.json({ id: "acme/bert", sha })),
    http.get(`${HUB}/api/models/acme/bert/tree/:rev`, () => HttpResponse.json(entries)),
    http.get(`${HUB}/acme/bert/resolve/*`, ({ request }) => {
      const path = decodeURIComponent(new URL(request.url).pathname.split("/").slice(5).join("/"));
      return new HttpResponse(bytes(`content-of ${path}`));
    }),
  );
}
const file = (path: string, extra: Record<string, unknown> = {}) => {
  const content = bytes(`content-of ${path}`);
  return { type: "file", path, oid: gitBlobId(content), size: content.byteLength, ...extra };
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "hfkit-hostile-"));
  cacheDir = join(root, "cache");
  localDir = join(root, "local");
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("ETags are never file names unless they are hashes", () => {
  it("names the blob by the hash of the bytes when the ETag is a path (and with force)", async () => {
    resolveWith({ etag: '"../../../escaped"', "content-length": String(CONTENT.byteLength) });
    for (const force of [false, true]) {
      const result = await downloadFile(hub(), { repo: "acme/bert", path: "config.json", force });
      // A regular file's blob is named by its git blob id, as the Hub itself would name it.
      expect(result.etag).toBe(gitBlobId(CONTENT));
      expect(await readlink(result.path)).toBe(`../../blobs/${gitBlobId(CONTENT)}`);
      expect(await readFile(result.path)).toEqual(Buffer.from(CONTENT));
    }
    await expectConfined();
    expect(await readdir(join(cacheDir, "models--acme--bert", "blobs"))).toEqual([gitBlobId(CONTENT)]);
  });

  it("names an LFS blob by its SHA-256 when X-Linked-Etag is not one", async () => {
    resolveWith(
      {
        "x-linked-etag": '"../../../../escaped"',
        "x-linked-size": String(CONTENT.byteLength),
        location: `${STORAGE}/lfs/x`,
      },
      302,
    );
    const result = await downloadFile(hub(), { repo: "acme/bert", path: "w.bin" });
    expect(result.etag).toBe(sha256(CONTENT));
    await expectConfined();
    expect(await readdir(join(cacheDir, ".locks", "models--acme--bert")).catch(() => [])).toEqual([]);
  });

  it("still checks the size when the ETag cannot be checked", async () => {
    resolveWith({ etag: '"weird-etag"', "content-length": "20" });
    const error = await rejection(downloadFile(hub(), { repo: "acme/bert", path: "config.json" }));
    expect(error.message).toMatch(/the Hub sent more than the 20 bytes it announced/);
    expect(await readdir(join(cacheDir, "models--acme--bert", "blobs"))).toEqual([]);
  });
});

describe("commit ids are 40 hex characters", () => {
  it("refuses a path as X-Repo-Commit before writing anything", async () => {
    resolveWith({
      etag: `"${gitBlobId(CONTENT)}"`,
      "content-length": String(CONTENT.byteLength),
      "x-repo-commit": "../../../../escaped",
    });
    const options = { repo: "acme/bert", path: "config.json" };
    for (const attempt of [
      () => downloadFile(hub(), options),
      () => downloadFile(hub(), { ...options, to: { localDir } }),
      () => downloadFile(hub(), { ...options, to: "memory" }),
    ]) {
      const error = await rejection(attempt());
      expect(InvalidResponseError.isInstance(error)).toBe(true);
      expect(error.message).toContain('"../../../../escaped" as the commit id');
    }
    expect(await written()).toEqual([]);
  });

  it("writes no .no_exist marker for a 404 whose X-Repo-Commit is not a commit id", async () => {
    server.use(
      http.head(
        `${HUB}/acme/bert/resolve/*`,
        () =>
          new HttpResponse(null, {
            status: 404,
            headers: { "x-error-code": "EntryNotFound", "x-repo-commit": "../../../escaped" },
          }),
      ),
    );
    const error = await rejection(downloadFile(hub(), { repo: "acme/bert", path: "missing.txt" }));
    expect(error.message).toContain('File "missing.txt" not found');
    expect(await written()).toEqual([]);
  });

  it("refuses a path as the repo info sha of a snapshot", async () => {
    listing([file("ok.txt")], "../../../escaped");
    const error = await rejection(snapshotDownload(hub(), { repo: "acme/bert" }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(
      /"\.\.\/\.\.\/\.\.\/escaped" as the commit id in the repo info of acme\/bert/,
    );
    expect(await written()).toEqual([]);
  });
});

describe("paths from a listing pass the upload rule, one file at a time", () => {
  const hostile = [
    file("../escaped"),
    file("/etc/escaped"),
    file("a\\b.txt"),
    file(".git/config"),
    file("sub/../../escaped"),
    file("C:/escaped"),
    file("bad-size.txt", { size: -1 }),
    file("bad-oid.txt", { oid: "line\nbreak" }),
  ];

  it("downloads the good files into the cache and names each refused one", async () => {
    listing([file("ok.txt"), ...hostile, file("sub/also-ok.txt")]);
    const error = await rejection(snapshotDownload(hub(), { repo: "acme/bert" }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/^8 files of the snapshot could not be written \(the other 2 are in /);
    for (const entry of hostile) expect(error.message).toContain(JSON.stringify(entry.path));
    expect(error.message).toContain(`- "../escaped": contains '..'; paths must stay inside the repo\n`);
    expect(error.message).toContain("as the size in the file listing of acme/bert");
    const snapshot = join(cacheDir, "models--acme--bert", "snapshots", COMMIT);
    expect(await readFile(join(snapshot, "ok.txt"), "utf8")).toBe("content-of ok.txt");
    expect(await readFile(join(snapshot, "sub", "also-ok.txt"), "utf8")).toBe("content-of sub/also-ok.txt");
    await expectConfined();
  });

  it("keeps a local folder's files inside it, and its metadata folder to itself", async () => {
    const metadataClash = ".cache/huggingface/download/ok.txt.metadata";
    listing([file("ok.txt"), file("../../escaped"), file(metadataClash)]);
    const error = await rejection(snapshotDownload(hub(), { repo: "acme/bert", localDir }));
    expect(error.message).toMatch(/^2 files of the snapshot could not be written \(the other 1 are in /);
    expect(error.message).toContain(JSON.stringify(metadataClash));
    expect(await readFile(join(localDir, "ok.txt"), "utf8")).toBe("content-of ok.txt");
    const metadata = await readFile(join(localDir, ".cache/huggingface/download/ok.txt.metadata"), "utf8");
    expect(metadata.split("\n")[0]).toBe(COMMIT);
    await expectConfined();
  });

  it("fails a file this file system cannot hold without stopping the others", async () => {
    // A local folder about 3,700 bytes deep: a repo path of 600 more passes PATH_MAX (4096).
    const deep = join(localDir, ...Array.from({ length: 15 }, (_, i) => `${i}`.padEnd(240, "d")));
    await mkdir(deep, { recursive: true });
    const long = Array.from({ length: 4 }, (_, i) => `${i}`.padEnd(150, "x")).join("/");
    listing([file("ok.txt"), file(long)]);
    const error = await rejection(snapshotDownload(hub(), { repo: "acme/bert", localDir: deep }));
    expect(error.message).toMatch(/^1 file of the snapshot could not be written \(the other 1 are in /);
    expect(error.message).toContain("the local file system cannot hold this path (ENAMETOOLONG)");
    expect(await readFile(join(deep, "ok.txt"), "utf8")).toBe("content-of ok.txt");
  });

  it("says a file-system error's own cause, not 'a shorter path', when a local file stands where a folder goes", async () => {
    await mkdir(localDir, { recursive: true });
    await writeFile(join(localDir, "sub"), "a local file named like the repo's folder");
    listing([file("ok.txt"), file("sub/x.txt")]);
    const error = await rejection(snapshotDownload(hub(), { repo: "acme/bert", localDir }));
    expect(error.message).toMatch(/^1 file of the snapshot could not be written \(the other 1 are in /);
    // mkdir's own words (EEXIST: file already exists, mkdir '…/local/sub'), naming the local path.
    expect(error.message).toMatch(/- "sub\/x\.txt": EEXIST: file already exists, mkdir '.*local\/sub'\n?$/);
    expect(error.message).not.toContain("shorter path");
  });
});

describe("sizes and headers", () => {
  it.each([
    ["a size beyond 2^53", { "content-length": "99999999999999999999" }, /as the size/],
    ["a size in hex", { "content-length": "0x10" }, /"0x10" as the size/],
    ["a size in exponent form", { "x-linked-size": "1e3", "x-linked-etag": `"${"a".repeat(64)}"` }, /"1e3"/],
    ["a negative size", { "content-length": "-5" }, /"-5" as the size/],
    ["an ETag with spaces", { etag: '"a b"', "content-length": "3" }, /as the ETag/],
  ])("refuses %s", async (_, headers, message) => {
    resolveWith({ etag: `"${gitBlobId(CONTENT)}"`, ...headers });
    const error = await rejection(downloadFile(hub(), { repo: "acme/bert", path: "config.json" }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(message);
    expect(await written()).toEqual([]);
  });

  it("refuses a redirect that is not a URL", async () => {
    resolveWith({ location: "http://[::1", etag: `"${gitBlobId(CONTENT)}"` }, 307);
    const error = await rejection(downloadFile(hub(), { repo: "acme/bert", path: "config.json" }));
    expect(error.message).toContain("a redirect to something that is not a URL");
  });

  it("does not allocate what a server announces for a download to memory", async () => {
    resolveWith(
      {
        "x-linked-size": String(2 ** 50),
        "x-linked-etag": `"${"a".repeat(64)}"`,
        location: `${STORAGE}/lfs/x`,
      },
      302,
    );
    const error = await rejection(downloadFile(hub(), { repo: "acme/bert", path: "w.bin", to: "memory" }));
    expect(error.message).toContain(`w.bin is ${2 ** 50} bytes, more than fits in memory`);
    // Announcing a lot and sending little costs little, and fails the size check.
    resolveWith(
      {
        "x-linked-size": String(2 ** 31),
        "x-linked-etag": `"${"a".repeat(64)}"`,
        location: `${STORAGE}/lfs/x`,
      },
      302,
    );
    const short = await rejection(
      downloadFile(hub(), { repo: "acme/bert", path: "w.bin", to: "memory", maxResumes: 0 }),
    );
    expect(short.message).toMatch(/broke off at byte 31 of 2147483648|received 31 bytes/);
  });
});
