/**
 * Bodies a transport already holds whole, by the Response that carries them. The bulk
 * transport reads a body into one buffer (undici-transport.ts); reading it back through the
 * Response would copy it twice more (about a fifth of a Xet download's time for 64 MiB of
 * xorb ranges, by CPU profile), so `responseType: "bytes"` takes the buffer from here.
 */
export const bufferedBodies = new WeakMap<Response, Uint8Array>();
