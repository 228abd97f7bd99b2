import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { EMULATOR_CHANNELS, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient, HTTP_CHANNELS, type RequestEndEvent, type RequestRetryEvent } from "@hfkit/http";
import { type SpanEndEvent, type SpanStartEvent, WORK_CHANNELS } from "@hfkit/http/work";
import { createRepo, downloadFile, REPO_CHANNELS } from "@hfkit/repo";
import { LFS_SMALL_PARTS, useEmulatorServer } from "@hfkit/testing/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMIT_CHANNELS } from "./events.js";
import { noise, tempTree } from "./test-utils/files.js";
import { uploadFolder } from "./upload-folder.js";

// What a subscriber sees of a real upload and download over loopback HTTP against the
// emulator: every channel hfkit publishes on, payloads as published, and no secret anywhere.
const MiB = 1 << 20;
const TOKEN = "hf_ObservedSecretTokenChosenByTheTest";
const CHANNELS = [
  ...Object.values(HTTP_CHANNELS),
  ...Object.values(WORK_CHANNELS),
  COMMIT_CHANNELS.event,
  REPO_CHANNELS.download,
  EMULATOR_CHANNELS.request,
];

const seen: Array<{ channel: string; event: Record<string, unknown> }> = [];
const listeners = CHANNELS.map((name) => {
  const listener = (event: unknown) => seen.push({ channel: name, event: event as Record<string, unknown> });
  return [name, listener] as const;
});
const on = <T>(name: string, events = seen) =>
  events.filter((e) => e.channel === name).map((e) => e.event as T);

const fixture = useEmulatorServer({
  // The Git LFS path, whose phases this test names (Xet's: packages/xet/src/diagnostics.test.ts).
  start: () => startEmulatorServer({ port: 0, ...LFS_SMALL_PARTS }),
  client: (url) =>
    createHubClient({
      endpoint: url,
      token: TOKEN,
      env: {},
      retry: { initialDelayMs: 5, random: () => 1 }, // full backoff: the first retry waits 5 ms
    }),
});
beforeAll(() => createRepo(fixture.hub, { repo: "local/observed" }));
afterAll(() => {
  for (const [name, listener] of listeners) unsubscribe(name, listener);
});

