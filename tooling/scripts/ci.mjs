// The README's test command (`npm test`) and what .ci/run executes: install from the lockfile,
// then build, type-check, lint, test (on Node 20, then Node 24) and check the packaging of
// every package.
import { existsSync } from "node:fs";
import { pnpm, run } from "./pnpm.mjs";

const CHROMIUM = "/usr/bin/chromium";

const started = Date.now();
// The docs site's test and the browser test of the packages (tooling/browser-e2e) open
// Debian's Chromium (never a downloaded browser); say so now
// rather than after the build. `.ci/run` installs it.
if (!existsSync(CHROMIUM)) {
  console.error(
    `${CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium).`,
  );
  process.exit(1);
}
pnpm(["install", "--frozen-lockfile"]);
pnpm(["exec", "biome", "check", "."]);
// Python is the oracle for datasets, Xet and the emulator: make its cached venv up front so
// that a missing package index fails here with pip's own words, not inside a test file.
const pythonSkipped = process.env.HFKIT_SKIP_PYTHON === "1";
if (!pythonSkipped) {
  run("node", [
    "--input-type=module",
    "-e",
    'const { ensurePython } = await import("./tooling/testing/python.js"); console.error((await ensurePython()).venv);',
  ]);
}
pnpm([
  "exec",
  "turbo",
  "run",
  "build",
  "typecheck",
  "lint",
  "test",
  "check:package",
  "--concurrency=2",
  "--output-logs=new-only",
]);
// The browser builds: no Node built-in reachable from a web entry, and the page size budget
// (ADR 0017); it reads the dist/ the build above made.
run("node", ["tooling/scripts/check-browser-bundles.mjs"]);
// The CLI reference the docs site shows is generated from the commands: it must match them.
run("node", ["apps/cli/scripts/reference.mjs", "--check"]);
// The official client's flows against the CLI's own server, as users start it.
run("node", ["tooling/scripts/emulator-conformance.mjs"]);
// The bounded soak (issue 19): uploads broken on purpose (faults, SIGKILLs, concurrent writers,
// the disk emulator killed mid-commit, bad input) must lose nothing. A fresh seed each run,
// printed first: `pnpm soak --quick --seed N` replays a failure.
run("node", ["tooling/bench/soak.mjs", "--quick"]);
// Second leg: every test again on Node 24 (the npm registry's `node` package), with the build
// from the first leg. Node 24 bundles a newer undici than Node 20, which the seam must survive.
// (The root vitest config leaves out the docs site: a static site in a browser, tested once.)
run("npx", ["--yes", "node@24.21.0", "node_modules/vitest/vitest.mjs", "run"]);
pnpm(["exec", "knip"]);
run("node", ["tooling/scripts/check-readme-examples.mjs"]);
run("node", ["tooling/scripts/check-changesets.mjs"]);
console.error(`\nAll checks passed in ${((Date.now() - started) / 1000).toFixed(0)}s.`);
if (pythonSkipped) {
  console.error("Python checks SKIPPED on purpose (HFKIT_SKIP_PYTHON=1): nothing was judged against Python.");
}
