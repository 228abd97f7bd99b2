import { createEmulator } from "@hfkit/emulator";
import { HUB, STORAGE } from "@hfkit/testing";
import { useEmulatorHub } from "@hfkit/testing/hub";
import type { SetupServerApi } from "msw/node";

/** The emulator behind msw (a fresh one per test), where `token` belongs to `acme`, who may write. */
export function useAcmeHub(server: SetupServerApi, token: string) {
  return useEmulatorHub(server, () =>
    createEmulator({
      baseUrl: HUB,
      storageBaseUrl: STORAGE,
      users: [{ token, user: "acme", role: "write" }],
    }),
  );
}
