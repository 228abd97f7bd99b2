import { startEmulatorServer } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { useEmulatorServer } from "@hfkit/testing/emulator";
import {
  downloadFile as hubDownloadFile,
  listFiles as hubListFiles,
  pathsInfo,
  uploadFiles,
} from "@huggingface/hub";
import { beforeAll, describe, expect, it } from "vitest";
import { downloadFile, getPathsInfo, listFiles } from "../src/index.js";

// hfkit and the official @huggingface/hub client (2.17.5) read the same emulator: they must see
// the same files, metadata, bytes and history.
const TOKEN = "hf_interop_token";
const REPO = { type: "model" as const, name: "local/interop" };
const fixture = useEmulatorServer({
  start: () => startEmulatorServer({ port: 0, pageSize: 3 }),
  client: (url) => createHubClient({ endpoint: url, token: TOKEN, env: {} }),
});
const hub = () => fixture.hub;
const official = () => ({ repo: REPO, accessToken: TOKEN, hubUrl: fixture.server.url });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

beforeAll(async () => {
  await hub().request({
    method: "POST",
    path: "/api/repos/create",
    responseType: "none",
    body: { json: { name: "interop", organization: "local", type: "model" } },
  });
  const bin = new Uint8Array(600_000).map((_, i) => (i % 3 === 0 ? 0 : i % 251));
  await uploadFiles({
    ...official(),
    useXet: false,
    files: [
      { path: "README.md", content: new Blob(["# Interop\n"]) },
      { path: "config.json", content: new Blob(['{"a": 1}\n']) },
      { path: "nested/deeper/file name.txt", content: new Blob(["spaces in names\n"]) },
      { path: "weights/model.bin", content: new Blob([bin]) },
    ],
  });
});

describe("hfkit agrees with @huggingface/hub on the same emulator", () => {
  it("lists the same tree (paths, types, oids, sizes, LFS) across pages", async () => {
    const theirs = await collect(hubListFiles({ ...official(), recursive: true }));
    const ours = await collect(listFiles(hub(), { repo: REPO, recursive: true }));
    const shape = (e: {
      type: string;
      path: string;
      oid: string;
      size?: number;
      lfs?: { oid: string; size: number };
    }) => ({
      type: e.type,
      path: e.path,
      oid: e.oid,
      size: e.type === "file" ? e.size : undefined,
      lfs: e.lfs ? { oid: e.lfs.oid, size: e.lfs.size } : undefined,
    });
    expect(ours.map(shape)).toEqual(theirs.map(shape));
    expect(ours.length).toBeGreaterThan(3); // more than one page
  });

  it("returns the same paths-info", async () => {
    const paths = ["README.md", "weights/model.bin", "nested", "missing.txt"];
    const theirs = await pathsInfo({ ...official(), paths });
    const ours = await getPathsInfo(hub(), { repo: REPO, paths });
    expect(ours.map((e) => [e.type, e.path, e.oid])).toEqual(theirs.map((e) => [e.type, e.path, e.oid]));
  });

  it("downloads the same bytes", async () => {
    for (const path of ["README.md", "weights/model.bin", "nested/deeper/file name.txt"]) {
      const blob = await hubDownloadFile({ ...official(), path });
      const theirs = new Uint8Array(await blob!.arrayBuffer());
      const { bytes } = await downloadFile(hub(), { repo: REPO, path, to: "memory" });
      expect(Buffer.compare(Buffer.from(bytes), Buffer.from(theirs))).toBe(0);
    }
  });
});
