import { Readable } from "node:stream";
import { createHubClient } from "@hfkit/http";
import { getPathsInfo } from "@hfkit/repo";
import { HUB, useMswServer } from "@hfkit/testing";
import { describe, expect, it } from "vitest";
import { commit, commitIter } from "./commit.js";
import { decode, ndjson, noise, sha256 } from "./test-utils/files.js";
import { observer, TOKEN, testClient, useCommitHub } from "./test-utils/hub.js";
import type { CommitProgressEvent } from "./types.js";

const { server, seen, flush } = useMswServer();
const MiB = 1 << 20;
const emulatorHub = useCommitHub(server, { multipartThreshold: 4 * MiB, multipartChunkSize: 2 * MiB });
const hub = () => testClient({ retry: undefined });

describe("sources", () => {
  it("uploads a stream factory of known size, cut into parts in memory, retrying a part", async () => {
    const bytes = noise(5 * MiB + 77, 21);
    let opened = 0;
    emulatorHub.emulator.faults.inject({ method: "PUT", path: /^\/part\/[^/]+\/3$/, status: 503 });
    const client = testClient();
    await commit(client, {
      repo: "acme/m",
      message: "m",
      operations: [
        {
          type: "add",
          path: "s.bin",
          size: bytes.byteLength,
          stream: () => {
            opened++;
            // Odd chunk sizes, so parts straddle chunks.
            const chunk = 777_777;
            return Readable.from(
              Array.from({ length: Math.ceil(bytes.byteLength / chunk) }, (_, i) =>
                bytes.subarray(i * chunk, (i + 1) * chunk),
              ),
            );
          },
        },
      ],
    });
    const [stored] = await getPathsInfo(observer(emulatorHub.emulator), { repo: "acme/m", paths: ["s.bin"] });
    expect(stored?.type === "file" && stored.lfs?.oid).toBe(sha256(bytes));
    expect(opened).toBe(3); // the sample, the hash, the upload: a part retry re-sends its buffer
    expect(seen.filter((r) => /^\/part\/[^/]+\/3$/.test(r.url.pathname))).toHaveLength(2);
  });

  it("fails, naming the operation, when a stream yields another size than announced", async () => {
    const error = await commit(hub(), {
      repo: "acme/m",
      message: "m",
      operations: [
        { type: "add", path: "s.bin", size: 10, stream: () => Readable.from([Buffer.from([0, 1, 2])]) },
      ],
    }).catch((e) => e);
    expect(error.field).toBe("operations[0].stream");
    expect(error.message).toContain("expected 10 bytes, read 3");
    expect(seen.map((r) => r.url.pathname)).toEqual(["/api/models/acme/m/preupload/main"]);
  });

  it("reports a regular file failing while the commit body streams, not a network error", async () => {
    let sent = "";
    const client = createHubClient({
      endpoint: HUB,
      token: "hf_t",
      env: {},
      fetch: async (input, init) => {
        if (String(input).includes("/preupload/")) {
          return Response.json({ files: [{ path: "s.txt", uploadMode: "regular" }] });
        }
        sent = await new Response(init?.body).text(); // throws: the body stream errored
        return Response.json({});
      },
    });
    const error = await commit(client, {
      repo: "acme/m",
      message: "m",
      operations: [
        { type: "add", path: "s.txt", size: 10, stream: () => Readable.from([Buffer.from("short")]) },
      ],
    }).catch((e) => e);
    expect(sent).toBe("");
    expect(error.field).toBe("operations[0].stream");
    expect(error.message).toContain("expected 10 bytes, read 5");
  });

  it("sends Blob, ArrayBuffer and text content, regular files inline as base64", async () => {
    await commit(hub(), {
      repo: "acme/m",
      message: "m",
      operations: [
        { type: "add", path: "a.txt", content: new Blob(["from a blob"]) },
        { type: "add", path: "b.txt", content: new TextEncoder().encode("bytes").buffer as ArrayBuffer },
        { type: "add", path: "empty.txt", content: "" },
      ],
    });
    await flush();
    expect(ndjson(seen.at(-1)!.body).slice(1)).toEqual([
      { key: "file", value: { content: btoa("from a blob"), path: "a.txt", encoding: "base64" } },
      { key: "file", value: { content: btoa("bytes"), path: "b.txt", encoding: "base64" } },
      { key: "file", value: { content: "", path: "empty.txt", encoding: "base64" } },
    ]);
  });

  it("sends a committed .gitattributes and .gitignore along with the preupload", async () => {
    const attributes = "*.dat filter=lfs diff=lfs merge=lfs -text\n";
    await commit(hub(), {
      repo: "acme/m",
      message: "m",
      operations: [
        { type: "add", path: ".gitattributes", content: attributes },
        { type: "add", path: ".gitignore", content: "*.log\n" },
      ],
    });
    await flush();
    const body = JSON.parse(decode(seen[0]!.body));
    expect(body.gitAttributes).toBe(attributes);
    expect(body.gitIgnore).toBe("*.log\n");
  });

  it("leaves out files the preupload says .gitignore matches", async () => {
    await emulatorHub.seed("acme/m", { ".gitignore": "*.log\n" }, { token: TOKEN });
    const events: CommitProgressEvent[] = [];
    for await (const e of commitIter(hub(), {
      repo: "acme/m",
      message: "m",
      operations: [
        { type: "add", path: "keep.txt", content: "k" },
        { type: "add", path: "debug.log", content: "d" },
      ],
    }))
      events.push(e);
    await flush();
    expect(events).toContainEqual({ type: "file-skipped", path: "debug.log", reason: "ignored" });
    expect(ndjson(seen.at(-1)!.body).map((l) => (l as { value: { path?: string } }).value.path)).toEqual([
      undefined,
      "keep.txt",
    ]);
  });

  it("copies by path: an LFS file by reference, a regular file re-sent inline", async () => {
    const text = "regular content\n";
    const weights = noise(5000, 6);
    await emulatorHub.seed("acme/m", { "w.bin": weights, "notes.txt": text }, { token: TOKEN });
    await commit(hub(), {
      repo: "acme/m",
      message: "copy",
      operations: [
        { type: "copy", path: "backup/w.bin", from: "w.bin" },
        { type: "copy", path: "backup/notes.txt", from: "notes.txt" },
      ],
    });
    await flush();
    expect(JSON.parse(decode(seen[0]!.body))).toEqual({ paths: ["w.bin", "notes.txt"], expand: false });
    // The regular file comes through @hfkit/repo's downloadFile: metadata first, then checked bytes.
    expect(seen.filter((r) => r.url.pathname.endsWith("/notes.txt")).map((r) => r.method)).toEqual([
      "HEAD",
      "GET",
    ]);
    expect(ndjson(seen.at(-1)!.body).slice(1)).toEqual([
      { key: "lfsFile", value: { path: "backup/w.bin", algo: "sha256", oid: sha256(weights), size: 5000 } },
      { key: "file", value: { content: btoa(text), path: "backup/notes.txt", encoding: "base64" } },
    ]);
  });

  it("fails a copy whose source does not exist", async () => {
    const error = await commit(hub(), {
      repo: "acme/m",
      message: "copy",
      operations: [{ type: "copy", path: "b", from: "missing.bin" }],
    }).catch((e) => e);
    expect(error.code).toBe("ENTRY_NOT_FOUND");
    expect(error.message).toContain("operations[0].from: missing.bin is not a file at revision main");
  });
});
