import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { HUB, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { createHubClient } from "./client.js";
import { HTTP_CHANNELS, type RequestRetryEvent } from "./diagnostics.js";
import { HubError, RateLimitedError } from "./errors.js";
import { backoffDelay, DEFAULT_RETRY } from "./middleware/retry.js";

const { server, seen, flush } = useMswServer();

// Only timers and the clock are faked: msw and fetch keep their microtasks and I/O.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

const retryEvents: RequestRetryEvent[] = [];
const onRetry = (event: unknown) => retryEvents.push(event as RequestRetryEvent);
beforeEach(() => {
  retryEvents.length = 0;
  subscribe(HTTP_CHANNELS.retry, onRetry);
});
afterEach(() => unsubscribe(HTTP_CHANNELS.retry, onRetry));

/** Answers with the given responses in turn, then 200. */
function sequence(path: string, method: "get" | "post", responses: Array<() => Response>) {
  let i = 0;
  server.use(
    http[method](`${HUB}${path}`, () =>
      i < responses.length ? responses[i++]!() : HttpResponse.json({ ok: true }),
    ),
  );
}

const client = (retry = {}) =>
  createHubClient({ endpoint: HUB, token: "hf_t", retry: { random: () => 0.5, ...retry } });

/** Advances fake time until `promise` settles; returns the virtual ms that elapsed. */
async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; elapsed: number }> {
  const start = Date.now();
  let done = false;
  const outcome = promise.then(
    (value) => ({ value }),
    (error) => ({ error }),
  );
  void outcome.finally(() => {
    done = true;
  });
  while (!done) {
    // Let real I/O (msw, fetch) run, then jump to the next timer: the elapsed virtual time is
    // exactly what the client chose to sleep.
    await new Promise((resolve) => setImmediate(resolve));
    if (vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
  }
  return { ...(await outcome), elapsed: Date.now() - start };
}

describe("retries", () => {
  it("waits Retry-After seconds on 429, then succeeds", async () => {
    sequence("/api/x", "get", [
      () => new HttpResponse(null, { status: 429, headers: { "retry-after": "3" } }),
    ]);
    const { value, elapsed } = await settle(client().request({ schema: z.unknown(), path: "/api/x" }));
    expect(value?.data).toEqual({ ok: true });
    expect(seen).toHaveLength(2);
    expect(elapsed).toBe(3000);
    expect(retryEvents[0]).toMatchObject({ reason: "429", delayMs: 3000, serverDirected: true, attempt: 1 });
  });

  it("accepts Retry-After as an HTTP date", async () => {
    const at = new Date(Date.now() + 5000).toUTCString();
    sequence("/api/x", "get", [
      () => new HttpResponse(null, { status: 503, headers: { "retry-after": at } }),
    ]);
    const { elapsed } = await settle(client().request({ schema: z.unknown(), path: "/api/x" }));
    expect(elapsed).toBeGreaterThanOrEqual(4000);
    expect(elapsed).toBeLessThan(5200);
  });

  it("honours the RateLimit header when the quota is exhausted", async () => {
    sequence("/api/x", "get", [
      () =>
        new HttpResponse(null, { status: 429, headers: { ratelimit: '"api";r=0;t=7', "retry-after": "1" } }),
    ]);
    const { elapsed } = await settle(client().request({ schema: z.unknown(), path: "/api/x" }));
    expect(elapsed).toBeGreaterThanOrEqual(7000);
    expect(retryEvents[0]?.delayMs).toBe(7000);
  });

  it("backs off exponentially with jitter, capped", async () => {
    sequence("/api/x", "get", [
      () => new HttpResponse(null, { status: 500 }),
      () => new HttpResponse(null, { status: 502 }),
      () => new HttpResponse(null, { status: 504 }),
      () => new HttpResponse(null, { status: 408 }),
    ]);
    const { value } = await settle(
      client({ maxAttempts: 5 }).request({ schema: z.unknown(), path: "/api/x" }),
    );
    expect(value?.status).toBe(200);
    // random() = 0.5: half of the base plus a quarter of it.
    expect(retryEvents.map((e) => e.delayMs)).toEqual([750, 1500, 3000, 6000]);
    expect(backoffDelay(10, { ...DEFAULT_RETRY, random: () => 0.99 })).toBeLessThanOrEqual(
      DEFAULT_RETRY.maxDelayMs,
    );
  });

  it("stops at the attempt cap and throws the last error", async () => {
    server.use(http.get(`${HUB}/api/x`, () => new HttpResponse(null, { status: 503 })));
    const { error } = await settle(
      client({ maxAttempts: 3 }).request({ schema: z.unknown(), path: "/api/x" }),
    );
    expect(seen).toHaveLength(3);
    expect((error as HubError).code).toBe("SERVER_ERROR");
    expect((error as HubError).status).toBe(503);
  });

  it("never repeats a POST that is not marked idempotent (a commit)", async () => {
    sequence("/api/models/a/b/commit/main", "post", [() => new HttpResponse(null, { status: 503 })]);
    const { error } = await settle(
      client().request({
        schema: z.unknown(),
        method: "POST",
        path: "/api/models/a/b/commit/main",
        body: { ndjson: [{ key: "header" }] },
      }),
    );
    expect(seen).toHaveLength(1);
    expect(HubError.isInstance(error)).toBe(true);
  });

  it("repeats a POST the caller marks idempotent, re-sending the same body", async () => {
    sequence("/api/models/a/b/preupload/main", "post", [() => new HttpResponse(null, { status: 500 })]);
    await settle(
      client().request({
        schema: z.unknown(),
        method: "POST",
        path: "/api/models/a/b/preupload/main",
        body: { json: { files: [{ path: "a" }] } },
        idempotent: true,
      }),
    );
    expect(seen).toHaveLength(2);
    await flush();
    expect(new TextDecoder().decode(seen[1]!.body)).toBe('{"files":[{"path":"a"}]}');
  });

  it("retries network errors on idempotent requests", async () => {
    sequence("/api/x", "get", [() => HttpResponse.error()]);
    const { value } = await settle(client().request({ schema: z.unknown(), path: "/api/x" }));
    expect(value?.status).toBe(200);
    expect(retryEvents[0]?.reason).toBe("NETWORK");
  });

  it("does not retry 4xx errors other than 408 and 429", async () => {
    sequence("/api/x", "get", [() => new HttpResponse(null, { status: 404 })]);
    await settle(client().request({ schema: z.unknown(), path: "/api/x" }));
    expect(seen).toHaveLength(1);
  });

  it("fails at once with RateLimitedError when the server asks for a longer wait than allowed", async () => {
    server.use(
      http.get(
        `${HUB}/api/x`,
        () => new HttpResponse(null, { status: 429, headers: { "retry-after": "3600" } }),
      ),
    );
    const { error, elapsed } = await settle(
      client({ maxServerWaitMs: 60_000 }).request({ schema: z.unknown(), path: "/api/x" }),
    );
    expect(RateLimitedError.isInstance(error)).toBe(true);
    expect((error as RateLimitedError).retryAfterMs).toBe(3_600_000);
    expect(seen).toHaveLength(1);
    expect(elapsed).toBeLessThan(1000);
  });

  it("stops waiting as soon as the signal aborts during backoff", async () => {
    server.use(
      http.get(
        `${HUB}/api/x`,
        () => new HttpResponse(null, { status: 503, headers: { "retry-after": "30" } }),
      ),
    );
    const controller = new AbortController();
    const pending = client().request({ schema: z.unknown(), path: "/api/x", signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user cancelled")), 1000);
    const { error, elapsed } = await settle(pending);
    expect((error as Error).message).toBe("user cancelled");
    expect(elapsed).toBeLessThan(2000);
    expect(seen).toHaveLength(1);
  });

  it("stops the backoff at once when the client's signal aborts (a CLI's Ctrl-C)", async () => {
    server.use(
      http.get(
        `${HUB}/api/x`,
        () => new HttpResponse(null, { status: 503, headers: { "retry-after": "30" } }),
      ),
    );
    const controller = new AbortController();
    const hub = createHubClient({ endpoint: HUB, token: "hf_t", signal: controller.signal });
    const pending = hub.request({ schema: z.unknown(), path: "/api/x" });
    setTimeout(() => controller.abort(new Error("interrupted")), 1000);
    const { error, elapsed } = await settle(pending);
    expect((error as Error).message).toBe("interrupted");
    expect(elapsed).toBeLessThan(2000);
    expect(seen).toHaveLength(1);
  });

  it("can be switched off per client and per request", async () => {
    server.use(http.get(`${HUB}/api/x`, () => new HttpResponse(null, { status: 503 })));
    await settle(
      createHubClient({ endpoint: HUB, retry: false }).request({ schema: z.unknown(), path: "/api/x" }),
    );
    expect(seen).toHaveLength(1);
    await settle(client().request({ schema: z.unknown(), path: "/api/x", retry: false }));
    expect(seen).toHaveLength(2);
  });
});
