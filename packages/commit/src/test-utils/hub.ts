import { createEmulator, type EmulatorOptions } from "@hfkit/emulator";
import { createHubClient, type HubClientOptions } from "@hfkit/http";
import { HUB, type SeenRequest, STORAGE } from "@hfkit/testing";
import { useEmulatorHub } from "@hfkit/testing/hub";
import type { SetupServerApi } from "msw/node";
import { beforeEach } from "vitest";
import type { CommitProgressEvent } from "../types.js";
import { ndjson } from "./files.js";

/** The token of the user `acme`, who owns the test repos. */
export const TOKEN = "hf_t";

/**
 * The emulator behind msw for a test file (a fresh one per test), with the model repo
 * `acme/m` created. The msw tests run on the emulator's own handlers; a test overrides a route
 * only for an answer the emulator never gives, citing the hub-protocol.md section it follows.
 * Xet is off unless a test file asks for it (`xet: true`): the Git LFS path is what these
 * files test, as against a Hub that does not offer Xet for the repo.
 */
export function useCommitHub(server: SetupServerApi, options: EmulatorOptions = {}) {
  const hub = useEmulatorHub(server, () =>
    createEmulator({
      baseUrl: HUB,
      storageBaseUrl: STORAGE,
      users: [{ token: TOKEN, user: "acme", role: "write" }],
      xet: false,
      ...options,
    }),
  );
  beforeEach(async () => {
    await hub.api("POST", "/api/repos/create", { token: TOKEN, json: { name: "m", organization: "acme" } });
  });
  return hub;
}

/**
 * A client for these tests. Passing `fetch` keeps bulk uploads on fetch, where msw sees them
 * (ADR 0002): a client made after msw patched the global would otherwise send them through
 * node:http or undici.request.
 */
export function testClient(options: HubClientOptions = {}) {
  return createHubClient({
    endpoint: HUB,
    token: TOKEN,
    env: {},
    fetch: (input, init) => fetch(input, init),
    retry: { initialDelayMs: 1, random: () => 0 },
    ...options,
  });
}

export interface SentCommit {
  url: URL;
  lines: Array<{ key: string; value: Record<string, unknown> }>;
}

/** The commits the client sent, in order, as the NDJSON lines on the wire (call after `flush()`). */
export function sentCommits(seen: readonly SeenRequest[]): SentCommit[] {
  return seen
    .filter((r) => r.method === "POST" && /^\/api\/[^/]+\/[^/]+\/[^/]+\/commit\//.test(r.url.pathname))
    .map((r) => ({ url: r.url, lines: ndjson(r.body) as SentCommit["lines"] }));
}

/** `METHOD [STORAGE]path`, with the emulator's random upload and repo ids left out. */
export function callOf(request: SeenRequest): string {
  const origin = request.url.origin === STORAGE ? "STORAGE" : "";
  const path = request.url.pathname
    .replace(/^\/part\/[^/]+\//, "/part/ID/")
    .replace(/^\/upload\/[^/]+\/([0-9a-f]{64})\/\d+$/, "/upload/$1");
  return `${request.method} ${origin}${path}`;
}

/**
 * A client over the emulator's in-process fetch: for looking at the repo after a test (its
 * files, its head) without adding to msw's request log.
 */
export function observer(emulator: { fetch: typeof fetch }) {
  return createHubClient({ endpoint: HUB, token: TOKEN, env: {}, fetch: emulator.fetch, retry: false });
}

/** Drains a commit's generator: its progress events, in order, and its result. */
export async function run<R>(iter: AsyncGenerator<CommitProgressEvent, R>) {
  const events: CommitProgressEvent[] = [];
  for (;;) {
    const step = await iter.next();
    if (step.done) return { events, result: step.value };
    events.push(step.value);
  }
}
