// One Xet upload in a child process (killed mid-way by emulator.test.ts). Loads the built
// package through its own name, as a user's program would.
// Usage: node upload-child.mjs <endpoint> <token> <repo> <cacheDir> <file>...
import { createHubClient } from "@hfkit/http";
import { uploadXet } from "@hfkit/xet";

const [endpoint, token, repo, cacheDir, ...paths] = process.argv.slice(2);
const hub = createHubClient({ endpoint, token, env: {} });
await uploadXet(hub, { repo, files: paths.map((path) => ({ path })), cacheDir, globalDedup: false });
