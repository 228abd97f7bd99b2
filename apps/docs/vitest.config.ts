import { hfkitProject } from "@hfkit/vitest-config";

// The browser test needs the built site (`pnpm docs:build`); the recipes in examples/ that are
// test files run as they are shown.
export default hfkitProject(import.meta.dirname, {
  test: { include: ["examples/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000 },
});
