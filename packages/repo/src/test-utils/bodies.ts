// Answers the emulator never gives, built from its real answer: the few per-test overrides of
// the msw tests. Everything else comes from the emulator's own msw handlers.
import { createHash } from "node:crypto";
import { HttpResponse } from "msw";

export const gitBlobId = (content: Uint8Array) =>
  createHash("sha1").update(`blob ${content.byteLength}\0`).update(content).digest("hex");
export const sha256 = (content: Uint8Array) => createHash("sha256").update(content).digest("hex");

interface Handles {
  handle(request: Request): Promise<Response>;
}

/**
 * The emulator's answer with its body broken off after `bytes` bytes: a connection dropped
 * mid-transfer, which clients resume with `Range: bytes=<n>-` (hub-protocol §5.3). The
 * emulator always sends whole bodies (its `reset` fault drops a request before any byte).
 */
export function cutBody(emulator: Handles, bytes: number) {
  return async ({ request }: { request: Request }) => {
    const answer = await emulator.handle(request);
    const whole = new Uint8Array(await answer.arrayBuffer());
    let sent = false;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(whole.subarray(0, bytes));
          return;
        }
        // Let the client read the bytes first: an error discards chunks still queued.
        await new Promise((resolve) => setTimeout(resolve, 20));
        controller.error(new TypeError("terminated: other side closed"));
      },
    });
    return new HttpResponse(stream, { status: answer.status, headers: answer.headers });
  };
}

/**
 * The emulator's answer (status, `ETag`, sizes) with other bytes of the same length: a corrupt
 * CDN or proxy, which the ETag lets a client catch (hub-protocol §5.2: the ETag is the git blob
 * id, or the SHA-256 for LFS files). The emulator serves what it stored.
 */
export function corruptBody(emulator: Handles, content: Uint8Array) {
  return async ({ request }: { request: Request }) => {
    const answer = await emulator.handle(request);
    await answer.arrayBuffer();
    return new HttpResponse(request.method === "HEAD" ? null : content, {
      status: answer.status,
      headers: answer.headers,
    });
  };
}

/**
 * The emulator's answer with a body that sends `bytes` bytes, then stalls until the client
 * gives up on it: a slow transfer caught in the middle (hub-protocol §5.3 GET), so that a test
 * can stop it there. `onStall` is told when the stall begins.
 */
export function stalledBody(emulator: Handles, bytes: number, onStall?: () => void) {
  return async ({ request }: { request: Request }) => {
    const answer = await emulator.handle(request);
    const whole = new Uint8Array(await answer.arrayBuffer());
    let sent = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) {
          onStall?.();
          return new Promise<void>(() => {}); // never more bytes
        }
        sent = true;
        controller.enqueue(whole.subarray(0, bytes));
      },
    });
    return new HttpResponse(stream, { status: answer.status, headers: answer.headers });
  };
}

/**
 * The emulator's answer delivered in chunks of `size` bytes, as a slow network delivers a body
 * (the emulator's msw mount hands it over in one piece): many progress events per file.
 */
export function trickledBody(emulator: Handles, size: number) {
  return async ({ request }: { request: Request }) => {
    const answer = await emulator.handle(request);
    const whole = new Uint8Array(await answer.arrayBuffer());
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= whole.byteLength) return controller.close();
        controller.enqueue(whole.slice(offset, offset + size));
        offset += size;
      },
    });
    return new HttpResponse(stream, { status: answer.status, headers: answer.headers });
  };
}
