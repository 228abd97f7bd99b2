// The Xet upload of one file against the bench emulator, chunked by the upload (`{ path, sha256 }`,
// as a push sent a shard before) or given its chunks (`{ path, sha256, chunks }`, as a push now
// sends one chunked while it was written): client CPU and wall per upload, alternating. No local
// record and no global dedup, so every upload sends every xorb.
//   node xet-given-chunks.mjs <file> [rounds]
// Build first: pnpm turbo run build --filter=@hfkit/bench...
import { join } from "node:path";
import { createHubClient } from "@hfkit/http";
import { createRepo } from "@hfkit/repo";
import { hashXetFile, uploadXet } from "@hfkit/xet";
import { startProcess } from "./lib.mjs";

const [path, rounds = "4"] = process.argv.slice(2);
if (!path) throw new Error("usage: node xet-given-chunks.mjs <file> [rounds]");
const server = await startProcess(join(import.meta.dirname, "emulator-serve.mjs"));
try {
  const hub = createHubClient({ endpoint: server.line, token: "hf_bench_token_not_secret", env: {} });
  const repo = "datasets/local/given-chunks";
  await createRepo(hub, { repo });
  const hashed = await hashXetFile({ path });
  for (let round = 0; round < Number(rounds); round++) {
    for (const given of round % 2 ? [true, false] : [false, true]) {
      const file = { path, sha256: hashed.sha256, ...(given ? { chunks: hashed.chunks } : {}) };
      const cpu = process.cpuUsage();
      const started = performance.now();
      const result = await uploadXet(hub, { repo, files: [file], cacheDir: false, globalDedup: false });
      const wall = performance.now() - started;
      const used = process.cpuUsage(cpu);
      if (result.files[0].xetHash !== hashed.xetHash) throw new Error("the upload stored another file hash");
      console.log(
        `${given ? "chunks given" : "chunked by the upload"}: wall ${(wall / 1000).toFixed(2)} s, CPU ${((used.user + used.system) / 1e6).toFixed(2)} s`,
      );
    }
  }
} finally {
  server.stop();
}
