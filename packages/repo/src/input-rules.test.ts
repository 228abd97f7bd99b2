import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHubClient, type HubError } from "@hfkit/http";
import { HUB, rejection, useMswServer } from "@hfkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo } from "./create-repo.js";
import { deleteRepo } from "./delete-repo.js";
import { downloadFile } from "./download-file.js";
import { fileExists } from "./file-exists.js";
import { getFileMetadata } from "./get-file-metadata.js";
import { getPathsInfo } from "./get-paths-info.js";
import { getRepoInfo } from "./get-repo-info.js";
import { listFiles } from "./list-files.js";
import { moveRepo } from "./move-repo.js";
import { snapshotDownload } from "./snapshot-download.js";

// One id, revision and path rule (@hfkit/http) for every function: bad input is a usage
// error before any request, never a silent repair ("alice/" is not "alice", ".." is not main).
const { seen } = useMswServer();
let cacheDir: string;
const hub = () => createHubClient({ endpoint: HUB, token: "hf_t", env: { HF_HUB_CACHE: cacheDir } });
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "hfkit-rules-"));
});
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

async function drain(iterable: AsyncIterable<unknown>) {
  for await (const _ of iterable);
}

const byRevision = (revision: string) => {
  const repo = "acme/bert";
  return {
    getRepoInfo: () => getRepoInfo(hub(), { repo, revision }),
    listFiles: () => drain(listFiles(hub(), { repo, revision })),
    getPathsInfo: () => getPathsInfo(hub(), { repo, revision, paths: ["a"] }),
    fileExists: () => fileExists(hub(), { repo, revision, path: "a" }),
    getFileMetadata: () => getFileMetadata(hub(), { repo, revision, path: "a" }),
    downloadFile: () => downloadFile(hub(), { repo, revision, path: "a" }),
    "downloadFile to memory": () => downloadFile(hub(), { repo, revision, path: "a", to: "memory" }),
    snapshotDownload: () => snapshotDownload(hub(), { repo, revision }),
  };
};

describe("every function that takes a revision refuses one no ref can have", () => {
  for (const revision of ["..", "../../etc", "main..dev", "a b", "refs/pr/1/", "x\ny"]) {
    for (const [name, call] of Object.entries(byRevision(revision))) {
      it(`${name} refuses ${JSON.stringify(revision)}`, async () => {
        const error = (await rejection(call())) as HubError & { field?: string };
        expect(error.code).toBe("INVALID_INPUT");
        expect(error.field).toBe("revision");
        expect(seen).toHaveLength(0);
      });
    }
  }

  it("wrote nothing into the cache", async () => {
    expect(await readdir(cacheDir)).toEqual([]);
  });
});

describe("repo ids are never repaired", () => {
  for (const id of ["alice/", "/alice/model", "alice//model", "alice/model.git"]) {
    it(`refuses ${JSON.stringify(id)} everywhere`, async () => {
      for (const call of [
        () => createRepo(hub(), { repo: id }),
        () => deleteRepo(hub(), { repo: id }),
        () => moveRepo(hub(), { repo: id, to: "alice/other" }),
        () => moveRepo(hub(), { repo: "alice/model", to: id }),
        () => getRepoInfo(hub(), { repo: id }),
        () => downloadFile(hub(), { repo: id, path: "a" }),
      ]) {
        const error = (await rejection(call())) as HubError;
        expect(error.code).toBe("INVALID_INPUT");
        expect(error.message).toContain(JSON.stringify(id));
      }
      expect(seen).toHaveLength(0);
    });
  }
});

describe("paths follow the upload rule", () => {
  it.each(["../x", "a\\b", "C:/x", ".git/config"])("downloadFile refuses %j", async (path) => {
    const error = (await rejection(downloadFile(hub(), { repo: "acme/bert", path }))) as HubError;
    expect(error.code).toBe("INVALID_INPUT");
    expect(seen).toHaveLength(0);
  });

  it("no route is built with a path that climbs out of it", async () => {
    for (const call of [
      () => drain(listFiles(hub(), { repo: "acme/bert", path: "../.." })),
      () => fileExists(hub(), { repo: "acme/bert", path: "a/../../../x" }),
    ]) {
      const error = (await rejection(call())) as HubError & { field?: string };
      expect(error.code).toBe("INVALID_INPUT");
      expect(error.field).toBe("path");
    }
    expect(seen).toHaveLength(0);
  });
});
