/** `http` (the real `@hfkit/http`) whose streaming hashes add the bytes they hash to `counts[algorithm]`. */
export declare function countingStreamingHashes<
  H extends {
    createStreamingHash(algorithm: "sha256" | "sha1"): {
      update(bytes: Uint8Array | string): unknown;
      digestHex(): string;
    };
  },
>(http: H, counts: Partial<Record<"sha256" | "sha1", number>>): H;
