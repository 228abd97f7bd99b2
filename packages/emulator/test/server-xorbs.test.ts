// Xorb uploads over real HTTP (node:http), where request bodies come from the socket in 64 KiB
// pieces (mounts/body-pieces.ts): a xorb larger than the read-ahead arrives whole, a bad chunk
// or a client that goes away mid-body leaves nothing stored, and the server keeps answering.
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmulator, type EmulatorServer, startEmulatorServer } from "../src/index.js";
import { xetHasher } from "../src/xet/hash.js";
import { createRepo } from "./helpers.js";
import { type CasAccess, writeAccess } from "./xet/client.js";
import { buildXorb, cut, type Xorb } from "./xet/encoder.js";

let server: EmulatorServer;
let access: CasAccess;

/** A xorb of stored (uncompressed) 64 KiB chunks of random bytes. */
async function xorbOf(bytes: number): Promise<Xorb> {
  return buildXorb(cut(randomBytes(bytes)), await xetHasher());
}

/**
 * POSTs `body` to the xorb's URL in 16 KiB writes; `stopAfter` bytes, then the connection is
 * destroyed. Resolves with the status and body, or "reset".
 */
function post(hash: string, body: Uint8Array, stopAfter = Number.POSITIVE_INFINITY) {
  return new Promise<{ status: number; text: string } | "reset">((resolve) => {
    const req = request(`${access.casUrl}/v1/xorbs/default/${hash}`, {
      method: "POST",
      headers: { authorization: `Bearer ${access.accessToken}`, "content-length": body.byteLength },
    });
    req.on("response", (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", () => resolve("reset"));
    let at = 0;
    const write = () => {
      while (at < body.byteLength) {
        if (at >= stopAfter) {
          // Let the bytes written so far reach the server before the connection goes.
          setTimeout(() => req.destroy(), 100);
          return;
        }
        const ok = req.write(body.subarray(at, at + 16 * 1024));
        at += 16 * 1024;
        if (!ok) {
          req.once("drain", write);
          return;
        }
      }
      req.end();
    };
    write();
  });
}

async function stored(hash: string): Promise<number> {
  const res = await fetch(`${access.casUrl}/v1/xorbs/default/${hash}`, {
    method: "HEAD",
    headers: { authorization: `Bearer ${access.accessToken}` },
  });
  return res.status;
}

describe("xorb uploads over node:http", () => {
  beforeEach(async () => {
    server = await startEmulatorServer();
    await createRepo(server.emulator, "x");
    access = await writeAccess(server.emulator, "local/x");
  });
  afterEach(() => server.close());

  it("takes a 5 MiB xorb sent in small writes whole, and stores it", async () => {
    const xorb = await xorbOf(5 * 1024 * 1024);
    expect(await post(xorb.hash, xorb.bytes)).toEqual({ status: 200, text: '{"was_inserted":true}' });
    expect(await stored(xorb.hash)).toBe(200);
  });

  it("refuses a xorb whose stored chunk was changed in transit, and stores nothing", async () => {
    const xorb = await xorbOf(3 * 1024 * 1024);
    const bytes = Uint8Array.from(xorb.bytes);
    bytes[2 * 1024 * 1024]! ^= 1; // inside a stored chunk in the middle of the body
    const answer = await post(xorb.hash, bytes);
    expect(answer).not.toBe("reset");
    expect(answer).toMatchObject({ status: 400 });
    expect((answer as { text: string }).text).toMatch(/Xorb hash mismatch/);
    expect(await stored(xorb.hash)).toBe(404);
  });

  it("stores nothing of a xorb whose client goes away mid-body, and goes on serving", async () => {
    const xorb = await xorbOf(4 * 1024 * 1024);
    expect(await post(xorb.hash, xorb.bytes, 2 * 1024 * 1024)).toBe("reset");
    expect(await stored(xorb.hash)).toBe(404);
    expect(await post(xorb.hash, xorb.bytes)).toEqual({ status: 200, text: '{"was_inserted":true}' });
  });
});

describe("xorb uploads in-process (web stream bodies)", () => {
  it("cancels the body of a xorb refused mid-stream instead of leaving it unread", async () => {
    const hub = createEmulator();
    await createRepo(hub, "y");
    const { accessToken } = await writeAccess(hub, "local/y");
    let pulls = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        // A chunk header of an unknown version: the first piece is refused.
        controller.enqueue(pulls === 1 ? new Uint8Array(64 * 1024).fill(7) : new Uint8Array(64 * 1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    const res = await hub.fetch(`${hub.storageBaseUrl}/v1/xorbs/default/${"0".repeat(64)}`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}` },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Unsupported chunk header version 7/);
    expect(cancelled).toBe(true);
  });
});
