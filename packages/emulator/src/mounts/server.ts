import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Server } from "node:net";
import { closingSignals, nodeBodies, responseTexts } from "../core/body.js";
import type { EmulatorOptions } from "../core/options.js";
import { requestLogLine } from "../core/request-log.js";
import { createEmulator, type Emulator } from "../emulator.js";
import { ADMIN_PREFIX, adminRoute } from "./admin.js";
import { bodyPieces } from "./body-pieces.js";

export interface EmulatorServerOptions extends Omit<EmulatorOptions, "baseUrl" | "storageBaseUrl"> {
  /** Hub port; 0 (default) picks a free one. */
  port?: number;
  /** Storage-origin port; 0 (default) picks a free one. */
  storagePort?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Host name the storage origin is advertised under. It must differ from the Hub's host
   * name, not just its port: huggingface_hub compares host names to decide that a redirect
   * left the Hub (and must not carry the token). Default: `localhost` when the Hub is on
   * 127.0.0.1 (or 0.0.0.0), `127.0.0.1` when it is on `localhost`, else the Hub's host.
   */
  storageHost?: string;
  /**
   * Append one JSON line per request served to this file: time, method, path (no query),
   * status, request bytes, whether `Authorization` was sent (never its value), user agent.
   */
  requestLogFile?: string;
  /**
   * Serve the admin routes under `/_emulator/` on the Hub origin, to loopback clients only
   * (read the request log, add or clear faults while it runs). Default false.
   */
  admin?: boolean;
  /**
   * Serve both origins over https with this certificate (PEM), which must name the Hub's and
   * the storage origin's hosts (by default 127.0.0.1 and localhost). Clients trust it as they
   * trust any private CA: `NODE_EXTRA_CA_CERTS` for Node, `SSL_CERT_FILE` for Python `huggingface_hub` (httpx).
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface EmulatorServer {
  /** The Hub origin, e.g. `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The second origin, standing in for S3 and the LFS CDN. */
  readonly storageUrl: string;
  readonly emulator: Emulator;
  close(): Promise<void>;
}

const SKIPPED_HEADERS = new Set([
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "expect",
]);

async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

