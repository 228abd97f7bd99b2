import type { Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import type { Dispatcher } from "undici";
import type { HubEnvironment } from "./env.js";
import { BufferPool, nodeFileTransport } from "./file-transport.js";
import {
  fitsNodeApiTransport,
  fitsNodeBulkUpload,
  fitsNodeOneShot,
  nodeApiTransport,
} from "./node-api-transport.js";
import { nodeHttp, nodeHttps } from "./node-builtins.js";
import { type FetchLike, fetchTransport } from "./transport.js";
import type { Next } from "./types.js";
import { undiciTransport } from "./undici-transport.js";

export interface TransportOptions {
  /** A fetch given by the caller (the emulator's, a test double): everything goes through it. */
  fetch?: FetchLike | undefined;
  /** A dispatcher given by the caller: used, never closed by the client. */
  dispatcher?: Dispatcher | undefined;
  proxy: HubEnvironment["proxy"];
}

/** Where one client's attempts go, and what it holds open between them. */
export interface ClientTransport {
  /** Sends one attempt: the last step of the middleware chain. */
  send: Next;
  /** Closes the connections this transport opened (its agents and its own dispatcher). */
  close(): Promise<void>;
}

// The fetch in place when hfkit was loaded. A client created after a test library (msw) has
// patched the global would otherwise take the patched one for the platform's.
const LOADED_FETCH = globalThis.fetch;

/**
 * Chooses, per attempt, how a request leaves the process (ADR 0002), with everything it keeps
 * alive owned by one client: keep-alive agents for file uploads, the proxy-aware undici
 * dispatcher, and the pool of upload buffers. Nothing is shared between clients, and
 * `close()` ends it all, so a short-lived client (a test, a CLI command) leaves no socket behind.
 */
export function createTransport(options: TransportOptions): ClientTransport {
  // The platform fetch, captured now: if a test library patches the global later, requests
  // see the patch (it is looked up per call) and bulk transfers stay on fetch so the patch sees them too.
  const platformFetch = globalThis.fetch;
  const proxied = options.proxy.http !== "" || options.proxy.https !== "";
  let dispatcher: Promise<Dispatcher> | undefined;
  let ownDispatcher = false;
  let agents: { http: HttpAgent; https: HttpsAgent } | undefined;
  let fileBuffers: BufferPool | undefined;
  let oneShot: { http: HttpAgent; https: HttpsAgent } | undefined;
  const ownAgents = () =>
    (agents ??= {
      http: new (nodeHttp().Agent)({ keepAlive: true }),
      https: new (nodeHttps().Agent)({ keepAlive: true }),
    });
  // No keep-alive: each non-idempotent call on a connection of its own (ADR 0002). The https
  // agent still caches TLS sessions, so a later commit resumes the first one's handshake.
  const oneShotAgents = () =>
    (oneShot ??= {
      http: new (nodeHttp().Agent)({ keepAlive: false }),
      https: new (nodeHttps().Agent)({ keepAlive: false }),
    });

  const getDispatcher = (): Promise<Dispatcher> => {
    if (!dispatcher && !options.dispatcher) ownDispatcher = true;
    dispatcher ??= options.dispatcher
      ? Promise.resolve(options.dispatcher)
      : import("undici").then(
          ({ EnvHttpProxyAgent }) =>
            new EnvHttpProxyAgent({
              httpProxy: options.proxy.http,
              httpsProxy: options.proxy.https,
              noProxy: options.proxy.noProxy,
            }),
        );
    return dispatcher;
  };

  const send: Next = async (context) => {
    const { request } = context;
    const fetchImpl = options.fetch ?? globalThis.fetch;
    const usesPlatformFetch = options.fetch === undefined && globalThis.fetch === platformFetch;
    // hfkit's own transports (node:http, undici.request) only while the global fetch is the one
    // in place when hfkit loaded: once a test library (msw) has patched it, before or after this
    // client was made, every request goes through the patched fetch.
    const unpatched = usesPlatformFetch && platformFetch === LOADED_FETCH;
    if (request.bulk && unpatched && request.redirect === "follow") {
      // A file through node:http with reused buffers is the fastest path measured (ADR 0002);
      // node:http knows no proxies, so with one configured undici (which does) takes it.
      if (request.file && !proxied) {
        const { protocol } = request.url;
        if (protocol !== "https:" && protocol !== "http:") {
          throw new TypeError(`unsupported protocol for a file upload: ${protocol}`);
        }
        const agent = protocol === "https:" ? ownAgents().https : ownAgents().http;
        fileBuffers ??= new BufferPool();
        return nodeFileTransport(request, request.file, fileBuffers, agent);
      }
      // A body from memory answered with a small JSON (Xet xorbs and shards): node:http on the
      // keep-alive agents, sparing the undici load; undici keeps downloads, proxies and the rest.
      if (!proxied && !options.dispatcher && fitsNodeBulkUpload(request)) {
        return nodeApiTransport(request, ownAgents());
      }
      return undiciTransport(request, await getDispatcher());
    }
    // Small idempotent calls read whole go through node:http on this client's keep-alive
    // agents: half the CPU per call of fetch, and no undici package to load (ADR 0002).
    if (unpatched && !proxied && !options.dispatcher) {
      if (fitsNodeApiTransport(request)) return nodeApiTransport(request, ownAgents());
      // A commit, read whole: node:http too, on a fresh connection, sent once (ADR 0002).
      if (fitsNodeOneShot(request)) return nodeApiTransport(request, oneShotAgents());
    }
    // Without a proxy the platform's own keep-alive dispatcher serves the other calls, which
    // spares loading the undici package (~100 ms) for commands that make a few small requests.
    const chosen = options.dispatcher || (usesPlatformFetch && proxied) ? await getDispatcher() : undefined;
    return fetchTransport(request, fetchImpl, chosen);
  };

  return {
    send,
    async close() {
      for (const pair of [agents, oneShot]) {
        pair?.http.destroy();
        pair?.https.destroy();
      }
      agents = undefined;
      oneShot = undefined;
      const own = ownDispatcher ? dispatcher : undefined;
      dispatcher = undefined;
      ownDispatcher = false;
      if (own) await (await own).close();
    },
  };
}
