import { defineConfig } from "vitest/config";

// Runs every package's tests in one process tree: `pnpm vitest`. CI uses `turbo run test`,
// which runs each package on its own with caching. The docs site is left out: its tests need
// the built site and a browser (`pnpm --filter @hfkit/docs test`), and turbo runs them once.
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "!apps/docs"],
  },
});
