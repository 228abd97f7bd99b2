import { describe, expect, it } from "vitest";
import * as web from "./platform.browser.js";
import * as node from "./platform.js";

// The browser build's platform must compute what Node's does: the same SHA-256 (LFS oids),
// SHA-1 (git blob ids) and base64 (commit payloads), whatever the chunking.
function bytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

describe("the browser platform twin", () => {
  it("streams SHA-256 and SHA-1 to the digests node:crypto gives, across chunk boundaries", () => {
    const data = bytes(200_003);
    for (const algorithm of ["sha256", "sha1"] as const) {
      const expected = node.createStreamingHash(algorithm).update("blob 200003\0").update(data).digestHex();
      const hash = web.createStreamingHash(algorithm).update("blob 200003\0");
      for (let i = 0; i < data.length; i += 65_537) hash.update(data.subarray(i, i + 65_537));
      expect(hash.digestHex()).toBe(expected);
    }
    expect(web.createStreamingHash("sha256").digestHex()).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("encodes base64 as Buffer does, for every remainder and past its 32 KiB slices", () => {
    for (const size of [0, 1, 2, 3, 0x8000, 0x8001, 100_000]) {
      const data = bytes(size);
      expect(web.base64Of(data), `${size} bytes`).toBe(node.base64Of(data));
    }
  });

  it("refuses file paths with an error that names the field and what to send instead", () => {
    expect(() => web.fileSize("/etc/hosts")).toThrow(
      /^body\.file: sending a file by path works on Node\.js only .*send a Blob, a File or bytes/,
    );
  });

  it("reads no token file in a page and publishes to nobody", async () => {
    await expect(web.readTokenFileText("/anything")).resolves.toBeUndefined();
    const channel = web.publisher("hfkit:http:request:start");
    expect(channel.hasSubscribers).toBe(false);
  });
});
