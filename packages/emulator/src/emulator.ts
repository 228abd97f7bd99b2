import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { HttpHandler } from "msw";
import { authenticate } from "./core/auth.js";
import { BodyReader, closingSignals } from "./core/body.js";
import type { Ctx } from "./core/context.js";
import { addCorsHeaders, isPreflight, preflightResponse } from "./core/cors.js";
import { requestChannel } from "./core/diagnostics.js";
import { EmulatorHttpError, errorResponse } from "./core/errors.js";
import { type FaultSpec, Faults } from "./core/faults.js";
import { DEFAULTS, type EmulatorOptions, resolveOptions } from "./core/options.js";
import { logEntry, type RequestLogEntry } from "./core/request-log.js";
import { Signer } from "./core/signing.js";
import { HubModel } from "./model/hub.js";
import { seedRepos } from "./model/seed.js";
import { createInProcessFetch } from "./mounts/fetch.js";
import { createMswHandlers } from "./mounts/msw.js";
import { routeHub, routeStorage } from "./routes/router.js";
import { createDiskStorage } from "./storage/disk.js";
import { createMemoryStorage } from "./storage/memory.js";
import { xetHasher } from "./xet/hash.js";
import { XetStore } from "./xet/store.js";

export interface Emulator {
  /** The core: answers one request for either origin (chosen by the URL's origin). */
  handle(request: Request): Promise<Response>;
  /** A `fetch` serving both origins in-process, following redirects like fetch does. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  readonly baseUrl: string;
  readonly storageBaseUrl: string;
  readonly faults: {
    inject(spec: FaultSpec): void;
    clear(): void;
    readonly pending: number;
  };
  /** Every request served, oldest first. Clear it with `clearRequestLog()` or `requestLog.length = 0`. */
  readonly requestLog: RequestLogEntry[];
  clearRequestLog(): void;
  /** Calls `listener` with every request served from now on; returns the function that stops it. */
  onRequest(listener: (entry: RequestLogEntry) => void): () => void;
  /** msw 2 handlers for both origins (needs `msw` installed). */
  mswHandlers(): HttpHandler[];
  /** Resolves once the storage state is loaded (the first request waits for it anyway). */
  readonly ready: Promise<void>;
}

