import { hfkitProject } from "@hfkit/vitest-config";

// The page is bundled from the built packages (dist/browser), as a user's bundler would.
export default hfkitProject(import.meta.dirname, {
  test: { testTimeout: 180_000, hookTimeout: 180_000 },
});
