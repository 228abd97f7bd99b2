import type { HubClient } from "./client.js";
import type { HubEnvironment } from "./env.js";

// The fetch in place when hfkit was loaded (as client-transport.ts keeps it): once a test
// library (msw) has patched the global, requests must go through the patch, not a socket.
const LOADED_FETCH = globalThis.fetch;

/** Clients that send through the platform's own network (no `fetch`, `dispatcher` or proxy): the fetch they saw, their signal. */
const direct = new WeakMap<HubClient, { platformFetch: typeof fetch; signal: AbortSignal | undefined }>();

/** Called by `createHubClient`: notes a client that may open its own sockets (see `mayOpenOwnSockets`). */
export function markDirectClient(
  client: HubClient,
  options: { fetch?: unknown; dispatcher?: unknown; signal?: AbortSignal | undefined },
  environment: HubEnvironment,
): void {
  const proxied = environment.proxy.http !== "" || environment.proxy.https !== "";
  if (!options.fetch && !options.dispatcher && !proxied) {
    direct.set(client, { platformFetch: globalThis.fetch, signal: options.signal });
  }
}

/**
 * Whether a download may open its own TCP/TLS connection for a file's bytes, outside the
 * client's transport: only when the client sends through the platform's network as it is,
 * with no `fetch` or `dispatcher` given, no proxy configured (`HTTP(S)_PROXY`), and the global
 * fetch not patched since hfkit loaded. Anything else (the emulator's in-process fetch, msw, a
 * proxy) must see every request, so it keeps the client's own path. When it may, the answer
 * carries the client's `signal` (a CLI's Ctrl-C), which must stop such a connection too.
 */
export function mayOpenOwnSockets(client: HubClient): { signal: AbortSignal | undefined } | undefined {
  const entry = direct.get(client);
  const unpatched = entry?.platformFetch === LOADED_FETCH && globalThis.fetch === LOADED_FETCH;
  return entry && unpatched ? { signal: entry.signal } : undefined;
}
