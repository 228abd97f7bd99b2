// One commit of one file through Xet by hfkit, in its own process so that its peak memory is
// its own. Prints {"seconds", "hashedSeconds", "maxRssMB", "xorbBytes"}; the time covers the
// library call only, `hashedSeconds` the SHA-256 pass the LFS batch needs before Xet starts.
// Usage: node xet-commit-once.mjs <endpoint> <file> <repo> <hfHome>
const [endpoint, file, repo, hfHome] = process.argv.slice(2);
const { createHubClient } = await import("@hfkit/http");
const { uploadFileIter } = await import("@hfkit/commit");
const hub = createHubClient({ endpoint, token: "hf_bench_token_not_secret", env: { HF_HOME: hfHome } });
let xorbBytes = 0;
let hashedSeconds;
const start = performance.now();
for await (const event of uploadFileIter(hub, { repo, file })) {
  if (event.type === "xet-upload-done") xorbBytes += event.bytesUploaded;
  if (event.type === "file-hash-progress" && event.bytesHashed === event.totalBytes)
    hashedSeconds = (performance.now() - start) / 1000;
}
const seconds = (performance.now() - start) / 1000;
console.log(
  JSON.stringify({
    seconds,
    hashedSeconds,
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    xorbBytes,
  }),
);
await hub.close();
