import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { type EmulatorServer, startEmulatorServer } from "@hfkit/emulator";
import { createHubClient, HTTP_CHANNELS, type RequestEndEvent } from "@hfkit/http";
import { type SpanStartEvent, WORK_CHANNELS } from "@hfkit/http/work";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubXetTokenSource } from "./cas-client.js";
import { noiseBytes } from "./test-utils/index.js";
import { uploadXet, XET_CHANNELS } from "./upload-xet.js";

// What a subscriber sees of a real Xet upload to the emulator's CAS over loopback HTTP.
const TOKEN = "hf_XetObservedSecretChosenByTheTest";
let server: EmulatorServer;

beforeAll(async () => {
  server = await startEmulatorServer({ port: 0 });
});
afterAll(() => server.close());

describe("diagnostics channels of a Xet upload", () => {
  it("publish the upload span holding its xorb and shard spans and their requests, without the CAS token", async () => {
    const hub = createHubClient({ endpoint: server.url, token: TOKEN, env: {} });
    await hub.request({
      method: "POST",
      path: "/api/repos/create",
      body: { json: { name: "observed" } },
      responseType: "none",
    });
    const casTokens: string[] = [];
    const source = hubXetTokenSource(hub, { repo: "local/observed", scope: "write" });
    const seen: Array<{ channel: string; event: Record<string, unknown> }> = [];
    const names = [...Object.values(HTTP_CHANNELS), ...Object.values(WORK_CHANNELS), XET_CHANNELS.event];
    const listeners = names.map((name) => {
      const listener = (event: unknown) =>
        seen.push({ channel: name, event: event as Record<string, unknown> });
      subscribe(name, listener);
      return [name, listener] as const;
    });
    try {
      await uploadXet(hub, {
        repo: "local/observed",
        files: [{ name: "a.bin", content: noiseBytes(3 << 20, 5) }],
        cacheDir: false,
        tokenSource: async (signal) => {
          const connection = await source(signal);
          casTokens.push(connection.accessToken);
          return connection;
        },
      });
    } finally {
      for (const [name, listener] of listeners) unsubscribe(name, listener);
    }
    const starts = seen
      .filter((e) => e.channel === WORK_CHANNELS.start)
      .map((e) => e.event as unknown as SpanStartEvent);
    const upload = starts.find((s) => s.name === "xet.upload")!;
    expect(upload).toMatchObject({ kind: "operation", attributes: { repo: "local/observed", files: 1 } });
    const children = starts.filter((s) => s.parentId === upload.id).map((s) => s.name);
    expect(children).toContain("xet.xorb-upload");
    expect(children).toContain("xet.shard-upload");
    const spanName = new Map(starts.map((s) => [s.id, s.name]));
    const requests = seen
      .filter((e) => e.channel === HTTP_CHANNELS.end)
      .map((e) => e.event as unknown as RequestEndEvent);
    const xorbRequests = requests.filter((r) => r.operation === "uploadXorb");
    expect(xorbRequests.length).toBeGreaterThan(0);
    for (const r of xorbRequests) expect(spanName.get(r.spanId!)).toBe("xet.xorb-upload");
    expect(seen.some((e) => e.channel === XET_CHANNELS.event)).toBe(true);
    expect(casTokens.length).toBeGreaterThan(0);
    const dump = JSON.stringify(seen);
    for (const secret of [TOKEN, ...casTokens]) expect(dump).not.toContain(secret);
  });
});
