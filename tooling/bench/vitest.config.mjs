import { hfkitProject } from "@hfkit/vitest-config";

export default hfkitProject(import.meta.dirname, { test: { include: ["test/**/*.test.mjs"] } });