describe("diagnostics channels of a real upload and download", () => {
  it("publish the operation, its phases, each request with its retry, and the emulator's view", async () => {
    const dir = await tempTree({
      "README.md": "# observed\n",
      "w.bin": noise(300_000, 7),
      "big.bin": noise(5 * MiB, 8), // 3 parts of 2 MiB
    });
    fixture.server.emulator.faults.inject({
      method: "PUT",
      path: /^\/part\/[^/]+\/2$/,
      status: 500,
      times: 1,
    });
    fixture.server.emulator.clearRequestLog();
    let uploadEvents = 0;
    for (const [name, listener] of listeners) subscribe(name, listener);
    try {
      await uploadFolder(fixture.hub, { repo: "local/observed", folder: dir });
      uploadEvents = seen.length;
      const downloaded = await downloadFile(fixture.hub, {
        repo: "local/observed",
        path: "w.bin",
        cacheDir: join(dir, ".cache"),
      });
      expect(await readFile(downloaded.path)).toEqual(await readFile(join(dir, "w.bin")));
    } finally {
      for (const [name, listener] of listeners) unsubscribe(name, listener);
    }

    // The span tree: one commit operation holding its phases, then one download operation.
    const starts = on<SpanStartEvent>(WORK_CHANNELS.start);
    const commitSpan = starts.find((s) => s.name === "commit")!;
    expect(commitSpan).toMatchObject({
      kind: "operation",
      parentId: undefined,
      attributes: { repo: "local/observed", revision: "main" },
    });
    const phases = starts.filter((s) => s.parentId === commitSpan.id).map((s) => s.name);
    expect(phases.sort()).toEqual(
      [
        "commit.create",
        "commit.hash",
        "commit.lfs-batch",
        "commit.lfs-upload",
        "commit.lfs-upload",
        "commit.preupload",
      ].sort(),
    );
    const bigUpload = starts.find((s) => s.name === "commit.lfs-upload" && s.attributes.path === "big.bin")!;
    expect(bigUpload.attributes).toMatchObject({ size: 5 * MiB });
    expect(bigUpload.attributes.oid).toMatch(/^[0-9a-f]{64}$/);
    const download = starts.find((s) => s.name === "download")!;
    expect(download).toMatchObject({ kind: "operation", parentId: undefined });
    const ends = on<SpanEndEvent>(WORK_CHANNELS.end);
    expect(ends.map((e) => e.id).sort()).toEqual(starts.map((s) => s.id).sort());
    expect(ends.filter((e) => e.error)).toEqual([]);

    // Each request sits in the phase that sent it.
    const spanName = new Map(starts.map((s) => [s.id, s.name]));
    const requests = on<RequestEndEvent>(HTTP_CHANNELS.end);
    const where = (operation: string) => [
      ...new Set(requests.filter((r) => r.operation === operation).map((r) => spanName.get(r.spanId!))),
    ];
    expect(where("preupload")).toEqual(["commit.preupload"]);
    expect(where("lfsBatch")).toEqual(["commit.lfs-batch"]);
    expect(where("createCommit")).toEqual(["commit.create"]);
    const puts = requests.filter((r) => r.method === "PUT");
    expect(puts.length).toBe(1 + 3 + 1); // w.bin, 3 parts of big.bin, the retried part
    expect(new Set(puts.map((r) => spanName.get(r.spanId!)))).toEqual(new Set(["commit.lfs-upload"]));
    expect(puts.find((r) => r.status === 500)).toMatchObject({ attempt: 1 });

    // The retry says why and how long, and belongs to the same call as its attempts.
    const [retry] = on<RequestRetryEvent>(HTTP_CHANNELS.retry);
    expect(retry).toMatchObject({
      method: "PUT",
      reason: "500",
      attempt: 1,
      delayMs: 5,
      serverDirected: false,
    });
    expect(retry!.spanId).toBe(puts.find((r) => r.status === 500)!.spanId);
    expect(puts.filter((r) => r.id === retry!.id).map((r) => [r.attempt, r.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    const bytesUp = puts.filter((r) => r.status === 200).reduce((sum, r) => sum + (r.bytesSent ?? 0), 0);
    expect(bytesUp).toBe(300_000 + 5 * MiB);

    // The emulator saw exactly the requests the client reported for the upload, with the same
    // statuses (a download's redirect hops are one request to the client, several to the server).
    const upload = seen.slice(0, uploadEvents);
    const served = on<{ method: string; path: string; status: number; origin: string }>(
      EMULATOR_CHANNELS.request,
      upload,
    );
    const sent = on<RequestEndEvent>(HTTP_CHANNELS.end, upload);
    expect(served.map((r) => `${r.method} ${r.status}`).sort()).toEqual(
      sent.map((r) => `${r.method} ${r.status}`).sort(),
    );
    expect(served.filter((r) => r.origin === "storage").length).toBe(puts.length);

    // The operations' own events, labelled with their repo.
    const commitEvents = on<{ repo: string; event: { type: string } }>(COMMIT_CHANNELS.event);
    expect(commitEvents.map((e) => e.event.type)).toEqual(expect.arrayContaining(["commit-created"]));
    expect(commitEvents.every((e) => e.repo === "local/observed")).toBe(true);
    const downloads = on<{ repo: string; event: { type: string } }>(REPO_CHANNELS.download);
    expect(downloads.length).toBeGreaterThan(0);

    // No token, no Authorization value, no URL signature in any payload.
    const dump = JSON.stringify(seen);
    expect(dump).not.toContain(TOKEN);
    expect(dump).not.toContain(TOKEN.slice(3));
    expect(dump).toContain("X-Amz-Signature=%5BREDACTED%5D"); // the presigned URLs are there, signature hidden
    expect(dump).not.toMatch(/X-Amz-Signature=(?!%5BREDACTED%5D)/i);
  });
});
