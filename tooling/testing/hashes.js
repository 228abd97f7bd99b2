// A seam for tests that assert which hashes a download computed (ADR 0022): the `@hfkit/http`
// module with `createStreamingHash` counting the bytes each algorithm is fed. Use it from a
// `vi.mock("@hfkit/http", …)` factory; this file imports nothing, so it cannot load the module
// it stands in for.

/** `http` (the real `@hfkit/http`) whose streaming hashes add the bytes they hash to `counts[algorithm]`. */
export function countingStreamingHashes(http, counts) {
  return {
    ...http,
    createStreamingHash(algorithm) {
      const hash = http.createStreamingHash(algorithm);
      const counted = {
        update(bytes) {
          counts[algorithm] = (counts[algorithm] ?? 0) + bytes.length;
          hash.update(bytes);
          return counted;
        },
        digestHex: () => hash.digestHex(),
      };
      return counted;
    },
  };
}
