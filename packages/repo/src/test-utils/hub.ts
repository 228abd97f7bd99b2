import { createEmulator } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { HUB, STORAGE } from "@hfkit/testing";
import { useEmulatorHub } from "@hfkit/testing/hub";
import type { SetupServerApi } from "msw/node";

/**
 * The emulator behind msw (a fresh one per test), where `token` belongs to `acme`, who may write.
 * With `tempDir`, each test also gets a fresh cache folder (`dir`), and `client(env)` is a client
 * with `token` whose Hub cache (`HF_HUB_CACHE`) is that folder.
 */
export function useAcmeHub(server: SetupServerApi, token: string, options: { tempDir?: string } = {}) {
  const hub = useEmulatorHub(
    server,
    () =>
      createEmulator({
        baseUrl: HUB,
        storageBaseUrl: STORAGE,
        users: [{ token, user: "acme", role: "write" }],
      }),
    options,
  );
  return Object.assign(hub, {
    client: (env: Record<string, string> = {}) =>
      createHubClient({ endpoint: HUB, token, env: { HF_HUB_CACHE: hub.dir, ...env } }),
  });
}
