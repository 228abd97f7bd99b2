import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { HUB, STORAGE, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as z from "zod";
import { createHubClient } from "./client.js";
import { HTTP_CHANNELS } from "./diagnostics.js";
import { phase, type SpanStartEvent, WORK_CHANNELS } from "./work/span.js";

const { server } = useMswServer();
const TOKEN = "hf_DiagnosticsSecret42";
const events: Array<{ channel: string; event: Record<string, unknown> }> = [];
const listeners = Object.values(HTTP_CHANNELS).map((name) => {
  const listener = (event: unknown) =>
    events.push({ channel: name, event: event as Record<string, unknown> });
  return [name, listener] as const;
});

beforeEach(() => {
  events.length = 0;
  for (const [name, listener] of listeners) subscribe(name, listener);
});
afterEach(() => {
  for (const [name, listener] of listeners) unsubscribe(name, listener);
});

describe("diagnostics channels", () => {
  it("publishes start and end with method, redacted URL, status, duration and bytes", async () => {
    server.use(
      http.post(`${HUB}/api/repos/create`, () =>
        HttpResponse.json({ url: "x" }, { headers: { "x-request-id": "r1" } }),
      ),
    );
    await createHubClient({ endpoint: HUB, token: TOKEN }).request({
      schema: z.unknown(),
      method: "POST",
      path: "/api/repos/create",
      body: { json: { name: "abc" } },
      operation: "createRepo",
    });
    expect(events.map((e) => e.channel)).toEqual([HTTP_CHANNELS.start, HTTP_CHANNELS.end]);
    const end = events[1]!.event;
    expect(end).toMatchObject({
      operation: "createRepo",
      method: "POST",
      url: `${HUB}/api/repos/create`,
      status: 200,
      attempt: 1,
      bytesSent: 14,
      requestId: "r1",
    });
    expect(end.durationMs).toBeTypeOf("number");
    expect(events[0]!.event.id).toBe(end.id);
  });

  it("publishes errors and retries, sharing one id across attempts", async () => {
    let calls = 0;
    server.use(
      http.get(`${HUB}/api/x`, () => (++calls === 1 ? HttpResponse.error() : HttpResponse.json({}))),
    );
    await createHubClient({
      endpoint: HUB,
      token: TOKEN,
      retry: { initialDelayMs: 1, random: () => 0 },
    }).request({ schema: z.unknown(), path: "/api/x" });
    expect(events.map((e) => [e.channel, e.event.attempt])).toEqual([
      [HTTP_CHANNELS.start, 1],
      [HTTP_CHANNELS.error, 1],
      [HTTP_CHANNELS.retry, 1],
      [HTTP_CHANNELS.start, 2],
      [HTTP_CHANNELS.end, 2],
    ]);
    expect(new Set(events.map((e) => e.event.id)).size).toBe(1);
  });

  it("never carries the token or a URL signature", async () => {
    server.use(http.put(`${STORAGE}/o`, () => new HttpResponse(null, { status: 200 })));
    const client = createHubClient({ endpoint: HUB, token: TOKEN });
    await client.request({
      method: "PUT",
      url: `${STORAGE}/o?X-Amz-Signature=abcdef123456&token=${TOKEN}`,
      body: { binary: "x" },
      responseType: "none",
    });
    const dump = JSON.stringify(events);
    expect(dump).not.toContain(TOKEN);
    expect(dump).not.toContain("abcdef123456");
  });

  it("carries the id of the work span the request runs in", async () => {
    server.use(http.get(`${HUB}/api/y`, () => HttpResponse.json({})));
    const spans: SpanStartEvent[] = [];
    const onSpan = (e: unknown) => spans.push(e as SpanStartEvent);
    subscribe(WORK_CHANNELS.start, onSpan);
    try {
      const client = createHubClient({ endpoint: HUB, token: TOKEN });
      await client.request({ schema: z.unknown(), path: "/api/y" });
      await phase("test.phase", {}, () => client.request({ schema: z.unknown(), path: "/api/y" }));
    } finally {
      unsubscribe(WORK_CHANNELS.start, onSpan);
    }
    const ends = events.filter((e) => e.channel === HTTP_CHANNELS.end).map((e) => e.event.spanId);
    expect(ends).toEqual([undefined, spans[0]!.id]);
  });
});
