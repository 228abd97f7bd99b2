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
const { detail: _detail, ...lifecycle } = HTTP_CHANNELS;
const listeners = Object.values(lifecycle).map((name) => {
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

  it("detail: redacted headers and JSON answers, only while subscribed; the caller still gets every byte", async () => {
    const casToken = "cas_TheXetAccessTokenTheTestChose";
    const batchAnswer = {
      transfer: "basic",
      objects: [
        {
          oid: "a".repeat(64),
          size: 3,
          actions: {
            upload: {
              href: `${STORAGE}/o?X-Amz-Signature=sig0123456789&partNumber=1`,
              header: { Authorization: "Basic c2VjcmV0LXVwbG9hZA==", chunk_size: "5" },
            },
          },
        },
      ],
    };
    server.use(
      http.post(`${HUB}/api/lfs-like`, () =>
        HttpResponse.json(batchAnswer, { headers: { "x-request-id": "r9" } }),
      ),
      http.get(`${HUB}/api/xet-token`, () =>
        HttpResponse.json(
          { accessToken: casToken, exp: 1, casUrl: "https://cas.test" },
          { headers: { "x-xet-access-token": casToken, "set-cookie": "session=s3cr3t" } },
        ),
      ),
      http.get(`${HUB}/api/big`, () => HttpResponse.json({ pad: "x".repeat(70_000) })),
    );
    const client = createHubClient({ endpoint: HUB, token: TOKEN });
    const details: Record<string, unknown>[] = [];
    const onDetail = (e: unknown) => details.push(e as Record<string, unknown>);
    await client.request({ schema: z.unknown(), path: "/api/xet-token" }); // nobody listening: nothing read
    subscribe(HTTP_CHANNELS.detail, onDetail);
    let big: unknown;
    let batch: unknown;
    try {
      ({ data: batch } = await client.request({
        schema: z.unknown(),
        method: "POST",
        path: "/api/lfs-like",
        body: { json: {} },
        operation: "lfsBatch",
      }));
      await client.request({ schema: z.unknown(), path: "/api/xet-token", operation: "getXetToken" });
      ({ data: big } = await client.request({ schema: z.unknown(), path: "/api/big" }));
    } finally {
      unsubscribe(HTTP_CHANNELS.detail, onDetail);
    }
    expect(batch).toEqual(batchAnswer);
    expect((big as { pad: string }).pad).toHaveLength(70_000);
    expect(details.map((d) => d.operation)).toEqual(["lfsBatch", "getXetToken", undefined]);
    const [lfs, xet, large] = details;
    expect(lfs).toMatchObject({ method: "POST", status: 200, attempt: 1 });
    expect((lfs!.requestHeaders as Record<string, string>).authorization).toBe("[REDACTED]");
    expect((lfs!.responseHeaders as Record<string, string>)["x-request-id"]).toBe("r9");
    const upload = (lfs!.responseBody as typeof batchAnswer).objects[0]!.actions.upload;
    expect(upload.href).toContain("partNumber=1");
    expect(upload.header).toEqual({ Authorization: "[REDACTED]", chunk_size: "5" });
    expect(xet!.responseBody).toMatchObject({ accessToken: "[REDACTED]", casUrl: "https://cas.test" });
    expect(large).toMatchObject({ responseBody: undefined, responseBodyOmitted: "too-large" });
    const dump = JSON.stringify(details);
    for (const secret of [TOKEN, casToken, "sig0123456789", "c2VjcmV0LXVwbG9hZA", "s3cr3t"]) {
      expect(dump).not.toContain(secret);
    }
  });
});
