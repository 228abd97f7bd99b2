// Opt-in check that Python's huggingface_hub works against the emulator unchanged
// (`pnpm conformance:python`): every HfApi call a user makes for a repo's life cycle, over
// real loopback HTTP. Twice: in the default configuration (with hf_xet, uploads and downloads
// go through the emulator's Xet CAS), then with Xet off on both sides (HF_HUB_DISABLE_XET=1
// against an emulator started with `xet: false`: the LFS protocol, basic and multipart).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulatorServer } from "@hfkit/emulator";
import { judgePython, runCheck } from "./python-env.mjs";

const keep = process.argv.includes("--keep");
const work = mkdtempSync(join(tmpdir(), "hfkit-pyapi-"));
let failed = false;
try {
  const { python, version } = await judgePython(work);
  for (const xet of [true, false]) {
    const server = await startEmulatorServer({ port: 0, xet });
    try {
      console.log(
        `huggingface_hub ${version}, emulator ${server.url} (storage ${server.storageUrl}), Xet ${xet ? "on" : "off"}`,
      );
      const results = await runCheck(
        python,
        "check_emulator_api.py",
        { endpoint: server.url, token: "hf_python_conformance", cache_dir: join(work, `cache-${xet}`) },
        xet ? {} : { HF_HUB_DISABLE_XET: "1" },
      );
      for (const r of results)
        console.log(`${r.ok ? "PASS" : "FAIL"} ${r.name}${r.ok ? "" : `: ${r.detail}`}`);
      failed ||= results.length === 0 || results.some((r) => !r.ok);
    } finally {
      await server.close();
    }
  }
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
