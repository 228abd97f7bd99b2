// One Xet upload by hfkit, in its own process so that its peak memory is its own. Prints
// {"seconds", "maxRssMB", "bytesUploaded", "xorbs"}; the time covers the library call only.
// Usage: node xet-upload-once.mjs <endpoint> <file> <cacheDir|none>
import { createHubClient } from "@hfkit/http";
import { uploadXet } from "@hfkit/xet";

const [endpoint, path, cacheDir] = process.argv.slice(2);
const hub = createHubClient({ endpoint, token: "hf_bench_token_not_secret", env: {} });
const start = performance.now();
const result = await uploadXet(hub, {
  repo: "bench/x",
  files: [{ path }],
  cacheDir: cacheDir === "none" ? false : cacheDir,
});
process.stdout.write(
  `${JSON.stringify({
    seconds: (performance.now() - start) / 1000,
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    bytesUploaded: result.bytesUploaded,
    xorbs: result.xorbsUploaded,
  })}\n`,
);