/**
 * Creates a Hub emulator.
 *
 * @example
 * ```ts
 * import { createEmulator } from "@hfkit/emulator";
 * const hub = createEmulator();
 * const res = await hub.fetch(`${hub.baseUrl}/api/whoami-v2`, { headers: { authorization: "Bearer hf_test" } });
 * console.log((await res.json()).name); // "local"
 * ```
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const resolved = resolveOptions(options);
  const clock = options.now ?? Date.now;
  const storage =
    options.storage && options.storage !== "memory"
      ? createDiskStorage(options.storage.dir)
      : createMemoryStorage();
  let hub: HubModel | undefined;
  let xet: XetStore | undefined;
  const ready = Promise.all([HubModel.load(storage, clock), xetHasher()]).then(async ([model, hasher]) => {
    if (options.seed) {
      await seedRepos(model, options.seed);
      await model.flush();
    }
    hub = model;
    xet = new XetStore(storage, hasher);
  });
  // A state that cannot be loaded fails every request (and `ready`), not the process.
  ready.catch(() => {});
  const signer = new Signer(() => hub!.state.secret, clock, DEFAULTS.presignSeconds);
  const faults = new Faults();
  const requestLog: RequestLogEntry[] = [];
  const listeners = new Set<(entry: RequestLogEntry) => void>();

  function record(
    request: Request,
    body: BodyReader | undefined,
    status: number,
    served: { url: URL; started: number; requestId: string; fault: boolean },
  ): void {
    const declared = Number(request.headers.get("content-length") ?? "0") || 0;
    const bodyBytes = body && body.bytesRead > 0 ? body.bytesRead : declared;
    const entry = logEntry(request, bodyBytes, status, clock());
    requestLog.push(entry);
    for (const listener of listeners) listener(entry);
    if (requestChannel.hasSubscribers) {
      requestChannel.publish({
        method: request.method.toUpperCase(),
        origin: served.url.origin === resolved.storageBaseUrl ? "storage" : "hub",
        path: served.url.pathname,
        status,
        bodyBytes,
        durationMs: performance.now() - served.started,
        requestId: served.requestId,
        fault: served.fault,
      });
    }
    // shift(), not splice(0, n): V8 drops the first element of a large array in place, where
    // splice copied all 10,000 entries on every request once the log was full (most of the
    // server's CPU in `pnpm bench`'s emulator-rps case, profiled).
    while (requestLog.length > resolved.requestLogLimit) requestLog.shift();
  }

  async function serve(request: Request, url: URL, body: BodyReader): Promise<Response> {
    const storageOrigin = url.origin === resolved.storageBaseUrl;
    const ctx: Ctx = {
      request,
      url,
      method: request.method.toUpperCase(),
      body,
      // The storage origin never looks at tokens; presigned routes reject them outright.
      principal: storageOrigin
        ? undefined
        : authenticate(request.headers.get("authorization"), resolved.users, resolved.orgs),
      hub: hub!,
      options: resolved,
      signer,
      xet: xet!,
      now: clock,
    };
    const response = await (storageOrigin ? routeStorage(ctx) : routeHub(ctx));
    // The one place state is persisted: after a route succeeded, before its answer is sent.
    // A route that throws persists nothing (routes validate before they change the model).
    await hub!.flush();
    return response;
  }

  async function handle(request: Request): Promise<Response> {
    const response = await handleRequest(request);
    addCorsHeaders(request, response);
    return response;
  }

  async function handleRequest(request: Request): Promise<Response> {
    await ready;
    const started = performance.now();
    const url = new URL(request.url);
    const requestId = request.headers.get("x-request-id") ?? randomUUID();
    if (isPreflight(request)) {
      // Answered before faults and routes, as the Hub's edge does: a preflight is never a call.
      const response = preflightResponse(request);
      response.headers.set("x-request-id", requestId);
      record(request, undefined, response.status, { url, started, requestId, fault: false });
      return response;
    }
    const fault = faults.take(request.method.toUpperCase(), url.pathname);
    const served = { url, started, requestId, fault: fault !== undefined };
    if (fault?.latencyMs) await sleep(fault.latencyMs, undefined, { signal: closingSignals.get(request) });
    let response: Response;
    const body = new BodyReader(request);
    if (fault?.reset) {
      record(request, undefined, 0, served);
      return Response.error();
    }
    if (fault?.status) {
      response = errorResponse(
        new EmulatorHttpError(
          fault.status,
          "InjectedFault",
          `Injected fault: ${fault.status}`,
          {},
          fault.headers ?? {},
        ),
      );
    } else {
      try {
        response = await serve(request, url, body);
      } catch (error) {
        response =
          error instanceof EmulatorHttpError
            ? errorResponse(error)
            : errorResponse(
                new EmulatorHttpError(500, "InternalError", `Emulator error: ${(error as Error).message}`),
              );
      }
      if (fault?.headers) for (const [k, v] of Object.entries(fault.headers)) response.headers.set(k, v);
    }
    response.headers.set("x-request-id", requestId);
    record(request, body, response.status, served);
    return response;
  }

  const emulator: Emulator = {
    handle,
    fetch: createInProcessFetch(handle, [resolved.baseUrl, resolved.storageBaseUrl]),
    baseUrl: resolved.baseUrl,
    storageBaseUrl: resolved.storageBaseUrl,
    faults,
    requestLog,
    clearRequestLog: () => {
      requestLog.length = 0;
    },
    onRequest: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    mswHandlers: () => createMswHandlers(handle, resolved.baseUrl, resolved.storageBaseUrl),
    ready,
  };
  return emulator;
}
