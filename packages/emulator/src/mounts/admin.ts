import type { IncomingMessage } from "node:http";
import { parseFaultRules } from "../core/fault-rules.js";
import { requestLogLine } from "../core/request-log.js";
import type { Emulator } from "../emulator.js";

/** The admin routes' prefix on the Hub origin; nothing the Hub serves starts with it. */
export const ADMIN_PREFIX = "/_emulator/";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > 1024 * 1024) throw new TypeError("body larger than 1 MiB");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new TypeError("body is not JSON: send a fault rule or an array of rules");
  }
}

/**
 * `/_emulator/…`, answered only to loopback clients (403 otherwise) and left out of the
 * request log: `GET requests[?since=N]` (the log as JSON lines' objects, from entry N),
 * `GET faults` (how many are armed), `POST faults` (one rule or an array, the `--faults`
 * format), `DELETE faults` (disarm all).
 */
export async function adminRoute(emulator: Emulator, req: IncomingMessage, url: URL): Promise<Response> {
  if (!LOOPBACK.test(req.socket.remoteAddress ?? ""))
    return reply(403, { error: "The emulator's admin routes answer loopback clients only" });
  const route = url.pathname.slice(ADMIN_PREFIX.length);
  const method = req.method ?? "GET";
  if (route === "requests" && method === "GET") {
    const since = Number(url.searchParams.get("since") ?? "0");
    if (!Number.isInteger(since) || since < 0)
      return reply(400, { error: "since must be a non-negative integer (an index into the log)" });
    const log = emulator.requestLog;
    return reply(200, { total: log.length, requests: log.slice(since).map(requestLogLine) });
  }
  if (route === "faults") {
    if (method === "GET") return reply(200, { pending: emulator.faults.pending });
    if (method === "DELETE") {
      emulator.faults.clear();
      return reply(200, { pending: 0 });
    }
    if (method === "POST") {
      try {
        const rules = parseFaultRules(await readJson(req), "body");
        for (const rule of rules) emulator.faults.inject(rule);
        return reply(200, { added: rules.length, pending: emulator.faults.pending });
      } catch (error) {
        return reply(400, { error: (error as Error).message });
      }
    }
    return reply(405, { error: `${method} is not supported on ${url.pathname}: use GET, POST or DELETE` });
  }
  return reply(404, {
    error: `No admin route ${url.pathname}: use /_emulator/requests or /_emulator/faults`,
  });
}