function origin(host: string, port: number, secure = false): string {
  return `${secure ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** The name clients use for a listening address (0.0.0.0 is not one). */
function advertised(host: string): string {
  return host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
}

function defaultStorageHost(hubHost: string): string {
  if (hubHost === "127.0.0.1" || hubHost === "::1") return "localhost";
  if (hubHost === "localhost") return "127.0.0.1";
  return hubHost;
}

function toRequest(req: IncomingMessage, origin: string, closing: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (!SKIPPED_HEADERS.has(name.toLowerCase())) headers.append(name, req.rawHeaders[i + 1]!);
  }
  const request = new Request(origin + req.url, { method: req.method ?? "GET", headers });
  // Bodies are read straight from the socket stream (no web-stream conversion): see core/body.ts.
  // A route that stops reading early (a 4xx on a bad first line) must not destroy the socket:
  // the client is owed its answer, and node:http discards the rest of the body after it.
  if (req.method !== "GET" && req.method !== "HEAD") nodeBodies.set(request, bodyPieces(req));
  closingSignals.set(request, closing);
  return request;
}

async function writeResponse(res: ServerResponse, response: Response, head: boolean): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) headers[name] = value;
  res.writeHead(response.status, headers);
  const text = responseTexts.get(response);
  if (text !== undefined && !response.bodyUsed) {
    res.end(head ? undefined : text);
    return;
  }
  if (response.body && !head) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (!res.write(chunk)) await once(res, "drain");
    }
  }
  res.end();
}

/** The handlers still running, and the signal that tells them the server is closing. */
interface InFlight {
  readonly handlers: Set<Promise<unknown>>;
  readonly closing: AbortController;
}

function listener(emulator: Emulator, origin: () => string, inFlight: InFlight, admin = false) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (admin && req.url?.startsWith(ADMIN_PREFIX)) {
      adminRoute(emulator, req, new URL(origin() + req.url))
        .then((response) => writeResponse(res, response, req.method === "HEAD"))
        .catch(() => req.socket.destroy());
      return;
    }
    const request = toRequest(req, origin(), inFlight.closing.signal);
    const handled = emulator.handle(request);
    // Tracked until the route is done (not the response's body): `close()` waits for it, so a
    // route still writing to a disk storage cannot do so after the server closed.
    const tracked = handled.catch(() => {});
    inFlight.handlers.add(tracked);
    void tracked.then(() => inFlight.handlers.delete(tracked));
    handled
      .then((response) => {
        if (response.type === "error") {
          req.socket.destroy();
          return;
        }
        // A body the route did not read to its end (an early 4xx) is discarded as it arrives,
        // so a client still sending it is not blocked and the connection stays usable.
        if (!req.complete) req.resume();
        return writeResponse(res, response, req.method === "HEAD");
      })
      .catch(() => req.socket.destroy());
  };
}

/**
 * Starts the emulator as two node:http servers (https with `tls`) on loopback: the Hub origin and a storage
 * origin for presigned LFS URLs.
 *
 * @example
 * ```ts
 * import { startEmulatorServer } from "@hfkit/emulator";
 * const server = await startEmulatorServer({ port: 0 });
 * console.log(server.url); // http://127.0.0.1:43123
 * await server.close();
 * ```
 */
export async function startEmulatorServer(options: EmulatorServerOptions = {}): Promise<EmulatorServer> {
  const host = options.host ?? "127.0.0.1";
  const hubHost = advertised(host);
  const storageHost = options.storageHost ?? defaultStorageHost(hubHost);
  // A larger request-stream buffer keeps bulk uploads flowing while storage writes to disk.
  const serverOptions = { keepAliveTimeout: 30_000, highWaterMark: 1024 * 1024 };
  const { tls } = options;
  const newServer = () =>
    tls ? createTlsServer({ ...serverOptions, cert: tls.cert, key: tls.key }) : createServer(serverOptions);
  const hubServer = newServer();
  const storageServer = newServer();
  const servers = [hubServer, storageServer];
  const hubUrl = origin(hubHost, await listen(hubServer, options.port ?? 0, host), !!tls);
  let storagePort: number;
  try {
    storagePort = await listen(storageServer, options.storagePort ?? 0, host);
  } catch (error) {
    hubServer.close();
    throw error;
  }
  if (storageHost === "localhost" && host === "127.0.0.1") {
    // `localhost` may resolve to ::1 first; answer there too when the machine has IPv6.
    const v6 = newServer();
    try {
      await listen(v6, storagePort, "::1");
      servers.push(v6);
    } catch {
      v6.close();
    }
  }
  const storageUrl = origin(storageHost, storagePort, !!tls);
  const {
    port: _p,
    storagePort: _s,
    host: _h,
    storageHost: _sh,
    tls: _t,
    requestLogFile,
    admin,
    ...rest
  } = options;
  let emulator: Emulator;
  try {
    emulator = createEmulator({ ...rest, baseUrl: hubUrl, storageBaseUrl: storageUrl });
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }
  let logFile: WriteStream | undefined;
  if (requestLogFile) {
    const file = createWriteStream(requestLogFile, { flags: "a" });
    logFile = file;
    // An unwritable log must not take the server down; the error shows on close instead.
    file.on("error", () => {});
    emulator.onRequest((entry) => file.write(`${JSON.stringify(requestLogLine(entry))}\n`));
  }
  const inFlight: InFlight = { handlers: new Set(), closing: new AbortController() };
  hubServer.on(
    "request",
    listener(emulator, () => hubUrl, inFlight, admin ?? false),
  );
  for (const server of servers.slice(1))
    server.on(
      "request",
      listener(emulator, () => storageUrl, inFlight),
    );
  const close = async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    // Requests whose client is gone may still be in a route (or waiting out an injected
    // latency, which stops now): with a disk storage they write to its folder, so the server
    // is closed only once they are done, and a restart on the folder or its removal is safe.
    inFlight.closing.abort();
    await Promise.all(inFlight.handlers);
    if (logFile && !logFile.closed) await new Promise<void>((resolve) => logFile!.end(() => resolve()));
  };
  try {
    if (logFile?.pending) await once(logFile, "open");
    await emulator.ready;
  } catch (error) {
    await close();
    throw error;
  }
  return { url: hubUrl, storageUrl, emulator, close };
}
